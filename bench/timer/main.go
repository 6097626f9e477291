// Command timer times whole processes the way a credential helper is used:
// every command is started directly (no shell between the timer and the
// process), with its stdin opened from a file, and the commands take turns
// round by round, so the machine's noise falls on all of them alike.
//
//	timer -rounds 300 -warmup 10 SPEC
//
// SPEC holds one command a line, tab-separated:
//
//	name  stdin-file  stdin-template  env  argv
//
// env is space-separated VAR=value words added to the timer's environment,
// argv space-separated words; "-" stands for none. A non-empty template is
// written to stdin-file before every run, untimed, with each "{n}" replaced
// by a new number (a store then replaces a login with a new secret each run).
// The commands run in the order given in even rounds and in reverse in odd
// ones. Every run must exit 0.
//
// Output, one line a command, tab-separated: name, runs, and the median,
// mean, 10th and 90th percentile and minimum wall time in milliseconds.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

type command struct {
	name, stdin, template string
	env, argv             []string
	times                 []time.Duration
}

func main() {
	rounds := flag.Int("rounds", 300, "timed rounds (each runs every command once)")
	warmup := flag.Int("warmup", 10, "untimed rounds first")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: timer [-rounds N] [-warmup N] SPEC")
		os.Exit(2)
	}
	cmds, err := readSpec(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "timer:", err)
		os.Exit(1)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "timer:", err)
		os.Exit(1)
	}
	nonce := time.Now().UnixNano()
	for r := 0; r < *warmup+*rounds; r++ {
		order := slices.Clone(cmds)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, c := range order {
			nonce++
			d, err := c.run(devnull, nonce)
			if err != nil {
				fmt.Fprintf(os.Stderr, "timer: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			if r >= *warmup {
				c.times = append(c.times, d)
			}
		}
	}
	w := bufio.NewWriter(os.Stdout)
	for _, c := range cmds {
		t := slices.Clone(c.times)
		slices.Sort(t)
		var sum time.Duration
		for _, d := range t {
			sum += d
		}
		fmt.Fprintf(w, "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", c.name, len(t),
			ms(t[len(t)/2]), ms(sum/time.Duration(len(t))), ms(t[len(t)/10]), ms(t[len(t)*9/10]), ms(t[0]))
	}
	w.Flush()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// run starts the command once and returns its wall time, from just before
// the start to the return of its wait.
func (c *command) run(out *os.File, nonce int64) (time.Duration, error) {
	if c.template != "" {
		in := strings.ReplaceAll(c.template, "{n}", strconv.FormatInt(nonce, 10))
		if err := os.WriteFile(c.stdin, []byte(in), 0o600); err != nil {
			return 0, err
		}
	}
	in, err := os.Open(c.stdin)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	attr := &os.ProcAttr{Env: c.env, Files: []*os.File{in, out, out}}
	t0 := time.Now()
	p, err := os.StartProcess(c.argv[0], c.argv, attr)
	if err != nil {
		return 0, err
	}
	st, err := p.Wait()
	d := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if !st.Success() {
		return 0, fmt.Errorf("%s: %v (stdin %s)", strings.Join(c.argv, " "), st, c.stdin)
	}
	return d, nil
}

func readSpec(path string) ([]*command, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cmds []*command
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: want 5 tab-separated fields, got %d", path, i+1, len(f))
		}
		c := &command{name: f[0], stdin: f[1], env: os.Environ(), argv: strings.Fields(f[4])}
		if f[2] != "-" {
			c.template = f[2]
		}
		if f[3] != "-" {
			c.env = append(c.env, strings.Fields(f[3])...)
		}
		if len(c.argv) == 0 {
			return nil, fmt.Errorf("%s:%d: no command", path, i+1)
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("%s: no commands", path)
	}
	return cmds, nil
}
