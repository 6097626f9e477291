// Package credstore is the store the credential helper serves: registry
// logins kept as Credentials entries of remote.yaml (through yamlstore),
// with their secrets.
//
// A secret lives in the entry's Auth, as the Authorization header it stands
// for: "Basic base64(user:secret)" for a user and password, "Bearer <token>"
// for an identity token (Username "<token>" in the helper protocol, returned
// as "<token>" again).
//
// An entry without Auth is what Apptainer's own `registry login` writes: it
// keeps the secret in <configdir>/docker-config.json, or, for Apptainer ≥1.4
// when that file is absent, in $APPTAINER_CONFIGDIR/config.json (when that
// variable is set) or ~/.docker/config.json. Such an entry is served from
// the first of those files whose "auths" holds it (all are read: `setup
// --apptainer` creates docker-config.json after the login), so a login made
// with Apptainer works for every other client. Delete (logout, erase)
// removes that one key from that file, as Apptainer's registry logout does. Credential helpers named in that file are never run:
// it may name remoteyaml itself, and running it from here would recurse.
//
// The store knows nothing of server-URL spellings: callers (package
// protocol) pass match and rank functions over entry URIs.
package credstore
