// Command noop is the benchmark's lower bound: a Go binary that starts and exits.
package main

func main() {}
