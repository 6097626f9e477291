package protocol

import (
	"errors"
	"strings"
	"testing"
)

// clientCases has one row per spelling per client (docs: clients.md). entry is
// the Credentials entry that must be the login for it; "" means wantEntry.
var clientCases = []struct {
	name      string
	in        string
	want      Key
	wantEntry string
	entry     string
}{
	// Docker CLI: Hub v1 key for login and pulls, host[:port] otherwise.
	{"docker_cli/login_hub_v1", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"docker_cli/login_index_docker_io_kept", "index.docker.io", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"docker_cli/login_host", "reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"docker_cli/login_host_port", "reg.example.com:5000", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", ""},
	{"docker_cli/login_url_path_stripped", "https://reg.example.com:5000/v2/", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", ""},
	{"docker_cli/login_url_v1_path", "https://reg.example.com:5000/v1/", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", ""},
	{"docker_cli/pull_localhost", "localhost:5000", Key{Host: "localhost:5000"}, "docker://localhost:5000", ""},
	{"docker_cli/pull_ipv6", "[::1]:5000", Key{Host: "[::1]:5000"}, "docker://[::1]:5000", ""},
	{"docker_cli/pull_single_label", "myregistry", Key{Host: "myregistry"}, "docker://myregistry", ""},
	{"docker_cli/logout_http_host", "http://reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"docker_cli/logout_https_host", "https://reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"docker_cli/logout_https_host_slash", "https://reg.example.com/", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"docker_cli/oauth_access_token", "https://index.docker.io/v1/access-token", Key{Kind: HubAccessToken, Host: "docker.io"}, "docker-access-token://docker.io", ""},
	{"docker_cli/oauth_refresh_token", "https://index.docker.io/v1/refresh-token", Key{Kind: HubRefreshToken, Host: "docker.io"}, "docker-refresh-token://docker.io", ""},
	// containers/image: bare host[:port], Hub = docker.io.
	{"containers_image/host", "quay.io", Key{Host: "quay.io"}, "docker://quay.io", ""},
	{"containers_image/hub", "docker.io", Key{Host: "docker.io"}, "docker://docker.io", "docker://index.docker.io"},
	{"containers_image/host_port", "registry.local:5000", Key{Host: "registry.local:5000"}, "docker://registry.local:5000", ""},
	// go-containerregistry keychain: repository, then registry.
	{"ggcr/repo_first", "reg.example.com/ns/img", Key{Host: "reg.example.com", Repo: "ns/img"}, "docker://reg.example.com", ""},
	{"ggcr/then_host", "reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"ggcr/port_deep_repo", "host.example:5000/a/b/c", Key{Host: "host.example:5000", Repo: "a/b/c"}, "docker://host.example:5000", ""},
	{"ggcr/hub_repo_first", "index.docker.io/library/alpine", Key{Host: "docker.io", Repo: "library/alpine"}, "docker://docker.io", ""},
	{"ggcr/hub_then_v1", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"ggcr/crane_login_host", "ghcr.io", Key{Host: "ghcr.io"}, "docker://ghcr.io", ""},
	// oras: ServerAddressFromRegistry for login, FromHostname for pulls.
	{"oras/from_registry_docker_io", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"oras/from_registry_index_docker_io", "index.docker.io", Key{Host: "docker.io"}, "docker://docker.io", "oras://index.docker.io"},
	{"oras/from_registry_host", "reg.example.com:5000", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", "oras://reg.example.com:5000"},
	{"oras/from_hostname_registry_1", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", "docker://registry-1.docker.io"},
	{"oras/from_hostname_host", "reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	// regclient: get with the listed key; Hub as the v1 URL.
	{"regclient/get_listed_host", "reg.example.com:5000", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", ""},
	{"regclient/get_hub", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"regclient/get_credhelpers_url_key", "https://reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	// Apptainer/SingularityCE: login stores host+path, pulls ask as ggcr does.
	{"apptainer/login_host_path", "reg.example.com/myproject", Key{Host: "reg.example.com", Repo: "myproject"}, "docker://reg.example.com", "docker://reg.example.com/myproject"},
	{"apptainer/login_hub_v1", "https://index.docker.io/v1/", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"apptainer/pull_hub_repo", "index.docker.io/library/busybox", Key{Host: "docker.io", Repo: "library/busybox"}, "docker://docker.io", ""},
	{"apptainer/pull_repo", "reg.example.com:5000/team/img", Key{Host: "reg.example.com:5000", Repo: "team/img"}, "docker://reg.example.com:5000", ""},
	{"apptainer/oras_pull_repo", "reg.example.com/team/sif", Key{Host: "reg.example.com", Repo: "team/sif"}, "docker://reg.example.com", "oras://reg.example.com/team"},
	// Other spellings of Docker Hub and of one host.
	{"hub/https_docker_io", "https://docker.io", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"hub/https_registry_1", "https://registry-1.docker.io", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"hub/v1_no_slash", "https://index.docker.io/v1", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"hub/registry_1_bare", "registry-1.docker.io", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"hub/upper_case", "Docker.IO", Key{Host: "docker.io"}, "docker://docker.io", ""},
	{"host/upper_case", "REG.Example.COM", Key{Host: "reg.example.com"}, "docker://reg.example.com", "docker://Reg.Example.com"},
	{"host/port_leading_zero", "reg.example.com:05000", Key{Host: "reg.example.com:5000"}, "docker://reg.example.com:5000", ""},
	{"host/ipv6_canonical", "[0:0::1]:5000", Key{Host: "[::1]:5000"}, "docker://[::1]:5000", ""},
	{"host/ipv6_no_port", "[2001:DB8::1]", Key{Host: "[2001:db8::1]"}, "docker://[2001:db8::1]", ""},
	{"host/trailing_slash", "reg.example.com/ns/", Key{Host: "reg.example.com", Repo: "ns"}, "docker://reg.example.com", ""},
	{"uri/docker_scheme", "docker://reg.example.com/proj", Key{Host: "reg.example.com", Repo: "proj"}, "docker://reg.example.com", ""},
	{"uri/oras_scheme", "oras://reg.example.com", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
	{"uri/upper_scheme", "HTTPS://Reg.Example.com/v2/", Key{Host: "reg.example.com"}, "docker://reg.example.com", ""},
}

func TestParseKey_clients(t *testing.T) {
	for _, tc := range clientCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKey(tc.in)
			if err != nil {
				t.Fatalf("ParseKey(%q) error: %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseKey(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if e := got.EntryURI(); e != tc.wantEntry {
				t.Errorf("EntryURI() = %q, want %q", e, tc.wantEntry)
			}
			entry := tc.entry
			if entry == "" {
				entry = tc.wantEntry
			}
			if r := got.Rank(entry); r <= 0 {
				t.Errorf("Rank(%q) = %d, want > 0", entry, r)
			}
			again, err := ParseKey(got.String())
			if err != nil || again != got {
				t.Errorf("ParseKey(String() %q) = %+v, %v; want %+v", got.String(), again, err, got)
			}
		})
	}
}

// invalidCases are refused; secret, if set, must not appear in the error.
var invalidCases = []struct {
	name   string
	in     string
	secret string
}{
	{"empty", "", ""},
	{"blank", "   ", ""},
	{"tab_only", "\t", ""},
	{"newline_only", "\n", ""},
	{"trailing_newline", "reg.example.com\n", ""},
	{"inner_space", "reg .example.com", ""},
	{"inner_tab", "reg.example.com\t:5000", ""},
	{"nul", "reg.example.com\x00", ""},
	{"del", "reg.example.com\x7f", ""},
	{"non_ascii_host", "rég.example.com", ""},
	{"nbsp", "reg.example.com\u00a0", ""},
	{"line_separator", "reg.example.com\u2028x", ""},
	{"userinfo_bare", "user:s3cr3tPa55@reg.example.com", "s3cr3tPa55"},
	{"userinfo_url", "https://user:s3cr3tPa55@reg.example.com", "s3cr3tPa55"},
	{"userinfo_user_only", "https://s3cr3tUser@reg.example.com/v2/", "s3cr3tUser"},
	{"userinfo_slash_in_password", "https://user:s3cr/3tPa55@reg.example.com", "3tPa55"},
	{"userinfo_query_in_password", "https://user:s3cr?3tPa55@reg.example.com", "s3cr"},
	{"userinfo_newline_in_password", "https://user:s3cr\n3tPa55@reg.example.com", "3tPa55"},
	{"userinfo_scheme_in_password", "user:s3cr://3tPa55@reg.example.com", "s3cr"},
	{"userinfo_long", "https://user:s3cr3tPa55@" + strings.Repeat("a", 1100) + ".example.com", "s3cr3tPa55"},
	{"query", "https://reg.example.com/?token=s3cr3tTok", "s3cr3tTok"},
	{"fragment", "reg.example.com#s3cr3tFrag", "s3cr3tFrag"},
	{"digest", "reg.example.com/ns/img@sha256:0123", ""},
	{"tag", "reg.example.com/ns/img:latest", ""},
	{"scheme_ftp", "ftp://reg.example.com", ""},
	{"scheme_hkp", "hkp://keys.example.com", ""},
	{"scheme_oauth_entry", "docker-access-token://docker.io", ""},
	{"scheme_empty", "://reg.example.com", ""},
	{"scheme_malformed", "1http://reg.example.com", ""},
	{"scheme_relative", "//reg.example.com", ""},
	{"url_empty_host", "https://", ""},
	{"url_empty_host_path", "https:///v2/", ""},
	{"host_underscore", "reg_example.com", ""},
	{"host_leading_hyphen", "-reg.example.com", ""},
	{"host_empty_label", "reg..example.com", ""},
	{"host_trailing_dot", "reg.example.com.", ""},
	{"host_percent", "reg%2eexample.com", ""},
	{"host_label_too_long", strings.Repeat("a", 64) + ".example.com", ""},
	{"port_zero", "reg.example.com:0", ""},
	{"port_too_big", "reg.example.com:65536", ""},
	{"port_huge", "reg.example.com:99999999999999999999999", ""},
	{"port_letters", "reg.example.com:http", ""},
	{"port_empty", "reg.example.com:", ""},
	{"port_plus", "reg.example.com:+80", ""},
	{"port_minus", "reg.example.com:-1", ""},
	{"two_colons", "reg.example.com:80:80", ""},
	{"ipv6_unbracketed", "::1", ""},
	{"ipv6_unclosed", "[::1:5000", ""},
	{"ipv6_ipv4_inside", "[127.0.0.1]:5000", ""},
	{"ipv6_zone", "[fe80::1%25eth0]:5000", ""},
	{"ipv6_junk_after", "[::1]x", ""},
	{"repo_without_host", "library/alpine", ""},
	{"repo_single_label_host", "myhost/img", ""},
	{"repo_docker_scheme_single_label", "docker://myhost/img", ""},
	{"repo_empty_segment", "reg.example.com/ns//img", ""},
	{"repo_dot_segment", "reg.example.com/../img", ""},
	{"repo_backslash", `reg.example.com/ns\img`, ""},
	{"hub_token_near_miss_slash", "https://index.docker.io/v1/access-token/", ""},
	{"hub_token_http", "http://index.docker.io/v1/access-token", ""},
	{"hub_token_other_alias", "https://docker.io/v1/refresh-token", ""},
	{"hub_token_upper", "https://index.docker.io/V1/Access-Token", ""},
	{"too_long", strings.Repeat("a", 1025), ""},
}

func TestParseKey_invalid(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKey(tc.in)
			if err == nil {
				t.Fatalf("ParseKey(%q) = %+v, want error", tc.in, got)
			}
			if !errors.Is(err, ErrInvalidServerURL) {
				t.Errorf("error %v does not wrap ErrInvalidServerURL", err)
			}
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			if tc.secret != "" && strings.Contains(msg, tc.secret) {
				t.Errorf("error %q leaks secret %q", msg, tc.secret)
			}
			if len(msg) > 4*maxQuoteLen+150 {
				t.Errorf("error is %d bytes long: %q", len(msg), msg)
			}
		})
	}
}

func TestParseKey_errorQuotesAtMost200Bytes(t *testing.T) {
	in := strings.Repeat("b", 300) + ":1"
	_, err := ParseKey(in)
	if err == nil {
		t.Fatal("want error")
	}
	if strings.Contains(err.Error(), strings.Repeat("b", maxQuoteLen+1)) {
		t.Errorf("error quotes more than %d bytes: %q", maxQuoteLen, err)
	}
	if !strings.HasPrefix(err.Error(), `invalid server URL "bbb`) {
		t.Errorf("error %q does not start with the quoted URL", err)
	}
}

// rankCases: key is a ParseKey input, want the Rank of entry.
var rankCases = []struct {
	name  string
	key   string
	entry string
	want  int
}{
	{"docker_no_path", "reg.example.com", "docker://reg.example.com", rankDocker},
	{"docker_trailing_slash_is_no_path", "reg.example.com", "docker://reg.example.com/", rankDocker},
	{"docker_path", "reg.example.com", "docker://reg.example.com/proj", rankDockerPath},
	{"oras_no_path", "reg.example.com", "oras://reg.example.com", rankOras},
	{"oras_path", "reg.example.com", "oras://reg.example.com/a/b", rankOrasPath},
	{"repo_key_path_ignored", "reg.example.com/ns/img", "docker://reg.example.com/other", rankDockerPath},
	{"case_insensitive_host", "reg.example.com", "docker://REG.example.COM", rankDocker},
	{"case_insensitive_scheme", "reg.example.com", "DOCKER://reg.example.com", rankDocker},
	{"port_canonical", "reg.example.com:5000", "docker://reg.example.com:05000", rankDocker},
	{"ipv6_canonical", "[::1]:5000", "docker://[0::1]:5000", rankDocker},
	{"hub_index_alias", "docker.io", "docker://index.docker.io", rankDocker},
	{"hub_registry_1_alias_path", "docker.io", "docker://registry-1.docker.io/library", rankDockerPath},
	{"hub_oras", "https://index.docker.io/v1/", "oras://docker.io", rankOras},
	{"hub_v1_key", "https://index.docker.io/v1/", "docker://docker.io", rankDocker},
	{"other_host", "reg.example.com", "docker://other.example.com", noMatch},
	{"port_differs", "reg.example.com", "docker://reg.example.com:5000", noMatch},
	{"default_port_not_folded", "reg.example.com", "docker://reg.example.com:443", noMatch},
	{"hub_with_port_is_other", "docker.io", "docker://docker.io:443", noMatch},
	{"keyserver_https", "reg.example.com", "https://reg.example.com", noMatch},
	{"keyserver_http", "reg.example.com", "http://reg.example.com", noMatch},
	{"keyserver_hub", "docker.io", "https://index.docker.io/v1/", noMatch},
	{"no_scheme", "reg.example.com", "reg.example.com", noMatch},
	{"empty_entry", "reg.example.com", "", noMatch},
	{"empty_host_entry", "reg.example.com", "docker://", noMatch},
	{"userinfo_entry", "reg.example.com", "docker://user@reg.example.com", noMatch},
	{"space_entry", "reg.example.com", "docker://reg.example.com /x", noMatch},
	{"access_token_own", "https://index.docker.io/v1/access-token", "docker-access-token://docker.io", rankDocker},
	{"access_token_not_hub", "https://index.docker.io/v1/access-token", "docker://docker.io", noMatch},
	{"access_token_not_refresh", "https://index.docker.io/v1/access-token", "docker-refresh-token://docker.io", noMatch},
	{"refresh_token_own", "https://index.docker.io/v1/refresh-token", "docker-refresh-token://docker.io", rankDocker},
	{"hub_not_access_token", "docker.io", "docker-access-token://docker.io", noMatch},
	{"hub_not_refresh_token", "https://index.docker.io/v1/", "docker-refresh-token://docker.io", noMatch},
}

func TestKey_Rank_entries(t *testing.T) {
	for _, tc := range rankCases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.key)
			if err != nil {
				t.Fatalf("ParseKey(%q): %v", tc.key, err)
			}
			if got := k.Rank(tc.entry); got != tc.want {
				t.Errorf("ParseKey(%q).Rank(%q) = %d, want %d", tc.key, tc.entry, got, tc.want)
			}
		})
	}
}

func TestKey_Rank_preferenceOrder(t *testing.T) {
	k := Key{Kind: Registry, Host: "reg.example.com"}
	order := []string{"docker://reg.example.com", "docker://reg.example.com/p", "oras://reg.example.com", "oras://reg.example.com/p"}
	for i := 1; i < len(order); i++ {
		if a, b := k.Rank(order[i-1]), k.Rank(order[i]); !(a > b && b > 0) {
			t.Errorf("Rank(%q) = %d, Rank(%q) = %d; want first > second > 0", order[i-1], a, order[i], b)
		}
	}
}

func TestKey_Rank_zeroAndUnknownKeys(t *testing.T) {
	for _, k := range []Key{{}, {Kind: Kind(9), Host: "reg.example.com"}} {
		for _, e := range []string{"docker://", "docker://reg.example.com", "docker-access-token://docker.io"} {
			if got := k.Rank(e); got != noMatch {
				t.Errorf("%+v.Rank(%q) = %d, want 0", k, e, got)
			}
		}
	}
}

// listCases: want is ListKey of entry; ok false means it is not listed.
var listCases = []struct {
	name  string
	entry string
	want  string
	ok    bool
}{
	{"docker_host", "docker://reg.example.com", "reg.example.com", true},
	{"docker_host_port_path", "docker://reg.example.com:5000/proj", "reg.example.com:5000", true},
	{"oras_path", "oras://reg.example.com/a/b", "reg.example.com", true},
	{"hub_docker_io", "docker://docker.io", "docker.io", true},
	{"hub_index", "docker://index.docker.io", "docker.io", true},
	{"hub_registry_1", "docker://registry-1.docker.io/library", "docker.io", true},
	{"hub_oras", "oras://index.docker.io", "docker.io", true},
	{"upper_case", "DOCKER://Reg.Example.COM", "reg.example.com", true},
	{"ipv6", "docker://[::1]:5000", "[::1]:5000", true},
	{"localhost", "docker://localhost:5000", "localhost:5000", true},
	{"single_label", "docker://myregistry", "myregistry", true},
	{"keyserver_https", "https://keys.example.com", "", false},
	{"keyserver_http_port", "http://keys.example.com:11371", "", false},
	{"access_token", "docker-access-token://docker.io", "", false},
	{"refresh_token", "docker-refresh-token://docker.io", "", false},
	{"library_remote", "library://cloud.sylabs.io", "", false},
	{"empty", "", "", false},
	{"empty_host", "docker://", "", false},
	{"no_scheme", "reg.example.com", "", false},
	{"bad_host", "docker://reg example.com", "", false},
	{"bad_port", "docker://reg.example.com:0", "", false},
	{"userinfo", "docker://u:p@reg.example.com", "", false},
}

func TestListKey_entries(t *testing.T) {
	for _, tc := range listCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ListKey(tc.entry)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ListKey(%q) = %q, %v; want %q, %v", tc.entry, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestListKey_clientsCanUseKeys checks each listed key against what clients
// do with it: containers/image refuses http(s):// keys and namespaced ones,
// regclient keeps only plain host[:port] (or Hub aliases), and the get or
// erase they send back with that key must reach the listed entry.
func TestListKey_clientsCanUseKeys(t *testing.T) {
	for _, tc := range listCases {
		if !tc.ok {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			key, _ := ListKey(tc.entry)
			if strings.HasPrefix(key, "http://") || strings.HasPrefix(key, "https://") {
				t.Errorf("list key %q is a URL; containers/image would fail", key)
			}
			if strings.ContainsAny(key, "/@") {
				t.Errorf("list key %q has a path or '@'; containers/image and regclient refuse it", key)
			}
			k, err := ParseKey(key)
			if err != nil {
				t.Fatalf("ParseKey(list key %q): %v", key, err)
			}
			if k.Host != key {
				t.Errorf("ParseKey(%q).Host = %q, want the list key back", key, k.Host)
			}
			if r := k.Rank(tc.entry); r <= 0 {
				t.Errorf("ParseKey(%q).Rank(%q) = %d, want > 0", key, tc.entry, r)
			}
		})
	}
}

// TestListKey_hubKeysAgree: regclient sends the v1 URL for a listed
// docker.io, the Docker CLI and containers/image send docker.io.
func TestListKey_hubKeysAgree(t *testing.T) {
	listed, ok := ListKey("docker://index.docker.io")
	if !ok || listed != "docker.io" {
		t.Fatalf("ListKey(docker://index.docker.io) = %q, %v", listed, ok)
	}
	for _, sent := range []string{listed, "https://index.docker.io/v1/", "index.docker.io"} {
		k, err := ParseKey(sent)
		if err != nil || k.Rank("docker://index.docker.io") != rankDocker {
			t.Errorf("ParseKey(%q) = %+v, %v; does not reach the Hub entry", sent, k, err)
		}
	}
}

func TestKey_String_forms(t *testing.T) {
	tests := []struct {
		name string
		k    Key
		want string
	}{
		{"host", Key{Host: "reg.example.com:5000"}, "reg.example.com:5000"},
		{"repo", Key{Host: "docker.io", Repo: "library/x"}, "docker.io/library/x"},
		{"access_token", Key{Kind: HubAccessToken, Host: "docker.io"}, "https://index.docker.io/v1/access-token"},
		{"refresh_token", Key{Kind: HubRefreshToken, Host: "docker.io"}, "https://index.docker.io/v1/refresh-token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.k.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}
