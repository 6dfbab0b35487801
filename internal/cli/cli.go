// Package cli holds the behaviour the project's commands (opossum,
// workbook, coursemanagement) share, so that a shell user meets one set
// of conventions:
//
//   - -h, --help and "help COMMAND" print usage, with examples, to stdout
//     and exit 0;
//   - --version (and "version") prints the module version from the
//     binary's build information;
//   - an unknown command or flag is a usage error: a message on stderr,
//     with a "did you mean" when a known name is close, and exit code 2
//     ([ExitUsage]);
//   - errors go to stderr, results to stdout.
//
// It also answers whether a file is a terminal (golang.org/x/term), for
// the progress bars and raw-key input that only make sense on one.
package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/opossum-go/opossum/internal/buildinfo"
)

// ExitUsage is the exit code of a usage error (unknown command, bad flag
// or argument), as the flag package and most Unix tools use it.
const ExitUsage = 2

// IsHelp reports whether arg asks for help: -h, -help, --help or help.
func IsHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// IsVersion reports whether arg asks for the version: -version, --version
// or version.
func IsVersion(arg string) bool {
	switch arg {
	case "-version", "--version", "version":
		return true
	}
	return false
}

// PrintVersion writes "prog VERSION" to w, the module version from the
// binary's build information (see [buildinfo.Version]).
func PrintVersion(w io.Writer, prog string) {
	fmt.Fprintf(w, "%s %s\n", prog, buildinfo.Version())
}

// UnknownCommand writes the usage error for an unknown command to w: the
// name, the closest known command when one is close, and where to find
// the list. Return ExitUsage after it.
func UnknownCommand(w io.Writer, prog, name string, known []string) {
	fmt.Fprintf(w, "%s: unknown command %q\n", prog, name)
	if s := Suggest(name, known); s != "" {
		fmt.Fprintf(w, "Did you mean %q?\n", s)
	}
	fmt.Fprintf(w, "Run '%s --help' for the list of commands.\n", prog)
}

// FlagError returns err, an error of fs.Parse, with a "did you mean"
// added when err names an undefined flag close to one of fs's flags.
func FlagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		return err
	}
	name = strings.TrimLeft(name, "-")
	var known []string
	fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
	if s := Suggest(name, known); s != "" {
		return fmt.Errorf("%w; did you mean --%s?", err, s)
	}
	return err
}

// ErrHelp is flag.ErrHelp: a command that printed its help because -h
// was given returns it, and the caller exits 0.
var ErrHelp = flag.ErrHelp

// IsHelpErr reports whether err is ErrHelp.
func IsHelpErr(err error) bool { return errors.Is(err, ErrHelp) }

// Suggest returns the candidate closest to s by edit distance, when it is
// close enough to be a likely typo (at most a third of the longer name,
// and at least one edit allowed), or a candidate s is a prefix of;
// otherwise "".
func Suggest(s string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(s), strings.ToLower(c))
		limit := max(1, max(len(s), len(c))/3)
		if d <= limit && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best
	}
	if len(s) >= 2 {
		for _, c := range candidates {
			if strings.HasPrefix(c, s) {
				return c
			}
		}
	}
	return ""
}

// distance is the edit distance between a and b, in bytes, counting a
// swap of two neighbours as one edit (optimal string alignment).
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// IsTerminal reports whether w is a terminal (an *os.File on a tty).
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// RawKeys switches the terminal f to reading each key as it is typed,
// without echo, and returns the function that restores it. It fails when
// f is not a terminal. It works on Linux, macOS, the BSDs and Windows.
func RawKeys(f *os.File) (restore func(), err error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	return func() { _ = term.Restore(fd, old) }, nil
}

// CRLF returns a writer that writes "\r\n" for every "\n" to w: a terminal
// in raw mode (RawKeys) no longer returns the carriage by itself.
func CRLF(w io.Writer) io.Writer { return crlf{w} }

type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}
