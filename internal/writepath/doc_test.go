// Package writepath_test runs every file remoteyaml writes through the same
// attacks, in real processes: the programs' own code paths (import, setup,
// the helper's erase, a store, per-registry setup, the settings switch) run
// as child processes of the test binary, so that they can be stopped
// between their read and their rename, killed at any moment, and raced by
// another writer that takes no lock (docker login: temp file + rename).
package writepath_test
