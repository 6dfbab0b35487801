package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/store"
)

// Exit codes; see the package documentation.
const (
	exitOK           = 0
	exitIO           = 1
	exitUsage        = cli.ExitUsage
	exitInUse        = 3
	exitDamaged      = 4
	exitNotAStore    = 5
	exitNotFound     = 6
	exitNotConfirmed = 7
)

// command is one subcommand.
type command struct {
	name     string
	args     string // the positional arguments, for the usage line
	min, max int    // how many positional arguments (max -1: any)
	summary  string // one line, for the command list
	help     string // what the command does, for its --help
	// flags declares the command's flags and returns what runs it.
	flags func(fs *flag.FlagSet) runner
}

// runner runs a command with its positional arguments, after its flags
// were parsed.
type runner func(ctx context.Context, e *env, args []string) error

var commands = []*command{
	cmdLs, cmdShow, cmdQuery, cmdTail, cmdStats, cmdCheck, cmdBackup, cmdAddTags, cmdPack, cmdDeleteStore, cmdProjections, cmdImportOpossum, cmdUI, cmdVersion,
}

// env is what a command runs with.
type env struct {
	stdin  *bufio.Reader
	stdout io.Writer
	stderr io.Writer
	cmd    *command
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if cli.IsVersion(name) {
		name = cmdVersion.name
	}
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			if c := find(args[1]); c != nil {
				fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
				c.flags(fs)
				commandUsage(stdout, c, fs)
				return exitOK
			}
			cli.UnknownCommand(stderr, "opossum", args[1], commandNames())
			return exitUsage
		}
		usage(stdout)
		return exitOK
	}
	c := find(name)
	if c == nil {
		cli.UnknownCommand(stderr, "opossum", name, commandNames())
		return exitUsage
	}
	e := &env{stdin: bufio.NewReader(stdin), stdout: stdout, stderr: stderr, cmd: c}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r := c.flags(fs)
	pos, err := e.parse(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err == nil {
		err = r(ctx, e, pos)
	}
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	var ce *codeError
	if !errors.As(err, &ce) || ce.err != nil {
		fmt.Fprintf(stderr, "opossum %s: %v\n", c.name, err)
	}
	if h := hint(c, code, err); h != "" {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	return code
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `opossum looks into, checks and maintains an opossum event store folder.

Usage: opossum COMMAND [flags] STORE [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run opossum COMMAND --help for a command's flags. Flags may come before or
after STORE. Only add-tags and delete-store write to the store; the other
commands open it read-only and may run while other processes write to it.

Examples:
  opossum stats data/coursemanagement
  opossum ls data/coursemanagement --type CourseCreated --limit 3
  opossum help query

Exit codes:
  0  success
  1  I/O or other error
  2  usage: unknown command, bad flag or argument, invalid query or tag
  3  in use: the writer lock is held past --lock-timeout, or the store is
     open elsewhere (delete-store)
  4  damaged: check found damage, or a command met a damaged file
  5  not a store: the folder is missing, holds no opossum.json, or has a
     newer format version than this opossum reads
  6  not found: show found no event at that position
  7  not confirmed: delete-store was not confirmed; nothing was deleted
`)
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: opossum %s [flags] %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	if ex := examples[c.name]; len(ex) > 0 {
		fmt.Fprintf(w, "\nExamples:\n  %s\n", strings.Join(ex, "\n  "))
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// parse parses args with fs, allowing flags after positional arguments,
// and checks the number of positional arguments.
func (e *env) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				commandUsage(e.stdout, e.cmd, fs)
				return nil, err
			}
			return nil, usageErr("%v", cli.FlagError(fs, err))
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch c := e.cmd; {
	case len(pos) < c.min:
		return nil, usageErr("missing arguments: %s", c.args)
	case c.max >= 0 && len(pos) > c.max:
		return nil, usageErr("too many arguments: %s", strings.Join(pos[c.max:], " "))
	}
	return pos, nil
}

// codeError carries an exit code, with or without an error to print.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *codeError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &codeError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode maps an error to the documented exit code.
func exitCode(err error) int {
	var ce *codeError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.Is(err, store.ErrInvalidQuery), errors.Is(err, store.ErrInvalidEvent), errors.Is(err, store.ErrInvalidOption):
		return exitUsage
	case errors.Is(err, store.ErrNotAStore), errors.Is(err, store.ErrUnsupportedFormat):
		return exitNotAStore
	case errors.Is(err, store.ErrLockTimeout), errors.Is(err, store.ErrStoreInUse):
		return exitInUse
	case errors.Is(err, store.ErrCorrupt):
		return exitDamaged
	}
	return exitIO
}

func hint(c *command, code int, err error) string {
	switch code {
	case exitUsage:
		return fmt.Sprintf("run opossum %s --help", c.name)
	case exitNotAStore:
		if errors.Is(err, store.ErrUnsupportedFormat) {
			return fmt.Sprintf("this opossum reads store format versions up to %d; use a newer opossum", store.FormatVersion)
		}
		return "STORE must be a store folder, one holding an opossum.json manifest"
	case exitInUse:
		if errors.Is(err, store.ErrStoreInUse) {
			return "close the programs that use the store and try again; --force deletes it anyway"
		}
		return "another process is writing to the store; try again, or raise --lock-timeout"
	case exitDamaged:
		if c.name != "check" {
			return "run opossum check STORE for a report of every problem"
		}
	}
	return ""
}

// storeFlags are the flags of commands that open a store.
type storeFlags struct {
	verbose     bool
	lockTimeout time.Duration
	poll        time.Duration
}

func (sf *storeFlags) register(fs *flag.FlagSet, writes bool) {
	fs.BoolVar(&sf.verbose, "verbose", false, "log what the store does (recovery, index rebuilds) to stderr")
	if writes {
		fs.DurationVar(&sf.lockTimeout, "lock-timeout", 10*time.Second, "how long to wait for the store's writer lock")
	}
}

// open opens the store in dir: read-only unless write is set.
func (e *env) open(dir string, sf *storeFlags, write bool) (*store.FileStore, error) {
	if err := isFolder(dir); err != nil {
		return nil, err
	}
	o := &store.Options{ReadOnly: !write, LockTimeout: sf.lockTimeout, PollInterval: sf.poll}
	if sf.verbose {
		o.Logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	return store.Open(dir, o)
}

// isFolder makes a missing folder, a file or a folder without a manifest
// a "not a store" error, so that a read-write open never creates a store by
// mistake, and a newer format an ErrUnsupportedFormat.
func isFolder(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist", store.ErrNotAStore, dir)
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a folder", store.ErrNotAStore, dir)
	}
	manifest := filepath.Join(dir, "opossum.json")
	b, err := os.ReadFile(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s holds no opossum.json", store.ErrNotAStore, dir)
	}
	if err != nil {
		return err
	}
	// Refuse a newer format before a read-write Open creates its lock file.
	var m struct{ Format int }
	if json.Unmarshal(b, &m) == nil && m.Format > store.FormatVersion {
		return fmt.Errorf("%w: %s has format %d, this opossum reads up to %d", store.ErrUnsupportedFormat, manifest, m.Format, store.FormatVersion)
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var cmdVersion = &command{
	name:    "version",
	summary: "print this opossum's version and the store format it reads and writes",
	help:    "Prints this opossum's module version (also --version) and the store format version it reads (up to) and writes.",
	flags: func(fs *flag.FlagSet) runner {
		return func(ctx context.Context, e *env, args []string) error {
			cli.PrintVersion(e.stdout, "opossum")
			fmt.Fprintf(e.stdout, "store format %d\n", store.FormatVersion)
			return nil
		}
	},
}
