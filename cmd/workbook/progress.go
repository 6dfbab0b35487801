package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// loadProgress reads the recorded results and the learner's state,
// printing a warning for a progress file it had to drop.
func (a *app) loadProgress() (map[string]*progress.Lesson, *progress.State) {
	results, warnings, err := progress.Load(a.wb.Root)
	if err != nil {
		fmt.Fprintf(a.stderr, "workbook: %v\n", err)
		results = map[string]*progress.Lesson{}
	}
	for _, w := range warnings {
		fmt.Fprintf(a.stderr, "workbook: %s\n", w)
	}
	state, warning := progress.LoadState(a.wb.Root)
	if warning != "" {
		fmt.Fprintf(a.stderr, "workbook: %s\n", warning)
	}
	return results, state
}

// updateState changes the learner's state; a failure is only a warning.
func (a *app) updateState(change func(*progress.State)) {
	warning, err := progress.UpdateState(a.wb.Root, change)
	if warning != "" {
		fmt.Fprintf(a.stderr, "workbook: %s\n", warning)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "workbook: state not saved: %v\n", err)
	}
}

// finished reports whether every lesson passes.
func finished(lessons []workbook.Lesson, results map[string]*progress.Lesson) bool {
	for _, l := range lessons {
		if !results[l.Name].Done() {
			return false
		}
	}
	return len(lessons) > 0
}

// current returns the lesson to work on: the first lesson that is not
// done, whichever ran last; ok is false when every lesson is done.
func current(lessons []workbook.Lesson, results map[string]*progress.Lesson) (workbook.Lesson, bool) {
	for _, l := range lessons {
		if !results[l.Name].Done() {
			return l, true
		}
	}
	return workbook.Lesson{}, false
}

// lessonStatus names where a lesson stands.
func lessonStatus(r *progress.Lesson) string {
	switch {
	case r == nil || r.Total == 0:
		return "not started"
	case r.Done():
		return "done"
	default:
		return "in progress"
	}
}

// Report is the JSON document of progress -json, for a trainer's dashboard.
type Report struct {
	// Version is the format version of this document.
	Version int `json:"version"`
	// Learner is the name given with -name, if any.
	Learner   string    `json:"learner,omitempty"`
	Generated time.Time `json:"generated"`
	// Current is the lesson to work on; empty when all are done.
	Current string `json:"current,omitempty"`
	// Finished is true when every lesson passes.
	Finished bool             `json:"finished"`
	Lessons  []LessonProgress `json:"lessons"`
}

// LessonProgress is one lesson in a [Report].
type LessonProgress struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
	Title  string `json:"title"`
	// Status is "not started", "in progress" or "done".
	Status string `json:"status"`
	Passed int    `json:"passed"`
	// Total is the number of specs; 0 when the lesson never ran.
	Total int `json:"total"`
	// LastRun is when results were last recorded.
	LastRun *time.Time `json:"lastRun,omitempty"`
	// DoneAt is when every spec first passed.
	DoneAt        *time.Time `json:"doneAt,omitempty"`
	HintsRevealed int        `json:"hintsRevealed"`
	// SolutionShown is true once the solution was shown, by the solution
	// command or by solve.
	SolutionShown bool `json:"solutionShown"`
	// SolvedAt is when solve last replaced the lesson's files with the
	// solution; a reset clears it.
	SolvedAt *time.Time `json:"solvedAt,omitempty"`
	// ResetAt is when the lesson was last reset to its committed files.
	ResetAt *time.Time `json:"resetAt,omitempty"`
}

// progressCmd prints the learner's progress, as the status table or as
// JSON.
func progressCmd(ctx context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("progress", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print a JSON document for a trainer's dashboard")
	name := fs.String("name", "", "your name, included in the JSON document")
	positional, ok := a.parse(fs, args)
	if !ok {
		return exitProblem
	}
	if len(positional) > 0 {
		fmt.Fprintln(a.stderr, "usage: go run ./cmd/workbook progress [-json] [-name NAME]")
		return exitProblem
	}
	if !*asJSON {
		return status(ctx, a, nil)
	}
	lessons, err := a.wb.Lessons()
	if err != nil {
		return a.fail(err)
	}
	results, state := a.loadProgress()
	report := Report{Version: 1, Learner: *name, Generated: time.Now().UTC(), Finished: finished(lessons, results),
		Lessons: []LessonProgress{}}
	if cur, ok := current(lessons, results); ok {
		report.Current = cur.Name
	}
	for _, l := range lessons {
		r := results[l.Name]
		lp := LessonProgress{Number: l.Number, Name: l.Name, Title: l.Title, Status: lessonStatus(r),
			HintsRevealed: state.TotalHints(l.Name)}
		if r != nil {
			lp.Passed, lp.Total = r.Passed, r.Total
			if !r.Updated.IsZero() {
				lp.LastRun = &r.Updated
			}
		}
		if t, ok := state.Done[l.Name]; ok {
			lp.DoneAt = &t
		}
		_, lp.SolutionShown = state.Solutions[l.Name]
		if t, ok := state.Solved[l.Name]; ok {
			lp.SolvedAt = &t
		}
		if t, ok := state.Reset[l.Name]; ok {
			lp.ResetAt = &t
		}
		report.Lessons = append(report.Lessons, lp)
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(report); err != nil {
		return a.fail(err)
	}
	return exitOK
}
