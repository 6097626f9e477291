// Package protocol holds the docker-credential helper protocol and the rules
// that map every server URL a client sends to one remote.yaml login.
//
// The functions here are pure: no files, no environment, no processes. The
// helper reads a server URL (stdin of get and erase, the ServerURL of store),
// reduces it with [ParseKey] to a [Key], and finds that key's login among the
// remote.yaml Credentials entries with [Key.Rank]; store writes
// [Key.EntryURI]; list reports [ListKey] of each entry.
//
// # What clients send
//
// The same registry login reaches the helper under many spellings, and each
// must name the same entry:
//
//   - Docker CLI: https://index.docker.io/v1/ for Docker Hub, index.docker.io
//     when the user typed it, otherwise host[:port] with scheme and path
//     stripped; logout also erases http://host and https://host.
//   - containers/image (podman, skopeo, buildah): always the bare host[:port];
//     Docker Hub is docker.io.
//   - go-containerregistry (crane) and Apptainer/SingularityCE pulls: the
//     repository first (host/ns/img, index.docker.io/library/x), then the
//     registry (host, https://index.docker.io/v1/).
//   - oras: ServerAddressFromRegistry (docker.io and registry-1.docker.io
//     become the v1 URL, index.docker.io stays) and ServerAddressFromHostname.
//   - regclient: the keys list returned, Docker Hub as the v1 URL.
//   - Apptainer registry login: host plus the path the user typed, Docker Hub
//     as the v1 URL.
//
// # Key rules
//
// URL forms (http:// and https://) lose their scheme and path, as Docker's
// ConvertToHostname does: https://host:5000/v2/ is host:5000. Bare keys keep
// a repository path as [Key.Repo] (host/ns/img); it never selects a different
// login, it only tells what was asked. docker:// and oras:// URIs, the
// spelling remote.yaml and `apptainer registry list` show, are accepted as the
// bare form behind them, so a user can pass back what they see. Any other
// scheme is refused.
//
// Hosts are lower-cased, IPv6 literals must be bracketed and are written in
// their canonical form, and a port must be 1 to 65535 (leading zeros are
// dropped). Docker Hub in every spelling (docker.io, index.docker.io,
// registry-1.docker.io, with or without https:// and /v1/) is the host
// docker.io. host and host:443 stay different logins, as they are for
// Apptainer. A repository key must start with a host that is plainly a
// registry (with a dot, a port or brackets, or localhost), the test image
// references use to tell a registry from a Docker Hub namespace:
// "library/alpine" or "myhost/img" is no client's key and is refused rather
// than guessed at.
//
// Refused with [ErrInvalidServerURL]: empty or blank input, any whitespace,
// control or non-ASCII byte (callers trim first; credentials.Serve does),
// userinfo and digests ('@'), query and fragment, bad host characters, bad
// ports, tags, and input over 1024 bytes. Error messages are one line, quote at
// most 200 bytes of the input, and redact userinfo, query and fragment, which
// may hold a secret.
//
// # Docker CLI OAuth keys
//
// Docker CLI ≥27.2 logs in to Docker Hub by OAuth and stores three logins:
// https://index.docker.io/v1/ and the two token keys
// https://index.docker.io/v1/access-token and …/refresh-token. The token keys
// are kinds of their own ([HubAccessToken], [HubRefreshToken]), never the main
// Hub login: their path is not dropped, and a near miss such as
// …/v1/access-token/ is refused, so it can neither read nor erase the main
// login. They are kept in entries with schemes of their own,
// docker-access-token://docker.io and docker-refresh-token://docker.io, which
// only they match. Apptainer matches logins by equal scheme and host, so its
// registry login and logout of docker.io leave them alone, and neither its
// registry nor its keyserver code uses such an entry (`apptainer registry
// list` does show them). list does not report
// them: no client other than the Docker CLI, which asks for them by name, has
// a use for them, and as URLs they would break containers/image (below).
//
// # Why list returns docker.io
//
// list reports each docker:// and oras:// entry by its plain host[:port], and
// every Docker Hub entry as docker.io, never as https://index.docker.io/v1/:
//
//   - containers/image fails GetAllCredentials as a whole when a listed key
//     starts with http:// or https:// (its validateKey).
//   - regclient uses a credsStore only for the hosts list returns. It drops
//     keys with a path, knows docker.io, registry-1.docker.io and the v1 URL
//     as Docker Hub, and takes index.docker.io for some other registry. For
//     docker.io it then asks get with the v1 URL, which folds back to
//     docker.io here.
//   - Docker CLI ≥29.5 maps docker.io to the v1 key itself, so the Docker CLI
//     also takes a listed docker.io for the Hub login.
//   - containers/image `logout --all` erases every listed key; docker.io is the
//     key it uses for Docker Hub, and erase of it reaches the Hub login.
//
// Every key list returns is a valid [ParseKey] input that ranks its source
// entry above 0, so the get or erase a client sends back reaches that entry.
// That matters: the Docker CLI's GetAllCredentials (classic build, run
// --use-api-socket) gets every listed key and fails as a whole on any error.
//
// # Matching entries
//
// [Key.Rank] compares hosts after the same normalisation (case-insensitive,
// Hub aliases folded) and ignores the entry's path, like Apptainer's SameURI.
// When several entries match, docker:// without a path is best, then docker://
// with a path, oras:// without, oras:// with. Keyserver entries (http://,
// https://) never match a registry key.
package protocol
