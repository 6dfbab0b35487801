package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"github.com/opossum-go/opossum/internal/workbook"
)

// verify checks lessons against their solutions and prints the report.
func verify(ctx context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	race := fs.String("race", "auto", "race detector: auto (when cgo is available), on or off")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "spec runs going on at once")
	lessons, ok := a.parse(fs, args)
	if !ok {
		return exitProblem
	}
	opts := workbook.VerifyOptions{Lessons: lessons, Parallel: *parallel}
	switch *race {
	case "auto":
		opts.Race = workbook.RaceAuto
	case "on":
		opts.Race = workbook.RaceOn
	case "off":
		opts.Race = workbook.RaceOff
	default:
		fmt.Fprintf(a.stderr, "workbook: -race must be auto, on or off, not %q\n", *race)
		return exitProblem
	}
	opts.OnLesson = func(r workbook.LessonReport) {
		verdict := "ok"
		if !r.OK() {
			verdict = fmt.Sprintf("%d problem(s)", len(r.Problems))
		}
		fmt.Fprintf(a.stderr, "  verified %s: %s\n", r.Lesson.Name, verdict)
	}
	fmt.Fprintf(a.stderr, "Verifying lessons against their solutions, %d runs at a time...\n", *parallel)
	report, err := a.wb.Verify(ctx, opts)
	if err != nil {
		return a.fail(err)
	}
	fmt.Fprintln(a.stderr)
	if err := report.WriteText(a.stdout); err != nil {
		return a.fail(err)
	}
	if !report.OK() {
		return exitFailed
	}
	return exitOK
}
