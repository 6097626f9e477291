package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// skip is one skipped test and the message it skipped with.
type skip struct {
	Name   string // package.Test/sub
	Reason string
}

// result is what one step's `go test -json` said.
type result struct {
	Step     string
	Passed   int
	Failed   []string // tests, or packages that failed outside a test (build, TestMain)
	Skipped  []skip
	Packages int
}

// read parses go test -json from in, echoing the tests' output to echo: all
// of it when verbose, else package results and the output of failed and
// skipped tests. Lines that are not JSON (a wrapper's messages, go's own
// errors) are echoed as they are: go test's exit status, which the caller
// checks (make runs the pipe with pipefail), says whether go itself failed.
func read(in *bufio.Reader, echo io.Writer, verbose bool) (*result, error) {
	r := &result{}
	out := map[string][]string{} // test's output so far, by package.Test
	for {
		line, err := in.ReadString('\n')
		if line != "" {
			var e event
			if json.Unmarshal([]byte(line), &e) != nil || e.Action == "" {
				fmt.Fprint(echo, line)
			} else {
				r.add(e, out, echo, verbose)
			}
		}
		if err == io.EOF {
			return r, nil
		}
		if err != nil {
			return r, err
		}
	}
}

func (r *result) add(e event, out map[string][]string, echo io.Writer, verbose bool) {
	name := e.Package
	if e.Test != "" {
		name += "." + e.Test
	}
	switch e.Action {
	case "output", "build-output":
		if verbose || (e.Test == "" && e.Output != "PASS\n") || e.Action == "build-output" {
			fmt.Fprint(echo, e.Output)
		}
		if e.Test != "" {
			out[name] = append(out[name], e.Output)
		}
	case "pass":
		if e.Test != "" {
			r.Passed++
		} else {
			r.Packages++
		}
		delete(out, name)
	case "fail":
		if e.Test == "" {
			r.Packages++
		}
		if !verbose && e.Test != "" {
			fmt.Fprint(echo, strings.Join(out[name], ""))
		}
		r.Failed = append(r.Failed, name)
		delete(out, name)
	case "skip":
		if e.Test == "" { // a package without tests
			r.Packages++
			return
		}
		reason := skipReason(out[name])
		if !verbose {
			fmt.Fprintf(echo, "--- SKIP: %s: %s\n", name, reason)
		}
		r.Skipped = append(r.Skipped, skip{Name: name, Reason: reason})
		delete(out, name)
	}
}

// logLine is the start of a t.Log/t.Skip message in go test's output.
var logLine = regexp.MustCompile(`^\s+[^\s:]+\.go:\d+: `)

// skipReason is the last message the test logged before its SKIP line: the
// argument of t.Skip (a multi-line message is kept whole, on one line).
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if loc := logLine.FindStringIndex(lines[i]); loc != nil {
			var parts []string
			for _, l := range lines[i:] {
				if strings.HasPrefix(strings.TrimSpace(l), "--- ") {
					break
				}
				parts = append(parts, strings.TrimSpace(l))
			}
			parts[0] = strings.TrimSpace(lines[i][loc[1]:])
			return strings.Join(parts, " ")
		}
	}
	return "(no reason given)"
}

// allowed is one entry of the allowed-skips file.
type allowed struct {
	Steps  []string
	Test   *regexp.Regexp
	Reason *regexp.Regexp
	Why    string
	Line   int
}

func loadAllowed(path string) ([]allowed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("allowed skips: %w", err)
	}
	return parseAllowed(string(b), path)
}

func parseAllowed(text, path string) ([]allowed, error) {
	var as []allowed
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, " | ")
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want 'steps | test regexp | reason regexp | why', got %q", path, i+1, line)
		}
		a := allowed{Why: strings.TrimSpace(f[3]), Line: i + 1}
		var err error
		for _, s := range strings.Split(f[0], ",") {
			a.Steps = append(a.Steps, strings.TrimSpace(s))
		}
		if a.Test, err = regexp.Compile("^(?:" + strings.TrimSpace(f[1]) + ")$"); err != nil {
			return nil, fmt.Errorf("%s:%d: test: %w", path, i+1, err)
		}
		if a.Reason, err = regexp.Compile(strings.TrimSpace(f[2])); err != nil {
			return nil, fmt.Errorf("%s:%d: reason: %w", path, i+1, err)
		}
		if a.Why == "" {
			return nil, fmt.Errorf("%s:%d: an allowed skip must say why", path, i+1)
		}
		as = append(as, a)
	}
	return as, nil
}

// why returns the reason a skip is allowed in step, or "" if it is not.
func why(allow []allowed, step string, s skip) string {
	for _, a := range allow {
		for _, st := range a.Steps {
			if st == step && a.Test.MatchString(s.Name) && a.Reason.MatchString(s.Reason) {
				return a.Why
			}
		}
	}
	return ""
}

// report prints the summary of the steps and returns the exit code: 1 when a
// test failed, a skip is not allowed, or a step ran no package at all.
func report(w io.Writer, allow []allowed, rs []*result) int {
	code := 0
	var passed, failed, skipped, refused int
	fmt.Fprintln(w, "==== test summary ====")
	for _, r := range rs {
		passed += r.Passed
		failed += len(r.Failed)
		skipped += len(r.Skipped)
		fmt.Fprintf(w, "%s: %d passed, %d failed, %d skipped\n", r.Step, r.Passed, len(r.Failed), len(r.Skipped))
		if r.Packages == 0 {
			fmt.Fprintf(w, "  FAIL: %s ran no test package\n", r.Step)
			code = 1
		}
		for _, f := range r.Failed {
			fmt.Fprintf(w, "  FAIL: %s\n", f)
			code = 1
		}
		for _, s := range r.Skipped {
			if y := why(allow, r.Step, s); y != "" {
				fmt.Fprintf(w, "  skip (allowed: %s): %s: %s\n", y, s.Name, s.Reason)
			} else {
				fmt.Fprintf(w, "  SKIP NOT ALLOWED: %s: %s\n", s.Name, s.Reason)
				refused++
				code = 1
			}
		}
	}
	fmt.Fprintf(w, "total: %d passed, %d failed, %d skipped (%d not allowed by integration/allowed-skips.txt)\n", passed, failed, skipped, refused)
	return code
}
