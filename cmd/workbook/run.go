package main

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// maxMessageLines bounds how much of a failure message run shows.
const maxMessageLines = 20

// todoMessage takes apart a TODO marker failure, wherever it is in the
// message (a panic value, or the body of an HTTP response that carries it):
// "TODO: implement Func (file:line) — README step 2".
var todoMessage = regexp.MustCompile(`TODO: implement ([\w.]+) \(([^()\s]+)\)(?: — (README step \d+))?`)

// unusedImport matches the compiler's message about an unused import.
var unusedImport = regexp.MustCompile(`(?m)^(\S+\.go):(\d+):\d+: "([^"]+)" imported and not used`)

// runLesson runs one lesson's specs and tells the learner what to do next.
func runLesson(ctx context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	race := fs.Bool("race", false, "build with the race detector (slower; needs cgo)")
	all := fs.Bool("all", false, "list every failing spec, not just the first")
	keep := fs.Bool("keep", false, "keep the store of the first failing spec and print its folder (workbook ui shows it)")
	step := fs.Int("step", 0, "run only the specs of this README step (those labelled step-N)")
	l, ok := a.oneLesson(fs, args, "run [-race] [-all] [-keep] [-step N] LESSON")
	if !ok {
		return exitProblem
	}
	if stepSet(fs) && !a.checkStep(l, *step) {
		return exitProblem
	}
	var kept *keptStores
	if *keep {
		kept = newKeptStores()
	}
	res, err := a.runAndRecord(ctx, l, runOptions{race: *race, step: *step}, kept)
	if err != nil {
		return a.fail(err)
	}
	code := a.report(l, res, *all, *step)
	if kept != nil {
		a.reportKept(l, res, kept)
	}
	return code
}

// stepSet reports whether the command line set the flag -step.
func stepSet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "step" })
	return set
}

// checkStep reports whether the lesson's specs declare README step n,
// writing the error, with the steps there are, when they do not.
func (a *app) checkStep(l workbook.Lesson, n int) bool {
	steps, err := l.Steps()
	if err != nil {
		a.fail(err)
		return false
	}
	if slices.Contains(steps, n) {
		return true
	}
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = strconv.Itoa(s)
	}
	fmt.Fprintf(a.stderr, "workbook run: lesson %d has no step %d; its specs check steps %s\n", l.Number, n, strings.Join(names, ", "))
	return false
}

// runOptions are the choices of a run the learner makes on the command
// line.
type runOptions struct {
	race bool
	// step, when above zero, runs only the specs of that README step.
	step int
}

// runAndRecord runs a lesson's specs, records the results as progress and
// makes the lesson the current one. With kept, the specs keep their store
// folders and kept collects them. A run of one step records the results of
// that step's specs and leaves the others as they were.
func (a *app) runAndRecord(ctx context.Context, l workbook.Lesson, opts runOptions, kept *keptStores) (*workbook.Result, error) {
	race := opts.race
	if opts.step > 0 {
		fmt.Fprintf(a.stdout, "Lesson %d: %s (%s), step %d only\n", l.Number, l.Title, l.Path(), opts.step)
	} else {
		fmt.Fprintf(a.stdout, "Lesson %d: %s (%s)\n", l.Number, l.Title, l.Path())
	}
	fmt.Fprintln(a.stdout, "Compiling and running its specs. The first run compiles the store, Ginkgo and Gomega first, which takes a while; later runs take seconds.")
	var env []string
	if kept != nil {
		env = []string{keepStoresEnv}
	}
	res, err := a.wb.Run(ctx, l, workbook.RunOptions{
		Race: race,
		Step: opts.step,
		Env:  env,
		OnReport: func(pkg string, reports []types.Report) {
			for _, r := range reports {
				if err := progress.Save(a.wb, l.Name, pkg, r); err != nil {
					fmt.Fprintf(a.stderr, "workbook: progress not recorded: %v\n", err)
				}
				if kept != nil {
					kept.collect(r)
				}
			}
		},
	})
	if err != nil {
		return nil, err
	}
	done := res.CompileError == "" && res.Crash == "" && len(res.SuiteFailures) == 0 &&
		res.Declared > 0 && res.Count().Passed == res.Declared
	if done {
		// A lesson in writing specs: the specs must also fail on every
		// fault of the solution.
		faults, err := a.wb.Mutants(l)
		if err != nil {
			return nil, err
		}
		if len(faults) > 0 {
			fmt.Fprintf(a.stdout, "Every spec passes. Running them against %s, one at a time.\n", workbook.Plural(len(faults), "faulty version"))
			if res.Faults, err = a.wb.Mutate(ctx, l, nil, workbook.RunOptions{Race: race}); err != nil {
				return nil, err
			}
			done = len(workbook.Survivors(res.Faults)) == 0
		}
	}
	a.updateState(func(s *progress.State) {
		s.Current = l.Name
		if _, ok := s.Done[l.Name]; done && !ok {
			s.Done[l.Name] = time.Now().UTC()
		}
	})
	return res, nil
}

// report prints the outcome of a lesson run and returns the exit status.
// Inside watch (a.watching), it names the keys to press rather than the
// commands to type. A step above zero says the run was of that README step
// only.
func (a *app) report(l workbook.Lesson, res *workbook.Result, all bool, step int) int {
	out := a.stdout
	again := fmt.Sprintf("go run ./cmd/workbook run %d", l.Number)
	if step > 0 {
		again = fmt.Sprintf("go run ./cmd/workbook run -step %d %d", step, l.Number)
	}
	runAgain := func() {
		if !a.watching {
			fmt.Fprintf(out, "Run again:  %s\n", again)
		}
	}
	switch {
	case res.CompileError != "":
		fmt.Fprintf(out, "\nLesson %d does not compile:\n\n%s\n", l.Number, indent(firstLines(res.CompileError, maxMessageLines), "    "))
		if m := unusedImport.FindStringSubmatch(res.CompileError); m != nil {
			fmt.Fprintf(out, "\nDelete the line that imports %q in %s (line %s): nothing in the file uses it any more.\n", m[3], m[1], m[2])
		}
		if a.watching {
			fmt.Fprintln(out, "\nFix the code at the first error above and save: the specs run again.")
		} else {
			fmt.Fprintf(out, "\nFix the code at the first error above, then run again:  %s\n", again)
		}
		return exitFailed
	case res.Crash != "":
		fmt.Fprintf(out, "\nThe specs of lesson %d stopped before they could report:\n\n%s\n", l.Number, indent(res.Crash, "    "))
		fmt.Fprintln(out, "\nA panic outside a spec stops them all: look for a goroutine that calls code that panics.")
		runAgain()
		return exitFailed
	}

	c := res.Count()
	if step > 0 {
		fmt.Fprintf(out, "\n%d of the %d specs of step %d pass.\n", c.Passed, res.WillRun, step)
		if c.Passed == res.WillRun && len(res.SuiteFailures) == 0 {
			fmt.Fprintf(out, "\nStep %d of lesson %d passes. Run the whole lesson:  go run ./cmd/workbook run %d\n", step, l.Number, l.Number)
			return exitOK
		}
	} else {
		fmt.Fprintf(out, "\n%d of %d specs pass.\n", c.Passed, res.Declared)
	}
	failure, failing := res.FirstFailure()
	if survivors := workbook.Survivors(res.Faults); !failing && len(res.SuiteFailures) == 0 && c.Passed == res.Declared && len(survivors) > 0 {
		fmt.Fprintf(out, "Your specs caught %d of %d faults.\n", len(res.Faults)-len(survivors), len(res.Faults))
		for _, m := range survivors {
			fmt.Fprintf(out, "\nYour specs did not notice: %s\n", m.Fault)
		}
		fmt.Fprintf(out, "\nNext: write a spec that fails on each fault above (%s/README.md, the last step).\n", l.Path())
		runAgain()
		return exitFailed
	}
	if !failing && len(res.SuiteFailures) == 0 && c.Passed == res.Declared {
		if len(res.Faults) > 0 {
			fmt.Fprintf(out, "Your specs caught all %d faults.\n", len(res.Faults))
		}
		fmt.Fprintf(out, "\nLesson %d is done: every spec passes. Well done!\n", l.Number)
		fmt.Fprintf(out, "Compare with the reference solution:  go run ./cmd/workbook solution %d\n", l.Number)
		a.nextLesson(l)
		return exitOK
	}
	for _, f := range res.SuiteFailures {
		fmt.Fprintf(out, "\nThe suite failed outside any spec:\n%s\n", indent(firstLines(f, maxMessageLines), "    "))
	}
	if failing {
		fmt.Fprintf(out, "\nFirst failing spec:\n  %s\n", failure.Text)
		fmt.Fprintf(out, "%s\n", indent(firstLines(failure.Message, maxMessageLines), "    "))
		if failure.Location != "" && !failure.TODO {
			fmt.Fprintf(out, "    at %s\n", failure.Location)
		}
		fmt.Fprintf(out, "    spec: %s\n", failure.SpecLocation)
		if m := todoMessage.FindStringSubmatch(failure.Message); m != nil {
			where := m[2]
			if file, _, ok := strings.Cut(where, ":"); ok {
				where = file
			}
			step := ""
			if m[3] != "" {
				step = fmt.Sprintf(" (%s, %s/README.md)", m[3], l.Path())
			}
			fmt.Fprintf(out, "\nNext: write %s in %s%s.\n", m[1], where, step)
		} else {
			fmt.Fprintln(out, "\nNext: make this spec pass; the message above says what it expected.")
		}
	}
	if rest := res.Failures(); len(rest) > 1 {
		if all {
			fmt.Fprintln(out, "\nAlso failing:")
			for _, s := range rest[1:] {
				fmt.Fprintf(out, "  %s\n", s.Text)
			}
		} else {
			fmt.Fprintf(out, "%s (add -all to list them).\n", workbook.Plural(len(rest)-1, "more failing spec"))
		}
	}
	if a.watching {
		fmt.Fprintf(out, "Stuck? Press h for a hint  (or read %s/hints.md)\n", l.Path())
	} else {
		hintCmd := fmt.Sprintf("go run ./cmd/workbook hint %d", l.Number)
		if step > 0 {
			hintCmd = fmt.Sprintf("go run ./cmd/workbook hint -step %d %d", step, l.Number)
		}
		fmt.Fprintf(out, "Stuck? Reveal a hint:  %s  (or read %s/hints.md)\n", hintCmd, l.Path())
	}
	runAgain()
	return exitFailed
}

// nextLesson says which lesson comes next, or that the workbook is done.
func (a *app) nextLesson(l workbook.Lesson) {
	lessons, err := a.wb.Lessons()
	if err != nil {
		return
	}
	results, _ := a.loadProgress()
	if finished(lessons, results) {
		fmt.Fprintf(a.stdout, "\nYou finished the workbook: every lesson passes. Congratulations!\n")
		return
	}
	for _, next := range lessons {
		if next.Number > l.Number && a.watching {
			fmt.Fprintf(a.stdout, "Next lesson: %s.  Press n to go on to it.\n", next.Title)
			return
		}
		if next.Number > l.Number {
			fmt.Fprintf(a.stdout, "Next lesson: %s.  go run ./cmd/workbook run %d\n", next.Title, next.Number)
			return
		}
	}
	fmt.Fprintln(a.stdout, "That was the last lesson; go run ./cmd/workbook shows the ones still to finish.")
}

// firstLines returns at most n lines of s, saying how many it left out.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n... (%d more lines)", len(lines)-n)
}

// indent prefixes every line of s with prefix.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
