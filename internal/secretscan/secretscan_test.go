package secretscan

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scanner must be able to fail: each planted leak is found, and the
// places secrets belong are not reported.
func TestLeaks_FindsPlantedLeaks(t *testing.T) {
	const secret = "Pl4nted-S3cret"
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + secret))
	for name, plant := range map[string]struct {
		file, content, out string
	}{
		"raw in a file":          {file: "log/helper.log", content: "debug: " + secret + "\n"},
		"basic auth in a file":   {file: ".docker/config.json", content: `{"auths":{"r":{"auth":"` + basic + `"}}}`},
		"offset 1 base64":        {file: "a", content: base64.StdEncoding.EncodeToString([]byte("u:" + secret))},
		"offset 2 base64":        {file: "b", content: base64.StdEncoding.EncodeToString([]byte("us:" + secret))},
		"url base64":             {file: "c", content: base64.URLEncoding.EncodeToString([]byte("x" + secret))},
		"temp file beside yaml":  {file: "cfg/.remote.yaml.tmp-123", content: "Auth: Basic " + basic},
		"raw in an output":       {out: "error: bad secret " + secret},
		"basic auth in stderr":   {out: "Authorization: Basic " + basic},
		"secret's own base64":    {out: base64.StdEncoding.EncodeToString([]byte(secret))},
		"secret in a long token": {out: "Bearer xx" + secret + "yy"},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			var s Scan
			s.Secret(secret)
			s.Secret("pw") // too short to look for: must not report everything
			if plant.file != "" {
				p := filepath.Join(root, plant.file)
				os.MkdirAll(filepath.Dir(p), 0o700)
				if err := os.WriteFile(p, []byte(plant.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if plant.out != "" {
				s.Output("stderr of get", plant.out)
			}
			leaks, err := s.Leaks(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(leaks) != 1 {
				t.Fatalf("leaks = %q, want the one planted", leaks)
			}
			if strings.Contains(leaks[0], secret) {
				t.Errorf("the report repeats the secret: %s", leaks[0])
			}
		})
	}
}

func TestLeaks_AllowedPlaces(t *testing.T) {
	const secret = "Pl4nted-S3cret"
	root := t.TempDir()
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + secret))
	os.MkdirAll(filepath.Join(root, "cfg"), 0o700)
	os.WriteFile(filepath.Join(root, "cfg", "remote.yaml"), []byte("Credentials:\n    - URI: docker://r\n      Auth: Basic "+basic+"\n"), 0o600)
	token := filepath.Join(root, "token")
	os.WriteFile(token, []byte(secret+"\n"), 0o600)
	os.WriteFile(filepath.Join(root, "other"), []byte("Basic dXNlcjpwdw== nothing here\n"), 0o600)
	var s Scan
	s.Secret(secret)
	s.Allow(token)
	s.Output("stdout of list", "docker://r alice Basic ********\n")
	if leaks, err := s.Leaks(root); err != nil || len(leaks) != 0 {
		t.Errorf("leaks = %q, %v; want none", leaks, err)
	}
	var fake fakeTB
	os.WriteFile(filepath.Join(root, "leak"), []byte(basic), 0o600)
	s.Check(&fake, root)
	if len(fake.errors) != 1 {
		t.Errorf("Check reported %q, want one failure", fake.errors)
	}
}

type fakeTB struct {
	testing.TB
	errors []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, format)
}
