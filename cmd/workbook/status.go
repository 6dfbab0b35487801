package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/opossum-go/opossum/internal/workbook"
)

// status lists the lessons with the learner's progress, marks the current
// lesson and says what to run next.
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
	results, _ := a.loadProgress()
	cur, working := current(lessons, results)

	fmt.Fprintf(a.stdout, "Opossum workbook: %s\n\n", workbook.Plural(len(lessons), "lesson"))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, l := range lessons {
		marker := " "
		if working && l.Name == cur.Name {
			marker = ">"
		}
		specs := "-"
		if r := results[l.Name]; r != nil && r.Total > 0 {
			specs = fmt.Sprintf("%d/%d", r.Passed, r.Total)
		}
		fmt.Fprintf(tw, "%s %d\t%s\t%s\t%s\t%s\n", marker, l.Number, l.Title, specs, lessonStatus(results[l.Name]), l.Path())
	}
	if err := tw.Flush(); err != nil {
		return a.fail(err)
	}
	if !working {
		fmt.Fprintf(a.stdout, "\nYou finished the workbook: every lesson passes. Congratulations!\n")
		return exitOK
	}
	verb := "Continue with"
	if r := results[cur.Name]; r == nil || r.Total == 0 {
		verb = "Start with"
	}
	fmt.Fprintf(a.stdout, "\n%s lesson %d:  go run ./cmd/workbook run %d\n", verb, cur.Number, cur.Number)
	fmt.Fprintf(a.stdout, "Re-run on every save:  go run ./cmd/workbook watch %d\n", cur.Number)
	fmt.Fprintln(a.stdout, "Each lesson's README.md explains it; go run ./cmd/workbook hint N reveals a hint.")
	return exitOK
}
