package machine

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// BenchmarkProbe is what the helper's machine model costs per call, run
// no program (Env.Run nil): "lookpath" with exec.LookPath over a PATH of
// 12 directories that hold neither apptainer nor singularity (24 stats),
// "nolookup" with a LookPath that finds nothing without any I/O. Their
// difference is what the two PATH lookups cost. They cannot be made lazy
// on the helper's path: every branch of Primary, which picks remote.yaml,
// asks both.
func BenchmarkProbe(b *testing.B) {
	dirs := make([]string, 12)
	for i := range dirs {
		dirs[i] = b.TempDir()
	}
	b.Setenv("PATH", strings.Join(dirs, ":"))
	home := b.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	for _, bc := range []struct {
		name     string
		lookPath func(string) (string, error)
	}{{"lookpath", exec.LookPath}, {"nolookup", notFound}} {
		b.Run(bc.name, func(b *testing.B) {
			env := Env{Getenv: getenv, LookPath: bc.lookPath}
			for i := 0; i < b.N; i++ {
				if m := Probe(env); m.Apptainer != nil || m.SingularityCE != nil {
					b.Fatal("found a program on an empty PATH")
				}
			}
		})
	}
}
