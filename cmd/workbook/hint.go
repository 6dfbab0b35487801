package main

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"strconv"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// specStep finds a step number in a spec's text ("Step 2: ...") or in a
// TODO marker ("README step 2").
var specStep = regexp.MustCompile(`(?i)\bstep (\d+)`)

// hint reveals the next hint of the step the learner is on.
func hint(_ context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("hint", flag.ContinueOnError)
	step := fs.Int("step", 0, "the step to hint at; by default the step of the first failing spec")
	l, ok := a.oneLesson(fs, args, "hint [-step N] LESSON")
	if !ok {
		return exitProblem
	}
	again := fmt.Sprintf("go run ./cmd/workbook hint %d", l.Number)
	if *step > 0 {
		again = fmt.Sprintf("go run ./cmd/workbook hint -step %d %d", *step, l.Number)
	}
	return a.revealHint(l, *step, "Run it again for the next hint:  "+again)
}

// revealHint reveals the next hint for a step of the lesson (0: the step
// of the first failing spec) and prints the hints revealed so far; more
// says how to get the next one.
func (a *app) revealHint(l workbook.Lesson, step int, more string) int {
	sections, err := l.Hints()
	if err != nil {
		return a.fail(err)
	}
	results, state := a.loadProgress()
	if step == 0 && results[l.Name].Done() {
		fmt.Fprintf(a.stdout, "Lesson %d is done: every spec passes, so there is no step to hint at.\n", l.Number)
		fmt.Fprintf(a.stdout, "Compare your code with the reference:  go run ./cmd/workbook solution %d\n", l.Number)
		fmt.Fprintf(a.stdout, "The hints of a step are still there:  go run ./cmd/workbook hint -step N %d\n", l.Number)
		return exitOK
	}
	section, found := pickSection(sections, step, results[l.Name], state, l.Name)
	if !found {
		fmt.Fprintf(a.stderr, "workbook: %s/hints.md has no hints for step %d\n", l.Path(), step)
		return exitProblem
	}
	revealed := state.HintsRevealed(l.Name, section.Key())
	if revealed < len(section.Hints) {
		revealed++
		a.updateState(func(s *progress.State) {
			if s.Hints[l.Name] == nil {
				s.Hints[l.Name] = map[string]int{}
			}
			s.Hints[l.Name][section.Key()] = max(s.Hints[l.Name][section.Key()], revealed)
		})
	}
	title := section.Title
	if title == "" {
		title = l.Title
	}
	fmt.Fprintf(a.stdout, "Hints for lesson %d, %s (%d of %d):\n", l.Number, title, revealed, len(section.Hints))
	for i, h := range section.Hints[:revealed] {
		fmt.Fprintf(a.stdout, "\n%d. %s\n", i+1, indent(h, "   ")[3:])
	}
	if revealed < len(section.Hints) {
		fmt.Fprintf(a.stdout, "\nStill stuck? %s\n", more)
	} else {
		fmt.Fprintf(a.stdout, "\nThat was the last hint for this step. Still stuck? Ask your trainer. Once the lesson passes,\n"+
			"compare your code with the reference:  go run ./cmd/workbook solution %d\n", l.Number)
	}
	return exitOK
}

// pickSection chooses the hint section: the given step, else the step of
// the first failing spec in the latest results, else the first section
// with hints left to reveal.
func pickSection(sections []workbook.HintSection, step int, results *progress.Lesson,
	state *progress.State, lesson string) (workbook.HintSection, bool) {
	explicit := step > 0
	if !explicit && results != nil {
		if f, ok := results.Result().FirstFailure(); ok {
			for _, text := range []string{f.Message, f.Text} {
				if m := specStep.FindStringSubmatch(text); m != nil {
					step, _ = strconv.Atoi(m[1])
					break
				}
			}
		}
	}
	if step > 0 {
		for _, s := range sections {
			if s.Step == step {
				return s, true
			}
		}
		if explicit {
			return workbook.HintSection{}, false
		}
	}
	for _, s := range sections {
		if state.HintsRevealed(lesson, s.Key()) < len(s.Hints) {
			return s, true
		}
	}
	return sections[len(sections)-1], true
}
