// Package importer moves the logins other tools keep in plain text into
// remoteyaml's store: the "auths" of Docker's config.json, of podman's
// auth.json files and of Apptainer's docker-config.json (and of the files
// Apptainer ≥ 1.4 writes while that one is absent: $APPTAINER_CONFIGDIR/
// config.json, ~/.docker/config.json). Once those tools
// ask docker-credential-remoteyaml (remote-login setup), those copies are no
// longer read, yet they stay on disk, readable by anything that can read the
// user's files.
//
// Each login is moved in the order that never loses it: stored through
// credstore (remote.yaml, or the OS keyring in keyring mode), read back and
// compared, and only then is its member removed from the old file, by an
// edit of that member's bytes alone (jsonedit.Remove), so every other key
// of the file stays byte for byte. A login stays where it is when its tool
// would no longer find it (the file's tool is not set up to ask the helper),
// or when remote.yaml already holds a different login for that registry.
//
// A credential helper that setup replaced (the old "credsStore", e.g. pass
// or secretservice) is read with its own list and get. Its logins are
// copied, not erased: it keeps them encrypted, and `setup --undo` returns to
// it.
package importer
