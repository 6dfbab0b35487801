package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/opossum-go/opossum/internal/cli"
)

// examples are the example lines of each command's help.
var examples = map[string][]string{
	"status":   {"go run ./cmd/workbook", "go run ./cmd/workbook status"},
	"run":      {"go run ./cmd/workbook run 1", "go run ./cmd/workbook run append -all", "go run ./cmd/workbook run 01-append -race", "go run ./cmd/workbook run 5 -step 8"},
	"watch":    {"go run ./cmd/workbook watch 1"},
	"hint":     {"go run ./cmd/workbook hint 1", "go run ./cmd/workbook hint 1 -step 2"},
	"solution": {"go run ./cmd/workbook solution 1", "go run ./cmd/workbook solution 1 -trainer"},
	"reset":    {"go run ./cmd/workbook reset 1"},
	"solve":    {"go run ./cmd/workbook solve 3 -yes"},
	"progress": {"go run ./cmd/workbook progress", "go run ./cmd/workbook progress -json -name ada"},
	"verify":   {"go run ./cmd/workbook verify", "go run ./cmd/workbook verify -race off 1 2"},
	"help":     {"go run ./cmd/workbook help run"},
}

// commandNames returns the names of the commands, for suggestions.
func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}

// conventions answers what every command of the project answers alike
// (see package internal/cli): --version, -h/--help (alone or after a
// command) and help COMMAND. It reports whether it answered, and the exit
// code.
func conventions(args []string, stdout, stderr io.Writer) (int, bool) {
	switch {
	case len(args) == 0:
		return 0, false
	case cli.IsVersion(args[0]) && args[0] != "version" || len(args) == 1 && args[0] == "version":
		cli.PrintVersion(stdout, "workbook")
		return exitOK, true
	case cli.IsHelp(args[0]):
		if len(args) == 1 {
			usage(stdout)
			return exitOK, true
		}
		return commandHelp(args[1], stdout, stderr), true
	case slices.ContainsFunc(args[1:], func(a string) bool { return cli.IsHelp(a) && a != "help" }):
		return commandHelp(args[0], stdout, stderr), true
	}
	return 0, false
}

// commandHelp writes the help of the named command.
func commandHelp(name string, stdout, stderr io.Writer) int {
	for _, c := range commands {
		if c.name != name {
			continue
		}
		fmt.Fprintf(stdout, "usage: go run ./cmd/workbook %s %s\n\n%s\n", c.name, c.args, c.summary)
		if ex := examples[c.name]; len(ex) > 0 {
			fmt.Fprintln(stdout, "\nexamples:")
			for _, e := range ex {
				fmt.Fprintln(stdout, "  "+e)
			}
		}
		return exitOK
	}
	cli.UnknownCommand(stderr, "workbook", name, commandNames())
	return cli.ExitUsage
}
