// Package integration holds the end-to-end tests of docker-credential-remoteyaml.
//
// The tests build the real helper from ./cmd/docker-credential-remoteyaml, start a
// CNCF distribution registry with htpasswd Basic auth and a second one behind a
// Bearer token service, both on 127.0.0.1 with TLS from a CA made by the tests,
// and then drive crane, oras, regctl, skopeo, podman and the docker CLI, each
// configured the way its users point it at a credential helper (see
// shared/docs/clients.md). They check that remote.yaml's Credentials list is the
// one place the secret lives. install-deps.sh installs the tools; a tool that is
// missing skips its tests with the reason, and make test, which reads the
// results through integration/testreport, fails on any skip that
// integration/allowed-skips.txt does not allow.
//
// Run: bash integration/install-deps.sh && make integration
package integration
