package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

// status lists the lessons and the command to start with.
func status(_ context.Context, a *app, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(a.stderr, "workbook: status takes no arguments\n")
		return exitProblem
	}
	lessons, err := a.wb.Lessons()
	if err != nil {
		return a.fail(err)
	}
	if len(lessons) == 0 {
		fmt.Fprintln(a.stdout, "The workbook has no lessons yet.")
		return exitOK
	}
	fmt.Fprintf(a.stdout, "Opossum workbook: %d lessons\n\n", len(lessons))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, l := range lessons {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", l.Number, l.Title, l.Path())
	}
	if err := tw.Flush(); err != nil {
		return a.fail(err)
	}
	fmt.Fprintf(a.stdout, "\nStart with lesson %d:  go run ./cmd/workbook run %d\n", lessons[0].Number, lessons[0].Number)
	fmt.Fprintln(a.stdout, "Each lesson's README.md explains it; hints.md helps when you are stuck.")
	return exitOK
}
