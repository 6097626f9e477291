package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/yamlstore"
)

// oldHelperList is Helper.List as it was before it asked credstore for the
// listed entries only: every entry's user name looked up, then the keys.
func oldHelperList(h Helper) (map[string]string, error) {
	logins, err := h.Store.List()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, l := range logins {
		if key, ok := oldListKey(l.URI); ok {
			if _, dup := out[key]; !dup {
				out[key] = l.Username
			}
		}
	}
	return out, nil
}

// listAuths are the Auth values of the generated files: every form decodeAuth
// reads or refuses, and none (the secret is in the docker config, or nowhere).
var listAuths = []string{
	"", "", "Bearer tok", "bearer tok2", "Raw-token", "Basic !!!notbase64", "Basic " + b64("nocolon"),
	"Basic " + b64(`us"er<&>:pw`), "basic  " + b64("spaced:pw") + " ",
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// writeListFile writes a remote.yaml of n entries drawn from uris (Hub
// spellings, ports, paths, keyservers, OAuth tokens, ...: many share a key)
// and a docker config holding the secrets of some of them, as Apptainer
// does for entries without Auth.
func writeListFile(t *testing.T, r *rand.Rand, uris []string, n int) Helper {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Active: DefaultRemote\nCredentials:\n")
	auths := map[string]map[string]string{}
	for i := 0; i < n; i++ {
		uri := uris[r.IntN(len(uris))]
		auth := listAuths[r.IntN(len(listAuths))]
		if r.IntN(3) == 0 {
			auth = "Basic " + b64(fmt.Sprintf("user%d:secret%d", i, i))
		}
		q, _ := json.Marshal(uri) // a JSON string is a YAML double-quoted scalar
		fmt.Fprintf(&b, "    - URI: %s\n", q)
		if auth != "" {
			qa, _ := json.Marshal(auth)
			fmt.Fprintf(&b, "      Auth: %s\n", qa)
		} else if host, ok := oldListKey(uri); ok && r.IntN(2) == 0 {
			auths[host] = map[string]string{"auth": b64(fmt.Sprintf("cfg%d:pw", i))}
		}
		fmt.Fprintf(&b, "      Insecure: %v\n", r.IntN(2) == 0)
	}
	p := filepath.Join(dir, "remote.yaml")
	cfg := filepath.Join(dir, "docker-config.json")
	data, _ := json.Marshal(map[string]any{"auths": auths})
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// An hour old: a read of a file written just now waits for it to settle.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return Helper{Store: &credstore.Store{File: &yamlstore.File{Path: p}, DockerConfig: cfg, DockerConfigs: []string{cfg}}}
}

// TestHelper_List_sameAsBefore holds Helper.List to oldHelperList over
// random remote.yaml files of the generated entry URIs.
func TestHelper_List_sameAsBefore(t *testing.T) {
	var uris []string
	for _, tc := range listCases {
		uris = append(uris, tc.entry)
	}
	for i, u := range genURIs() {
		// Registry entries and some of the rest; URIs with ' ' or '#' still
		// read, as quoted scalars.
		if strings.HasPrefix(strings.ToLower(u), "docker://") || strings.HasPrefix(strings.ToLower(u), "oras://") || i%50 == 0 {
			uris = append(uris, u)
		}
	}
	r := rand.New(rand.NewPCG(20, 4))
	read, keys := 0, 0
	for f := 0; f < 300; f++ {
		h := writeListFile(t, r, uris, 1+r.IntN(60))
		got, err := h.List()
		want, wantErr := oldHelperList(h)
		if (err != nil) != (wantErr != nil) || fmt.Sprint(got) != fmt.Sprint(want) {
			data, _ := os.ReadFile(h.Store.File.Path)
			t.Fatalf("List() = %v, %v; want %v, %v (as before)\nremote.yaml:\n%s", got, err, want, wantErr, data)
		}
		// The whole reply too, through writeList's path for a Helper.
		var reply bytes.Buffer
		if err := writeList(h, &reply); err == nil && !bytes.Equal(reply.Bytes(), encodingJSON(t, want)) {
			t.Fatalf("list reply %q, want %q (encoding/json of the old map)", reply.Bytes(), encodingJSON(t, want))
		}
		if err == nil {
			read++
			keys += len(got)
		}
	}
	if read < 250 || keys < 500 {
		t.Fatalf("%d of 300 files read, %d keys listed; want most files and many keys", read, keys)
	}
	t.Logf("%d of 300 files read, %d keys listed", read, keys)
}
