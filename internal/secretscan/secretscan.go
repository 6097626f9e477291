// Package secretscan is a test helper: it checks that the secrets a test
// gave a program went nowhere but where they belong. A suite registers
// every secret it hands over and every output it captures; at the end of
// each test, Check walks the test's directories and fails the test for
// any file (other than remote.yaml and the files the test itself wrote)
// or output that holds a secret, raw or in base64 at any alignment (the
// Auth of a Basic login is base64 of "user:secret", so the secret's own
// base64 never appears whole).
package secretscan

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
)

// MinLen is the shortest secret registered: a shorter one ("pw", "x")
// would be found everywhere by chance.
const MinLen = 6

// minFragment is the shortest base64 fragment searched for.
const minFragment = 8

// Scan collects secrets and outputs for one test. Its zero value is ready
// to use; it is safe for concurrent use.
type Scan struct {
	mu       sync.Mutex
	secrets  map[string]bool
	outputs  []output
	allowed  map[string]bool
	patterns map[string][]byte // forms to look for -> the secret they come from
}

type output struct{ name, text string }

// Secret registers a secret the program was given.
func (s *Scan) Secret(v string) {
	if len(v) < MinLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secrets == nil {
		s.secrets = map[string]bool{}
	}
	s.secrets[v] = true
	s.patterns = nil
}

// Output registers something the program printed, to be checked.
func (s *Scan) Output(name, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outputs = append(s.outputs, output{name, text})
}

// Allow names a file that may hold a secret: one the test wrote itself
// (a token file, a planted docker config).
func (s *Scan) Allow(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.allowed == nil {
		s.allowed = map[string]bool{}
	}
	s.allowed[filepath.Clean(path)] = true
}

// forms returns every byte string whose presence betrays a secret: the
// secret itself and, for each alignment of it inside a longer base64 text,
// the characters that depend on it alone (standard and URL alphabets).
func (s *Scan) forms() map[string][]byte {
	if s.patterns != nil {
		return s.patterns
	}
	s.patterns = map[string][]byte{}
	for v := range s.secrets {
		s.patterns[v] = []byte(v)
		for k := 0; k < 3; k++ {
			in := append(make([]byte, k), v...)
			// Character i covers bits [6i, 6i+6): keep those wholly inside
			// the secret's bits [8k, 8(k+len)).
			from, to := (8*k+5)/6, 8*(k+len(v))/6
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if frag := enc.EncodeToString(in)[from:to]; len(frag) >= minFragment {
					s.patterns[frag] = []byte(v)
				}
			}
		}
	}
	return s.patterns
}

// find returns the secret data betrays, if any.
func (s *Scan) find(data []byte) (secret string, ok bool) {
	for p, v := range s.forms() {
		if bytes.Contains(data, []byte(p)) {
			return string(v), true
		}
	}
	return "", false
}

// Leaks walks the roots and the registered outputs and describes every
// place holding a registered secret. Files named remote.yaml (where
// secrets belong in file mode) and allowed files are skipped; so are
// directories that vanish during the walk.
func (s *Scan) Leaks(roots ...string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.secrets) == 0 {
		return nil, nil
	}
	var leaks []string
	for _, o := range s.outputs {
		if v, ok := s.find([]byte(o.text)); ok {
			leaks = append(leaks, fmt.Sprintf("output %s holds secret %s", o.name, mask(v)))
		}
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) || os.IsPermission(err) {
					return nil
				}
				return err
			}
			if !d.Type().IsRegular() || d.Name() == "remote.yaml" || s.allowed[filepath.Clean(path)] {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			if v, ok := s.find(data); ok {
				leaks = append(leaks, fmt.Sprintf("file %s holds secret %s", path, mask(v)))
			}
			return nil
		})
		if err != nil {
			return leaks, err
		}
	}
	sort.Strings(leaks)
	return leaks, nil
}

// Check fails t for every leak under roots.
func (s *Scan) Check(t testing.TB, roots ...string) {
	t.Helper()
	leaks, err := s.Leaks(roots...)
	if err != nil {
		t.Errorf("secret scan: %v", err)
	}
	for _, l := range leaks {
		t.Errorf("secret scan: %s", l)
	}
}

// mask names a secret in a report without repeating it whole.
func mask(v string) string {
	return fmt.Sprintf("%q…(%d bytes)", v[:3], len(v))
}

// scans holds each test's Scan, so every helper of a suite adds to one.
var scans sync.Map // *testing.T -> *Scan

// For returns t's scan, creating it on first use together with its final
// check, which runs when t ends over every temp dir of t.
func For(t *testing.T) *Scan {
	t.Helper()
	if s, ok := scans.Load(t); ok {
		return s.(*Scan)
	}
	s := &Scan{}
	scans.Store(t, s)
	root := filepath.Dir(t.TempDir()) // every TempDir of this test
	// Registered after TempDir's removal, so it runs before it.
	t.Cleanup(func() {
		s.Check(t, root)
		scans.Delete(t)
	})
	return s
}
