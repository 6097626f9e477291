// Package login verifies a credential with the server it is for, before
// anything is stored: a library remote's access token, a keyserver login, or
// an OCI registry login. It reads and writes no files; cmd/remote-login
// stores what this package accepted.
//
// Each check does what the real programs do (shared/docs/remote-yaml.md):
//
//   - Library: GET https://<URI>/assets/config/config.prod.json (http only
//     when the remote is Insecure), take tokenAPI.uri from it, then GET
//     <uri>/v1/token-status with "Authorization: Bearer <token>"; 200 means
//     valid (SingularityCE and Apptainer read 404 as "Invalid Credentials").
//   - Keyserver: GET the URI with the Authorization header that will be
//     stored (Basic for a user name and password, Bearer for a token); only
//     200 is accepted. hkp:// and hkps:// are folded to http://host:11371 and
//     https://host, as Apptainer matches them to keyservers.
//   - Registry: GET /v2/ and follow the challenge (Basic, or Bearer through
//     the realm's token service) with oras-go's auth client, as `oras login`
//     does; only a 200 at the end accepts the credential.
//
// Resolve reads a target as docker, podman and oras users type it (a bare
// HOST[:PORT] is a registry; an https:// URL is a keyserver when the
// configuration knows it as one, else a registry when its /v2/ answers as
// one). Every request trusts the system roots plus what tlsconf adds for its
// host (certs.d directories, --ca-file); insecure skips verification and
// allows plain HTTP where the server speaks only that. A server that
// speaks plain HTTP is found without waiting out the timeout: when the
// handshake is answered in HTTP, closed, or late while a plain GET (no
// credential) is answered (overTLS). A check is bounded by the Checker's
// Timeout at every stage (connect, TLS handshake, answer, body; no limit
// of net/http's own fires first), a timeout names the stage and the limit,
// a slow request is reported through Slow, and a failing proxy is named
// as the proxy.
//
// Every request that carries a credential, for login and status alike,
// is held to one SendPolicy by the transport of every client a Checker
// makes: https to any host; plain http only to this machine or to the
// host the user named and marked insecure (--insecure, a stored Insecure:
// true); anything else fails in one line naming the URL, and nothing is
// sent. That covers a registry's /v2/, the token realm its challenge
// names, redirects, keyservers and a library's token-status.
//
// No credential crosses a redirect that leaves https or the host it was
// meant for: without --insecure such a redirect fails the check, whatever
// the request; with it, only a request without a credential follows one.
//
// Every failure is an *Error: one line that names the target, what failed
// (DNS, connection, TLS, timeout, or the HTTP status) and what to do. No
// error ever holds the secret: messages are built from URLs without user
// information and from status codes, never from response bodies or
// request headers.
package login
