// Package setup points other programs at docker-credential-remoteyaml by
// editing their configuration files, and undoes that.
//
// Each tool is set up the way it really looks helpers up
// (shared/docs/clients.md):
//
//   - Docker, and crane, oras and regctl, which read the same file:
//     "credsStore": "remoteyaml" in $DOCKER_CONFIG/config.json, else
//     ~/.docker/config.json.
//   - podman, skopeo and buildah (containers/image ignores credsStore): the
//     drop-in containers/registries.conf.d/50-remoteyaml.conf holding
//     credential-helpers = ["remoteyaml", "containers-auth.json"], in every
//     place a reader on this machine reads it (machine.DropInReaders: the
//     containers/image built into podman 4 and skopeo 1.9 reads ~/.config
//     whatever XDG_CONFIG_HOME says). A drop-in, so the system
//     registries.conf still applies.
//   - Apptainer: "credsStore" in the docker-config.json next to its
//     remote.yaml, and the same drop-in where Apptainer reads it
//     ($XDG_CONFIG_HOME when set, else ~/.config), because its pulls resolve
//     the digest through containers/image, which needs it. SingularityCE
//     (≥4.1 pulls through go-containerregistry) needs only credsStore.
//
// Edits are surgical: a JSON file gets only its top-level credsStore value
// replaced or the one pair inserted after the opening brace, so every other
// key, its order and the file's spacing stay byte for byte. Files are
// replaced by writing a temporary file in the same directory and renaming
// it. Setting up twice changes nothing.
//
// What an edit did is recorded in $XDG_CONFIG_HOME/remoteyaml/setup.json
// (the replaced bytes and where, never a secret), so that Undo restores the
// file byte for byte when it has not changed since, and otherwise puts back
// only the old credsStore value. A drop-in shared by podman and Apptainer
// goes away when the last of them is undone; undoing both gives one line.
package setup
