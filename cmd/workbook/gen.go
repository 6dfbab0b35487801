package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/opossum-go/opossum/internal/workbook"
)

// gen writes the lessons' Go files and assets from their solutions, or with
// -check reports where a lesson is not what gen would write. It is an
// author's command: a learner never needs it.
func gen(_ context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	check := fs.Bool("check", false, "write nothing; report each lesson file that is not what gen writes, with its first differing line")
	refs, ok := a.parse(fs, args)
	if !ok {
		return exitProblem
	}
	lessons, err := a.wb.Select(refs)
	if err != nil {
		return a.fail(err)
	}
	status := exitOK
	for _, l := range lessons {
		if *check {
			for _, p := range a.wb.CheckGenerated(l) {
				fmt.Fprintln(a.stdout, p)
				status = exitFailed
			}
			continue
		}
		written, err := a.wb.WriteGenerated(l)
		for _, f := range written {
			fmt.Fprintf(a.stdout, "wrote %s\n", f)
		}
		if err != nil {
			fmt.Fprintln(a.stderr, err)
			status = exitFailed
			continue
		}
		// A stale lesson file (its solution file was renamed or removed)
		// would break the build: say so.
		for _, p := range a.wb.CheckGenerated(l) {
			fmt.Fprintln(a.stderr, p)
			status = exitFailed
		}
	}
	if *check && status == exitOK {
		fmt.Fprintf(a.stdout, "The lessons are what gen writes from their solutions (%s checked).\n", workbook.Plural(len(lessons), "lesson"))
	}
	return status
}
