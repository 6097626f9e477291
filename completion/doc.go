// Package completion completes a urfave/cli command line for bash, zsh and
// fish. The shells' scripts (Script) hand the words typed so far back to the
// program, and Candidates answers from the app's own command and flag
// definitions, so the completion never drifts from the CLI.
//
// urfave/cli's own --generate-bash-completion is not used: it ignores flags
// once a custom BashComplete is set, reads os.Args, and treats "--" as the
// end of completion, so `remote-login --<Tab>` ran a login.
package completion
