package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/internal/workbook"
)

// pollInterval is how often watch looks for saved files. Polling, unlike
// file-system notifications, works on WSL's Windows drives and on network
// drives.
const pollInterval = 500 * time.Millisecond

// settle is how long the files must stay unchanged before a re-run, so an
// editor's save of several files triggers one run.
const settle = 300 * time.Millisecond

// clearScreen moves the cursor home and clears the terminal, so that each
// run starts on a clean screen instead of piling up below the last one.
const clearScreen = "\x1b[H\x1b[2J"

// watch runs a lesson's specs, then again on every save, with single-key
// controls.
func watch(ctx context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	race := fs.Bool("race", false, "build with the race detector (slower; needs cgo)")
	l, ok := a.oneLesson(fs, args, "watch [-race] LESSON")
	if !ok {
		return exitProblem
	}
	keys, stop := a.keys(ctx)
	defer stop()
	a.watching = true
	run, changed := true, false
	last := fingerprint(l.Dir)
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		if run {
			run = false
			fmt.Fprint(a.stdout, clearScreen)
			if changed {
				fmt.Fprintln(a.stdout, "A file changed; running again.")
				changed = false
			}
			res, err := a.runAndRecord(ctx, l, runOptions{race: *race}, nil)
			if ctx.Err() != nil {
				return exitOK
			}
			if err != nil {
				return a.fail(err)
			}
			a.report(l, res, false, 0)
			fmt.Fprintf(a.stdout, "\nWatching %s: save a file to run again.  [h] hint  [n] next lesson  [l] list  [r] run  [q] quit\n", l.Path())
			last = fingerprint(l.Dir)
		}
		select {
		case <-ctx.Done():
			return exitOK
		case key, open := <-keys:
			if !open {
				keys = nil // stdin ended: keep watching files until interrupted
				continue
			}
			switch key {
			case 'q', 'Q', 3, 4: // q, Ctrl-C, Ctrl-D
				fmt.Fprintln(a.stdout, "Bye.")
				return exitOK
			case 'h', 'H':
				fmt.Fprintln(a.stdout)
				a.revealHint(l, 0, "Press h again for the next hint.")
			case 'l', 'L':
				fmt.Fprintln(a.stdout)
				status(ctx, a, nil)
			case 'r', 'R':
				run = true
			case 'n', 'N':
				next, ok := a.after(l)
				if !ok {
					fmt.Fprintln(a.stdout, "\nThis is the last lesson.")
					continue
				}
				l, run = next, true
			}
		case <-ticker.C:
			now := fingerprint(l.Dir)
			if now == last {
				continue
			}
			// Let the save finish: wait until nothing changes for a moment.
			for {
				select {
				case <-ctx.Done():
					return exitOK
				case <-time.After(settle):
				}
				again := fingerprint(l.Dir)
				if again == now {
					break
				}
				now = again
			}
			run, changed = true, true
		}
	}
}

// after returns the lesson that follows l.
func (a *app) after(l workbook.Lesson) (workbook.Lesson, bool) {
	lessons, err := a.wb.Lessons()
	if err != nil {
		return workbook.Lesson{}, false
	}
	for _, next := range lessons {
		if next.Number > l.Number {
			return next, true
		}
	}
	return workbook.Lesson{}, false
}

// keys delivers the keys typed on stdin, one byte each; the channel closes
// when stdin ends. When stdin is a terminal that supports it, a key counts
// without Enter until stop is called.
func (a *app) keys(ctx context.Context) (keys <-chan byte, stop func()) {
	ch := make(chan byte)
	in := a.stdin
	stop = func() {}
	if f, ok := in.(*os.File); ok {
		if restore, err := cli.RawKeys(f); err == nil {
			// Raw mode also stops the terminal from returning the
			// carriage at each newline.
			out, errOut := a.stdout, a.stderr
			if cli.IsTerminal(out) {
				a.stdout = cli.CRLF(out)
			}
			if cli.IsTerminal(errOut) {
				a.stderr = cli.CRLF(errOut)
			}
			stop = func() { restore(); a.stdout, a.stderr = out, errOut }
		}
	}
	go func() {
		defer close(ch)
		buf := make([]byte, 1)
		for {
			n, err := in.Read(buf)
			if n == 1 && buf[0] != '\n' && buf[0] != '\r' {
				select {
				case ch <- buf[0]:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return ch, stop
}

// fingerprint sums up the names, sizes and modification times of the
// files in a lesson folder.
func fingerprint(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if name := d.Name(); path != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
