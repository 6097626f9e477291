package protocol

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says which sort of login a key names.
type Kind int

// The kinds of login. The OAuth kinds are Docker CLI ≥27.2's Docker Hub token keys.
const (
	Registry        Kind = iota // an OCI registry login (user+secret or identity token)
	HubAccessToken              // https://index.docker.io/v1/access-token
	HubRefreshToken             // https://index.docker.io/v1/refresh-token
)

// Key is one server URL as a client sent it, reduced to the login it names.
type Key struct {
	Kind Kind
	Host string // canonical registry host[:port], lower-case; "docker.io" for every Docker Hub spelling
	Repo string // repository path when the key was repository-scoped (host/ns/img, index.docker.io/library/x), else ""
}

// ErrInvalidServerURL is wrapped by every error ParseKey returns.
var ErrInvalidServerURL = errors.New("invalid server URL")

const (
	maxURLLen   = 1024 // longer input is no registry address; refuse it before any work
	maxQuoteLen = 200  // bytes of the input an error message may quote

	hubHost         = "docker.io"
	accessTokenURL  = "https://index.docker.io/v1/access-token"
	refreshTokenURL = "https://index.docker.io/v1/refresh-token"
)

// Rank values, best first: what `store` writes (docker://host) beats a
// path-scoped Apptainer login, and both beat oras:// logins.
const (
	noMatch = iota
	rankOrasPath
	rankOras
	rankDockerPath
	rankDocker
)

// registrySchemes are the Credentials URI schemes of registry logins, with
// the rank of an entry without a path.
var registrySchemes = map[string]int{"docker": rankDocker, "oras": rankOras}

// hubAliases fold to docker.io, but only without a port: with one, it is some other server.
var hubAliases = map[string]bool{hubHost: true, "index.docker.io": true, "registry-1.docker.io": true}

// ParseKey reduces a server URL a client sent (stdin of get and erase, the
// ServerURL of store) to the login it names; the package documentation lists
// the spellings. Callers pass it trimmed, as credentials.Serve does.
func ParseKey(serverURL string) (Key, error) {
	if reason := checkText(serverURL); reason != "" {
		return Key{}, invalid(serverURL, reason)
	}
	scheme, rest, reason := splitScheme(serverURL)
	switch {
	case reason != "":
		return Key{}, invalid(serverURL, reason)
	case scheme == "http" || scheme == "https":
		return parseURLKey(serverURL, scheme, rest)
	case scheme != "" && registrySchemes[scheme] == noMatch:
		return Key{}, invalid(serverURL, "unsupported scheme (want http, https, docker, oras or none)")
	}
	// Bare host[:port][/repo] as ggcr and Apptainer send it, or the same
	// behind docker:// or oras://, the Credentials URI spelling.
	hostPart, repo, _ := strings.Cut(rest, "/")
	host, reason := normalizeHost(hostPart)
	if repo = strings.TrimRight(repo, "/"); reason == "" && repo != "" {
		reason = checkRepo(host, repo)
	}
	if reason != "" {
		return Key{}, invalid(serverURL, reason)
	}
	return Key{Kind: Registry, Host: host, Repo: repo}, nil
}

// parseURLKey reads http(s)://host[:port][/path]. The path is dropped, as
// Docker's ConvertToHostname does (/v1/, /v2/), except for the two OAuth keys.
func parseURLKey(orig, scheme, rest string) (Key, error) {
	authority, path, _ := strings.Cut(rest, "/")
	host, reason := normalizeHost(authority)
	lowerPath := strings.ToLower(path)
	switch canon := scheme + "://" + strings.ToLower(authority) + "/" + path; {
	case reason != "":
		return Key{}, invalid(orig, reason)
	case canon == accessTokenURL:
		return Key{Kind: HubAccessToken, Host: hubHost}, nil
	case canon == refreshTokenURL:
		return Key{Kind: HubRefreshToken, Host: hubHost}, nil
	case host == hubHost &&
		(strings.Contains(lowerPath, "access-token") || strings.Contains(lowerPath, "refresh-token")):
		// A near miss of an OAuth key must not read or erase the main Hub login.
		return Key{}, invalid(orig, "Docker Hub token URL is not one of the two OAuth keys")
	}
	return Key{Kind: Registry, Host: host}, nil
}

// EntryURI is the Credentials URI `store` writes for this key. The repository
// is not part of it: remote.yaml logins are per registry host.
func (k Key) EntryURI() string {
	switch k.Kind {
	case HubAccessToken:
		return "docker-access-token://" + hubHost
	case HubRefreshToken:
		return "docker-refresh-token://" + hubHost
	}
	return "docker://" + k.Host
}

// String is the normalised key text: host[:port] or host[:port]/repo, or the
// Docker URL of an OAuth kind. ParseKey(k.String()) gives k back.
func (k Key) String() string {
	switch {
	case k.Kind == HubAccessToken:
		return accessTokenURL
	case k.Kind == HubRefreshToken:
		return refreshTokenURL
	case k.Repo == "":
		return k.Host
	}
	return k.Host + "/" + k.Repo
}

// Rank says whether the Credentials entry entryURI is this key's login: 0 if
// not, else a value that is higher for a better match. Registry keys match
// docker:// and oras:// entries whose host folds to k.Host, whatever their
// path (Apptainer's SameURI, made case-insensitive and Hub-alias aware).
// OAuth kinds match only their own entry URI.
func (k Key) Rank(entryURI string) int {
	switch k.Kind {
	case HubAccessToken, HubRefreshToken:
		if entryURI == k.EntryURI() {
			return rankDocker
		}
		return noMatch
	case Registry:
		// Most entries are other registries: a test of the entry's host
		// text turns them away before the full parse.
		if !k.mayName(entryURI) {
			return noMatch
		}
		e, ok := parseEntry(entryURI)
		if !ok || k.Host == "" || e.host != k.Host {
			return noMatch
		}
		rank := registrySchemes[e.scheme] // noMatch for keyserver logins (http, https)
		if rank != noMatch && e.hasPath {
			rank-- // rankDockerPath, rankOrasPath
		}
		return rank
	}
	return noMatch // unknown kinds
}

// mayName is false only when parseEntry(entryURI) cannot give k.Host, a
// Registry key's host; it reads the host text where parseEntry does (after
// the first "://", up to the first '/') and compares at most its first
// bytes, without allocating or searching the whole URI. get runs it for every login in the file, and
// a substring search of the whole URI (ignoring case) was a tenth of a get
// over 1,000 logins. Why each test holds, as normalizeHost canonicalises:
//   - k.Host "docker.io": the host text is one of the three Hub aliases,
//     in any case, without a port (with one it is some other server).
//   - an IPv6 literal: the host text starts with '[' (a host name never does).
//   - name or name:port: the host text starts with name, in any case, and
//     ends there or goes on with ':' (the port, whatever its spelling).
//
// The full parse still decides: this only spares it for other hosts.
func (k Key) mayName(entryURI string) bool {
	var hostText string
	if strings.HasPrefix(entryURI, "docker://") {
		hostText = entryURI[len("docker://"):] // what store writes: spare the search
	} else if i := strings.Index(entryURI, "://"); i >= 0 {
		hostText = entryURI[i+3:]
	} else {
		return false // parseEntry needs a scheme
	}
	name := k.Host
	if j := strings.IndexByte(name, ':'); j >= 0 {
		name = name[:j]
	}
	switch {
	case name == "":
		return true // no shortcut: the parse refuses it
	case k.Host == hubHost:
		if j := strings.IndexByte(hostText, '/'); j >= 0 {
			hostText = hostText[:j]
		}
		return strings.EqualFold(hostText, hubHost) || strings.EqualFold(hostText, "index.docker.io") ||
			strings.EqualFold(hostText, "registry-1.docker.io")
	case name[0] == '[':
		return hostText != "" && hostText[0] == '['
	}
	if len(hostText) < len(name) || !strings.EqualFold(hostText[:len(name)], name) {
		return false
	}
	after := hostText[len(name):]
	return after == "" || after[0] == ':' || after[0] == '/'
}

// ListKey is the key `list` reports for a Credentials entry: its host[:port],
// "docker.io" for Docker Hub; never a URL (see the package documentation).
// It is false for keyserver and OAuth token entries and unparsable URIs.
func ListKey(entryURI string) (string, bool) {
	// What store writes, docker://host[:port] already canonical, is its own
	// key: list reads every login's URI, and the full parse was a sixth of
	// a list of 1,000 logins (callgrind).
	if hp, ok := strings.CutPrefix(entryURI, "docker://"); ok && canonicalHost(hp) {
		return hp, true
	}
	e, ok := parseEntry(entryURI)
	if !ok || registrySchemes[e.scheme] == noMatch {
		return "", false
	}
	return e.host, true
}

// canonicalHost reports whether hp is a host name with an optional port
// that normalizeHost returns unchanged: lower-case labels of letters,
// digits and inner hyphens (checkHostname's), at most 253 bytes; a port of
// digits from 1 to 65535 without a leading zero; no Hub alias other than
// docker.io itself, which folds only without a port. It is false for
// everything else, canonical or not (IPv6 literals, upper case): the full
// parse decides those. One pass, no allocation.
func canonicalHost(hp string) bool {
	label := 0 // start of the current label
	i := 0
	for ; i < len(hp) && hp[i] != ':'; i++ {
		switch c := hp[i]; {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c == '-':
			if i == label {
				return false // a label starts with '-'
			}
		case c == '.':
			if !goodLabel(hp[label:i]) {
				return false
			}
			label = i + 1
		default:
			return false
		}
	}
	name := hp[:i]
	if len(name) > 253 || !goodLabel(hp[label:i]) {
		return false
	}
	if i == len(hp) {
		return name == hubHost || !hubAliases[name]
	}
	port := hp[i+1:]
	if port == "" || len(port) > 5 || port[0] == '0' || !digits(port) {
		return false
	}
	n, _ := strconv.Atoi(port)
	return n <= 65535
}

// goodLabel: 1 to 63 bytes, not ending with '-' (canonicalHost has checked
// the bytes and the first one).
func goodLabel(l string) bool {
	return l != "" && len(l) <= 63 && l[len(l)-1] != '-'
}

type entry struct {
	scheme, host string // lower-case scheme, normalizeHost's host
	hasPath      bool
}

// parseEntry reads a Credentials URI scheme://host[:port][/path]; anything
// else is unparsable, and an unparsable entry never matches.
func parseEntry(uri string) (entry, bool) {
	scheme, rest, reason := splitScheme(uri)
	if checkText(uri) != "" || reason != "" || scheme == "" {
		return entry{}, false
	}
	authority, path, _ := strings.Cut(rest, "/")
	host, reason := normalizeHost(authority)
	return entry{scheme, host, strings.Trim(path, "/") != ""}, reason == ""
}

// checkText returns why s can never be a server URL, or "". Userinfo, query
// and fragment are refused, not dropped: clients never send them, and a
// secret in them must not reach remote.yaml.
func checkText(s string) string {
	if len(s) > maxURLLen {
		return "longer than 1024 bytes"
	}
	if strings.TrimSpace(s) == "" {
		return "empty"
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b > ' ' && b < 0x7f && b != '@' && b != '?' && b != '#' {
			continue // the common byte, tested first: list checks every login's URI
		}
		switch b := s[i]; {
		case b == ' ' || b >= '\t' && b <= '\r': // \t \n \v \f \r
			return "contains whitespace"
		case b < 0x20 || b == 0x7f:
			return "contains a control character"
		case b >= 0x80:
			return "contains a non-ASCII character"
		case b == '@':
			return "userinfo or digest ('@') is not allowed"
		case b == '?' || b == '#':
			return "query or fragment is not allowed"
		}
	}
	return ""
}

// only reports whether every byte of s is a lower-case ASCII letter, a
// digit or a byte of extra. A loop rather than strings.Trim with a cutset,
// which builds a set on every call: list parses every login's URI, and
// those sets were a seventh of a list of 1,000 logins (bench/run.sh).
func only(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// digits reports whether s holds ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// splitScheme splits "scheme://rest", scheme lower-cased; "" if there is no "://".
func splitScheme(s string) (scheme, rest, reason string) {
	i := strings.Index(s, "://")
	if i < 0 {
		return "", s, ""
	}
	if scheme = strings.ToLower(s[:i]); !validScheme(scheme) {
		return "", "", "malformed scheme"
	}
	return scheme, s[i+3:], ""
}

// validScheme follows RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower-cased.
func validScheme(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z' && only(s, "+-.")
}

// normalizeHost canonicalises host[:port] and returns it, or why it is not
// one: lower-case name, IPv6 literal in netip's form, port without leading
// zeros, Hub aliases folded. No default-port folding, as in Apptainer.
func normalizeHost(hp string) (host, reason string) {
	lower := strings.ToLower(hp)
	name, port, hasPort := strings.Cut(lower, ":")
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "unclosed '[' in IPv6 literal"
		}
		addr, err := netip.ParseAddr(hp[1:end])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", "invalid IPv6 literal"
		}
		if after := hp[end+1:]; after != "" && after[0] != ':' {
			return "", "unexpected text after IPv6 literal"
		}
		name = "[" + addr.String() + "]"
		port, hasPort = strings.CutPrefix(hp[end+1:], ":")
	} else if strings.Count(hp, ":") > 1 {
		return "", "too many ':' (an IPv6 literal needs brackets)"
	} else if reason := checkHostname(name); reason != "" {
		return "", reason
	}
	switch {
	case !hasPort && hubAliases[name]:
		return hubHost, ""
	case !hasPort:
		return name, ""
	}
	// Digits only first: Atoi alone would take "+80" and "-0".
	n, err := strconv.Atoi(port)
	if port == "" || !digits(port) || err != nil || n < 1 || n > 65535 {
		return "", "port must be a number from 1 to 65535"
	}
	if port[0] != '0' && len(name)+1+len(port) == len(hp) && hp[0] != '[' && lower == hp {
		return hp, "" // already canonical: spare the allocation, Rank runs this per entry
	}
	return name + ":" + strconv.Itoa(n), ""
}

// checkHostname allows DNS names as image references do: dot-separated
// labels of letters, digits and inner hyphens.
func checkHostname(name string) string {
	if name == "" || len(name) > 253 {
		return "empty host, or host name longer than 253 bytes"
	}
	for rest := name; ; {
		label, more, _ := strings.Cut(rest, ".")
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			!only(label, "-") {
			return "invalid host name"
		}
		if more == "" && !strings.Contains(rest, ".") {
			return ""
		}
		rest = more
	}
}

// checkRepo allows slash-separated components of letters, digits, '.', '_'
// and '-' (no tag or digest) after a host that is plainly a registry: with a
// dot, a port or brackets, or localhost, as image references tell a registry
// from a Docker Hub namespace. "library/alpine" would be a guess: refused.
func checkRepo(host, repo string) string {
	if !strings.ContainsAny(host, ".:[") && host != "localhost" {
		return "repository key needs a registry host with a dot or a port, or localhost"
	}
	for _, seg := range strings.Split(repo, "/") {
		if seg == "" || seg == "." || seg == ".." || !only(strings.ToLower(seg), "._-") {
			return "invalid repository path"
		}
	}
	return ""
}

func invalid(serverURL, reason string) error {
	return fmt.Errorf("%w %s: %s", ErrInvalidServerURL, quote(serverURL), reason)
}

// quote renders s for an error message on one line: userinfo, query and
// fragment redacted (they may hold a secret), at most maxQuoteLen bytes.
func quote(s string) string {
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		start := 0
		if i := strings.Index(s[:at], "://"); i >= 0 && validScheme(strings.ToLower(s[:i])) {
			start = i + 3
		}
		s = s[:start] + "***" + s[at:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i+1] + "***"
	}
	if len(s) <= maxQuoteLen {
		return strconv.Quote(s)
	}
	n := maxQuoteLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "..."
}
