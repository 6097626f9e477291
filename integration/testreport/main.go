// Command testreport reads `go test -json` and holds a test run to the
// project's rule that nothing the install script installs may skip: every
// skip must match an entry of integration/allowed-skips.txt, each with its
// reason, or the run fails. It prints the tests' output as go test would and
// ends with the count of passes, failures and skips and every skip's reason.
//
//	go test -json ./... | testreport -step unit -allow integration/allowed-skips.txt -log bin/test-logs/unit.json
//	testreport -allow integration/allowed-skips.txt -summary bin/test-logs/*.json
//
// With -summary it reads the logs of earlier steps (named by their file
// names) and prints one summary of them all: the end of `make test`.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	step := flag.String("step", "test", "the name of this step in the summary (unit, keyring, integration)")
	allowFile := flag.String("allow", "", "the allowed-skips file")
	logFile := flag.String("log", "", "also write the JSON read to this file, for -summary")
	verbose := flag.Bool("v", false, "print every test's output, as go test -v; without it only failures, skips and package results")
	summary := flag.Bool("summary", false, "summarise the JSON logs named as arguments instead of reading stdin")
	flag.Parse()

	if *allowFile == "" {
		fmt.Fprintln(os.Stderr, "testreport: -allow FILE is required (integration/allowed-skips.txt)")
		os.Exit(2)
	}
	allow, err := loadAllowed(*allowFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if *summary {
		os.Exit(summarise(os.Stdout, allow, flag.Args()))
	}
	in := io.Reader(os.Stdin)
	if *logFile != "" {
		if err := os.MkdirAll(filepath.Dir(*logFile), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		f, err := os.Create(*logFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = io.TeeReader(in, f)
	}
	var echo io.Writer = os.Stdout
	r, err := read(bufio.NewReader(in), echo, *verbose)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	r.Step = *step
	code := report(os.Stdout, allow, []*result{r})
	os.Exit(code)
}

// summarise reads the logs of finished steps, each named by its file name
// without .json, and prints their one summary.
func summarise(w io.Writer, allow []allowed, paths []string) int {
	var rs []*result
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(w, "testreport:", err)
			return 2
		}
		r, err := read(bufio.NewReader(f), io.Discard, false)
		f.Close()
		if err != nil {
			fmt.Fprintf(w, "testreport: %s: %v\n", p, err)
			return 2
		}
		r.Step = strings.TrimSuffix(filepath.Base(p), ".json")
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		fmt.Fprintln(w, "testreport: no test logs to summarise")
		return 2
	}
	return report(w, allow, rs)
}
