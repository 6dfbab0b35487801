package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// keepStoresEnv makes every lesson suite keep the store folder of each spec
// and name it in the spec's report, under keptEntry.
const (
	keepStoresEnv = "KEEP_STORES=1"
	keptEntry     = "store folder (kept because KEEP_STORES is set)"
)

// keptStores collects the folders the specs of a run kept, by spec.
type keptStores struct {
	bySpec map[string]string
	all    []string
}

func newKeptStores() *keptStores { return &keptStores{bySpec: map[string]string{}} }

// collect records the kept folders a suite's report names.
func (k *keptStores) collect(r types.Report) {
	for _, sr := range r.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name != keptEntry {
				continue
			}
			dir := strings.TrimSpace(e.StringRepresentation())
			k.all = append(k.all, dir)
			if _, ok := k.bySpec[sr.FullText()]; !ok {
				k.bySpec[sr.FullText()] = dir
			}
		}
	}
}

// keepOnly keeps the (first) folder of spec, removes every other folder
// the run kept, and returns the one it kept ("" when spec kept none).
func (k *keptStores) keepOnly(spec string) string {
	keep := k.bySpec[spec]
	for _, dir := range k.all {
		if dir != keep {
			_ = os.RemoveAll(dir)
		}
	}
	return keep
}

// keptFile records the folder of the last kept store, for workbook ui.
func keptFile(root string) string { return filepath.Join(progress.Dir(root), "kept-store") }

// reportKept keeps the store of the run's first failing spec, says where
// it is and how to look at it, and records it for workbook ui.
func (a *app) reportKept(l workbook.Lesson, res *workbook.Result, kept *keptStores) {
	failure, failing := res.FirstFailure()
	spec := ""
	if failing {
		spec = failure.Text
	}
	dir := kept.keepOnly(spec)
	switch {
	case !failing:
		fmt.Fprintln(a.stdout, "\nNo spec failed, so no store was kept.")
		return
	case dir == "":
		fmt.Fprintln(a.stdout, "\nThe first failing spec opened no store, so none was kept.")
		return
	}
	if err := os.MkdirAll(progress.Dir(a.wb.Root), 0o755); err == nil {
		err = os.WriteFile(keptFile(a.wb.Root), []byte(dir+"\n"), 0o644)
		if err != nil {
			fmt.Fprintf(a.stderr, "workbook: could not record the kept store: %v\n", err)
		}
	}
	fmt.Fprintf(a.stdout, "\nThe store of the first failing spec is kept in:\n  %s\n", dir)
	fmt.Fprintf(a.stdout, "Look at what your code wrote in your browser:  go run ./cmd/workbook ui\n")
	fmt.Fprintf(a.stdout, "(or list it:  go run ./cmd/opossum ls %s)\n", dir)
}

// ui serves the explorer on the store the last run -keep kept, or on the
// folder given. It builds and runs `opossum ui`, the one explorer server,
// rather than linking it in: the workbook command itself stays small, so a
// cold first run speaks within seconds.
func ui(ctx context.Context, a *app, args []string) int {
	flags := flag.NewFlagSet("ui", flag.ContinueOnError)
	port := flags.Int("port", 0, "port to serve on, on 127.0.0.1 (0: a free one)")
	flags.SetOutput(a.stderr)
	if err := flags.Parse(args); err != nil || flags.NArg() > 1 {
		fmt.Fprintln(a.stderr, "usage: go run ./cmd/workbook ui [-port N] [STORE]")
		return exitProblem
	}
	dir := flags.Arg(0)
	if dir == "" {
		b, err := os.ReadFile(keptFile(a.wb.Root))
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintln(a.stderr, "workbook: no store was kept yet: run a lesson with -keep first, for example  go run ./cmd/workbook run -keep 1")
			return exitProblem
		}
		if err != nil {
			return a.fail(err)
		}
		dir = strings.TrimSpace(string(b))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return a.fail(err)
	}
	bin, err := os.MkdirTemp("", "opossum-ui-")
	if err != nil {
		return a.fail(err)
	}
	defer os.RemoveAll(bin)
	fmt.Fprintf(a.stdout, "Starting the explorer on %s (compiling opossum first)\n", abs)
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "opossum"), explorerCommand)
	build.Dir = a.wb.Root
	build.Stdout, build.Stderr = a.stderr, a.stderr
	if err := build.Run(); err != nil {
		return a.fail(fmt.Errorf("build %s: %w", explorerCommand, err))
	}
	serve := exec.CommandContext(ctx, filepath.Join(bin, "opossum"), "ui", "--port", strconv.Itoa(*port), abs)
	serve.Cancel = func() error { return serve.Process.Signal(os.Interrupt) }
	serve.Stdout, serve.Stderr = a.stdout, a.stderr
	if err := serve.Run(); err != nil && ctx.Err() == nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		return a.fail(err)
	}
	return exitOK
}

// explorerCommand is the command that serves the explorer.
const explorerCommand = "github.com/opossum-go/opossum/cmd/opossum"
