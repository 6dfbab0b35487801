// Command coursemanagement runs the CourseManagement sample application of
// the Opossum workbook (the complete solution of lesson 05) on a local
// event store folder.
//
// Start it from the root of the repository:
//
//	go run ./cmd/coursemanagement serve
//
// It listens on http://localhost:8080 and keeps its events and read models
// in ./data/coursemanagement (created when missing). The API describes
// itself at http://localhost:8080/openapi.json, and http://localhost:8080/
// is its reference, a page to read in a browser. Ctrl-C stops it gracefully:
// requests in progress finish, the read models write their checkpoints and
// the store closes.
//
// With OPOSSUM_STORE set to a PostgreSQL connection URL, serve keeps the
// events in that database instead (package store/postgres) and the read
// models in the -data folder:
//
//	OPOSSUM_STORE='postgres://app@localhost/app?schema=courses' go run ./cmd/coursemanagement serve
//
// Fill an empty store with sample data, through the application's command
// handlers:
//
//	go run ./cmd/coursemanagement seed --preset small
//
// coursemanagement help COMMAND describes a command's flags, with
// examples; coursemanagement --version prints the module version.
//
// # Operating the server
//
// The admin endpoints (/admin/...) rebuild read models and delete the
// store. With an admin token (-admin-token, or the environment variable
// COURSEMANAGEMENT_ADMIN_TOKEN) every one of them requires the header
// "Authorization: Bearer TOKEN": none answers 401, a wrong one 403, both
// as problem details. Without a token they answer anyone who can reach
// the port, so serve refuses to listen on an address other than loopback
// without one.
//
// On loopback (the default, localhost:8080) the token is optional, by
// decision: only the machine's own users reach the port, which is the
// workbook's setting, and the lessons' curl examples run as written. Set
// one anyway where others log in to the machine, since each of them could
// delete the store.
//
// The server sets its timeouts explicitly (-read-header-timeout,
// -read-timeout, -write-timeout, -idle-timeout) and refuses request
// bodies over -max-body bytes with a 413 problem. GET /healthz answers
// 200 when the store is open and every read model is live within
// -healthz-lag events of the store's head, and 503 otherwise, with the
// reason. Every request is logged through log/slog (method, path, status,
// duration, request id; -log-format text or json), and answered with its
// X-Request-Id.
//
// # Telemetry
//
// Traces and metrics (the store's, the read models', and otelhttp's HTTP
// server spans and metrics) are exported when the standard environment
// variables ask for them, and not otherwise: OTEL_TRACES_EXPORTER and
// OTEL_METRICS_EXPORTER set to otlp (OTLP over HTTP; OTEL_EXPORTER_OTLP_*
// configure it) or console (stdout, for a look). OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES name the service (coursemanagement by default),
// OTEL_SDK_DISABLED=true turns everything off.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opossum-go/opossum/internal/cli"
)

// DefaultData is the store folder when -data is not given. The
// repository's .gitignore ignores /data/.
const DefaultData = "data/coursemanagement"

// storeEnv names the environment variable that puts serve's events in a
// PostgreSQL store: a postgres:// URL (its "schema" parameter names the
// schema, default opossum).
const storeEnv = "OPOSSUM_STORE"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	name, summary string
	examples      []string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands; init fills it (their flag parsing refers
// to it for the help).
var commands []command

func init() {
	commands = []command{
		{"serve", "Serve the HTTP API. Ctrl-C (SIGINT) or SIGTERM stops it gracefully.\n         OPOSSUM_STORE=postgres://... keeps the events in PostgreSQL (read models in -data).", []string{
			"coursemanagement serve",
			"coursemanagement serve -addr 0.0.0.0:8080 -admin-token \"$(openssl rand -hex 16)\" -log-format json",
			"OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=console coursemanagement serve",
		}, serve},
		{"seed", "Fill an empty store with sample data through the command handlers.", []string{
			"coursemanagement seed -preset small",
			"coursemanagement seed -preset medium -data /tmp/cm -workers 8",
			"coursemanagement seed -preset small -reset",
		}, seedCommand},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return cli.ExitUsage
	}
	name, rest := args[0], args[1:]
	switch {
	case cli.IsVersion(name):
		cli.PrintVersion(stdout, "coursemanagement")
		return 0
	case cli.IsHelp(name) && len(rest) == 0:
		usage(stdout)
		return 0
	case cli.IsHelp(name):
		name, rest = rest[0], []string{"-h"}
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, rest, stdout, stderr)
		var ue *usageError
		switch {
		case err == nil:
			return 0
		case cli.IsHelpErr(err):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "coursemanagement %s: %v\nRun 'coursemanagement help %s' for its flags.\n", name, err, name)
			return cli.ExitUsage
		}
		fmt.Fprintf(stderr, "coursemanagement %s: %v\n", name, err)
		return 1
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	cli.UnknownCommand(stderr, "coursemanagement", name, names)
	return cli.ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "coursemanagement runs the CourseManagement sample application on a local event store folder.")
	fmt.Fprintln(w, "\nUsage: coursemanagement COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExamples:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n", c.examples[0])
	}
	fmt.Fprintln(w, "\nRun 'coursemanagement help COMMAND' for a command's flags; --version prints the version.")
}

// usageError is a bad flag or argument: the command exits with
// cli.ExitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// parseFlags parses args with fs. -h prints the command's usage, with
// examples, to stdout and returns cli.ErrHelp; a bad flag returns a
// *usageError with a suggestion when a flag's name is close.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil && fs.NArg() > 0:
		return &usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case err == nil:
		return nil
	case cli.IsHelpErr(err):
		for _, c := range commands {
			if c.name == fs.Name() {
				fmt.Fprintf(stdout, "Usage: coursemanagement %s [flags]\n\n%s\n\nFlags:\n", c.name, c.summary)
				fs.SetOutput(stdout)
				fs.PrintDefaults()
				fmt.Fprintf(stdout, "\nExamples:\n  %s\n", strings.Join(c.examples, "\n  "))
			}
		}
		return err
	}
	return &usageError{cli.FlagError(fs, err)}
}
