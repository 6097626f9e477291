package main

import "github.com/urfave/cli/v2"

func newVersionCommand(f *factory) *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print the version",
		UsageText: "remote-login version",
		Description: `Prints the version of remote-login, as --version does.

EXAMPLES
   remote-login version

` + exitStatus(map[int]string{
			exitOK:    "the version was printed",
			exitUsage: "an unknown flag or an argument",
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("version takes no arguments, got %d", c.NArg())
			}
			writeLine(f.IO.Out, "remote-login version %s", buildVersion())
			return nil
		},
	}
}
