package protocol

import (
	"strings"
	"testing"
)

// The functions old* are the ones list and get ran before they were made
// cheaper, kept as oracles: the new ones must give the same answer for
// every input.

// oldRank is Key.Rank as it was before the host-text shortcut (mayName):
// the oracle the differential test and FuzzRank hold Rank to. It turned
// other hosts away with a substring search of the whole URI instead.
func oldRank(k Key, entryURI string) int {
	switch k.Kind {
	case HubAccessToken, HubRefreshToken:
		if entryURI == k.EntryURI() {
			return rankDocker
		}
		return noMatch
	case Registry:
		if name, _, _ := strings.Cut(k.Host, ":"); name != "" && name[0] != '[' && !oldContainsFold(entryURI, name) {
			return noMatch
		}
		e, ok := parseEntry(entryURI)
		if !ok || k.Host == "" || e.host != k.Host {
			return noMatch
		}
		rank := registrySchemes[e.scheme]
		if rank != noMatch && e.hasPath {
			rank--
		}
		return rank
	}
	return noMatch
}

// oldListKey is ListKey as it was before canonicalHost: the full parse of
// every entry.
func oldListKey(entryURI string) (string, bool) {
	e, ok := parseEntry(entryURI)
	if !ok || registrySchemes[e.scheme] == noMatch {
		return "", false
	}
	return e.host, true
}

func oldContainsFold(s, sub string) bool {
	if strings.Contains(s, sub) {
		return true
	}
	if !oldHasUpper(s) {
		return false
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func oldHasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// genHosts, genPorts, genPaths, genSchemes and genUserinfo spell server
// URLs and Credentials URIs the ways clients, Apptainer and hand edits do,
// and the ways that must fail: Docker Hub's aliases, ports with leading
// zeros or out of range, IPv6 literals in several forms, upper case,
// userinfo, %-escapes, look-alike hosts that contain another's name.
var (
	genHosts = []string{
		"reg.example.com", "REG.Example.COM", "reg.example.com.evil", "evilreg.example.com",
		"reg-example.com", "example.com", "reg", "reg.example.co", "re",
		"docker.io", "Docker.IO", "index.docker.io", "INDEX.docker.io", "registry-1.docker.io",
		"registry-1.Docker.io", "xdocker.io", "docker.io.evil", "notindex.docker.io", "registry-2.docker.io",
		"localhost", "LOCALHOST", "myregistry", "reg00001.example.com", "reg01000.example.com",
		"[::1]", "[0::1]", "[0:0::1]", "[2001:db8::1]", "[2001:DB8::1]", "[::ffff:127.0.0.1]", "[fe80::1%eth0]",
		"[::1", "::1", "127.0.0.1", "reg%2eexample.com", "reg.example.com%3a5000", "",
		"-reg.example.com", "reg..example.com", "r\u212aeg.example.com",
		"reg-.example.com", "reg.example.com.", ".reg.example.com", "reg.-example.com", "1.2.3.4", "xn--bcher-kva.example",
		"reg_example.com", "reg.example.com:5000:1", "REG.example.com", "a", "0",
		strings.Repeat("a", 63) + ".com", strings.Repeat("a", 64) + ".com",
		longName(253), longName(254),
	}
	genPorts    = []string{"", ":5000", ":05000", ":443", ":0", ":65535", ":65536", ":99999", ":100000", ":", ":+80", ":50a", "::5000", ":-1"}
	genPaths    = []string{"", "/", "/a/b/", "//x", "/v1/access-token", "?q", "#f", " /x"}
	genSchemes  = []string{"docker://", "oras://", "DOCKER://", "Oras://", "https://", "http://", "docker-access-token://", "docker-refresh-token://", "library://", "1bad://", ""}
	genUserinfo = []string{"", "u:p@"}
)

// longName is a host name of n bytes: labels of 63 bytes and one shorter.
func longName(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.Repeat("h", min(63, n-b.Len())))
	}
	return b.String()
}

// genURIs is every combination of the parts above.
func genURIs() []string {
	var out []string
	for _, s := range genSchemes {
		for _, u := range genUserinfo {
			for _, h := range genHosts {
				for _, p := range genPorts {
					for _, path := range genPaths {
						out = append(out, s+u+h+p+path)
					}
				}
			}
		}
	}
	return out
}

// rankKeys is every distinct key ParseKey gives for the inputs, and keys
// built by hand: the zero key, unknown kinds, hosts ParseKey never gives.
func rankKeys(inputs []string) []Key {
	seen := map[Key]bool{}
	keys := []Key{
		{}, {Kind: Kind(9), Host: "reg.example.com"}, {Host: "REG.example.com"}, {Host: ":5000"},
		{Host: "[::1"}, {Host: "docker.io:443"}, {Host: "reg.example.com:05000"},
		{Kind: HubAccessToken}, {Kind: HubRefreshToken, Host: "docker.io"},
	}
	for _, k := range keys {
		seen[k] = true
	}
	for _, in := range inputs {
		if k, err := ParseKey(in); err == nil && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// TestKey_Rank_sameAsBefore holds Rank to oldRank for every pair of a key
// and an entry from the test tables and the generated spellings.
func TestKey_Rank_sameAsBefore(t *testing.T) {
	entries := genURIs()
	var inputs []string
	for _, tc := range clientCases {
		inputs = append(inputs, tc.in, tc.wantEntry, tc.entry)
	}
	for _, tc := range rankCases {
		inputs = append(inputs, tc.key, tc.entry)
	}
	for _, tc := range listCases {
		inputs = append(inputs, tc.entry)
	}
	for _, tc := range invalidCases {
		inputs = append(inputs, tc.in)
	}
	entries = append(entries, inputs...)
	// Keys from the tables and a sample of the generated spellings (every
	// 37th, so every host): the full cross product would be billions.
	keyInputs := inputs
	for i, e := range entries {
		if i%37 == 0 {
			keyInputs = append(keyInputs, e)
		}
	}
	keys := rankKeys(keyInputs)
	matched, pairs := 0, 0
	for _, k := range keys {
		for _, e := range entries {
			got, want := k.Rank(e), oldRank(k, e)
			if got != want {
				t.Fatalf("%#v.Rank(%q) = %d, want %d (as before)", k, e, got, want)
			}
			if got > 0 {
				matched++
			}
			pairs++
		}
	}
	// The inputs must exercise both answers, or the comparison says little.
	if matched < 1000 || pairs-matched < 1000 {
		t.Fatalf("%d keys × %d entries: %d matches of %d pairs; want many of each", len(keys), len(entries), matched, pairs)
	}
	t.Logf("%d keys × %d entries: %d matches of %d pairs", len(keys), len(entries), matched, pairs)
}

// FuzzRank holds Rank to oldRank for any key text and entry: as ParseKey
// reads the key, and as a hand-made Registry key with that host.
func FuzzRank(f *testing.F) {
	for _, tc := range rankCases {
		f.Add(tc.key, tc.entry)
	}
	for _, tc := range clientCases {
		f.Add(tc.in, tc.wantEntry)
		f.Add(tc.in, "oras://"+strings.ToUpper(tc.in)+"/x")
	}
	f.Fuzz(func(t *testing.T, key, entry string) {
		keys := []Key{{Kind: Registry, Host: key}}
		if k, err := ParseKey(key); err == nil {
			keys = append(keys, k)
		}
		for _, k := range keys {
			if got, want := k.Rank(entry), oldRank(k, entry); got != want {
				t.Fatalf("%#v.Rank(%q) = %d, want %d (as before)", k, entry, got, want)
			}
		}
	})
}

// TestListKey_sameAsBefore holds ListKey to oldListKey for the entries of
// the test tables and every generated spelling.
func TestListKey_sameAsBefore(t *testing.T) {
	entries := genURIs()
	for _, tc := range listCases {
		entries = append(entries, tc.entry)
	}
	for _, tc := range rankCases {
		entries = append(entries, tc.entry)
	}
	for _, tc := range clientCases {
		entries = append(entries, tc.wantEntry, tc.entry, "docker://"+tc.in)
	}
	listed := 0
	for _, e := range entries {
		got, ok := ListKey(e)
		want, wantOK := oldListKey(e)
		if got != want || ok != wantOK {
			t.Fatalf("ListKey(%q) = %q, %v; want %q, %v (as before)", e, got, ok, want, wantOK)
		}
		if ok {
			listed++
		}
	}
	if listed < 1000 || len(entries)-listed < 1000 {
		t.Fatalf("%d of %d entries listed; want many of each", listed, len(entries))
	}
	t.Logf("%d of %d entries listed", listed, len(entries))
}

// FuzzListKey holds ListKey to oldListKey for any entry URI, as written
// and behind docker://.
func FuzzListKey(f *testing.F) {
	for _, tc := range listCases {
		f.Add(tc.entry)
	}
	for _, tc := range clientCases {
		f.Add(tc.in)
	}
	f.Add("docker://" + longName(253) + ":65535")
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range []string{s, "docker://" + s} {
			got, ok := ListKey(e)
			if want, wantOK := oldListKey(e); got != want || ok != wantOK {
				t.Fatalf("ListKey(%q) = %q, %v; want %q, %v (as before)", e, got, ok, want, wantOK)
			}
		}
	})
}
