// Command workbook is the front door of the Opossum workbook: it lists the
// lessons, runs one with learner-friendly output, and verifies the whole
// workbook against its solutions.
//
// Usage, from anywhere inside the repository:
//
//	go run ./cmd/workbook              list the lessons, your progress and the next step
//	go run ./cmd/workbook run 1        run lesson 1's specs and show what to do next
//	go run ./cmd/workbook run -step 9 5  run only the specs of step 9 of lesson 5
//	go run ./cmd/workbook watch 1      run them again on every save
//	go run ./cmd/workbook hint 1       reveal the next hint for the step you are on
//	go run ./cmd/workbook verify       check every lesson against its solution (trainers, CI)
//	go run ./cmd/workbook gen          write the lessons' Go files from their solutions (authors)
//	go run ./cmd/workbook help         show all commands
//
// Progress comes from spec results, recorded in the git-ignored .workbook
// folder by every run (see package internal/workbook/progress).
//
// Exit status: 0 when all is well, 1 when specs fail or verification finds
// problems, 2 for a usage error or when the command cannot run at all.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/internal/workbook"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitProblem = 2
)

// command is one subcommand of the CLI.
type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, a *app, args []string) int
}

// commands lists the subcommands, in the order help shows them. The first
// one runs when no subcommand is given.
var commands []command

func init() {
	commands = []command{
		{"status", "", "list the lessons with your progress and say what to run next (the default)", status},
		{"run", "[-race] [-all] [-keep] [-step N] LESSON", "run one lesson's specs (or one step's: -step N): the first failing spec, its message, the hint", runLesson},
		{"watch", "[-race] LESSON", "run a lesson's specs again on every save; keys: h hint, n next, l list, r run, q quit", watch},
		{"hint", "[-step N] LESSON", "reveal the next hint for the step you are on", hint},
		{"solution", "[-trainer] LESSON", "show the reference solution, once the lesson passes", solution},
		{"reset", "[-yes] LESSON", "restore a lesson's files as committed, keeping a backup of yours", reset},
		{"solve", "[-yes] LESSON", "replace a lesson's files with the solution, keeping a backup (trainer catch-up)", solve},
		{"ui", "[-port N] [STORE]", "look in a browser at the store run -keep kept (or at STORE)", ui},
		{"progress", "[-json] [-name NAME]", "print your progress; -json for a trainer's dashboard", progressCmd},
		{"verify", "[-race auto|on|off] [-parallel N] [LESSON...]", "check lessons against their solutions (trainers and CI)", verify},
		{"gen", "[-check] [LESSON...]", "for authors: write the lessons' Go files from their solutions; -check only compares", gen},
		{"help", "", "show this help", help},
	}
}

// app is what every command gets: the workbook, where to read answers
// and keys, and where to write.
type app struct {
	wb             *workbook.Workbook
	stdin          io.Reader
	stdout, stderr io.Writer
	// watching is set inside watch, whose output names keys, not commands.
	watching bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	if code, done := conventions(args, stdout, stderr); done {
		return code
	}
	name := commands[0].name
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		if c.name != "help" {
			cwd, err := os.Getwd()
			if err == nil {
				a.wb, err = workbook.Find(cwd)
			}
			if err != nil {
				fmt.Fprintln(stderr, err)
				return exitProblem
			}
		}
		return c.run(ctx, a, args)
	}
	cli.UnknownCommand(stderr, "workbook", name, commandNames())
	return cli.ExitUsage
}

func help(_ context.Context, a *app, _ []string) int {
	usage(a.stdout)
	return exitOK
}

// usage writes the list of commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./cmd/workbook [command] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.args)
		fmt.Fprintf(w, "            %s\n", c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "LESSON is a number (1), a folder name (01-append) or a name (append).")
	fmt.Fprintln(w, "go run ./cmd/workbook help COMMAND describes a command, with examples.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "examples:")
	fmt.Fprintln(w, "  go run ./cmd/workbook run 1")
	fmt.Fprintln(w, "  go run ./cmd/workbook watch append")
	fmt.Fprintln(w, "  go run ./cmd/workbook progress -json")
}

// parse parses flags and positional arguments in any order, so that both
// "run -race 1" and "run 1 -race" work. It reports a usage error on
// stderr.
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, bool) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			fmt.Fprintf(a.stderr, "workbook %s: %v\n", fs.Name(), cli.FlagError(fs, err))
			fs.SetOutput(a.stderr)
			fs.PrintDefaults()
			return nil, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// oneLesson parses a command's flags and its single LESSON argument.
func (a *app) oneLesson(fs *flag.FlagSet, args []string, usage string) (workbook.Lesson, bool) {
	positional, ok := a.parse(fs, args)
	if !ok {
		return workbook.Lesson{}, false
	}
	if len(positional) != 1 {
		fmt.Fprintln(a.stderr, "usage: go run ./cmd/workbook "+usage)
		return workbook.Lesson{}, false
	}
	return a.lesson(positional[0])
}

// lesson resolves a lesson argument, writing the error when it fails.
func (a *app) lesson(ref string) (workbook.Lesson, bool) {
	l, err := a.wb.Lesson(ref)
	if err != nil {
		fmt.Fprintln(a.stderr, err)
		return workbook.Lesson{}, false
	}
	return l, true
}

// fail writes an error that stops a command and returns its status.
func (a *app) fail(err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(a.stderr, "workbook: interrupted")
		return exitProblem
	}
	fmt.Fprintln(a.stderr, strings.TrimSpace(err.Error()))
	return exitProblem
}
