package workbook

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Check names the part of the verification a [Problem] comes from.
type Check string

// The checks of a lesson.
const (
	// Files is the static check of the lesson's and solution's files.
	Files Check = "files"
	// Solved is the run with the solution swapped in.
	Solved Check = "solved"
	// Unsolved is the run of the lesson as shipped.
	Unsolved Check = "unsolved"
	// Faults is the run of the solution's specs against each fault of a
	// lesson in writing specs (see [Workbook.Mutate]).
	Faults Check = "faults"
)

// Problem is one thing wrong with a lesson.
type Problem struct {
	// Lesson is the lesson's folder name.
	Lesson string
	// Check is the check that found the problem.
	Check Check
	// Spec is the full text of the spec concerned, or "".
	Spec string
	// Message says what is wrong and, where it can, what to do.
	Message string
}

func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s: ", p.Lesson, p.Check)
	if p.Spec != "" {
		s += fmt.Sprintf("spec %q: ", p.Spec)
	}
	return s + p.Message
}

// RaceMode says whether verification builds with the race detector.
type RaceMode int

const (
	// RaceAuto uses the race detector when the go command supports it here
	// (it needs cgo, hence a C compiler).
	RaceAuto RaceMode = iota
	// RaceOn requires the race detector.
	RaceOn
	// RaceOff never uses it.
	RaceOff
)

// VerifyOptions configures [Workbook.Verify]. The zero value verifies every
// lesson, as many at a time as GOMAXPROCS, with the race detector when it
// is available.
type VerifyOptions struct {
	// Lessons restricts verification to these lessons (numbers or names,
	// as [Workbook.Lesson] takes them); empty means all.
	Lessons []string
	// Parallel bounds the spec runs going on at once; zero means
	// runtime.GOMAXPROCS(0).
	Parallel int
	// Race chooses whether the solved runs build with the race detector;
	// the unsolved runs never do.
	Race RaceMode
	// Timeout, Env and Go are passed on to every run (see [RunOptions]).
	Timeout time.Duration
	Env     []string
	Go      string
	// OnLesson, when set, is called with each lesson's report as soon as
	// the lesson is verified, one call at a time.
	OnLesson func(LessonReport)
}

// LessonReport is the verification of one lesson.
type LessonReport struct {
	Lesson Lesson
	// Declared is the number of specs the lesson declares.
	Declared int
	// Solved is the run with the solution swapped in; nil when it could not
	// start (see Problems).
	Solved *Result
	// Unsolved is the run of the lesson as shipped.
	Unsolved *Result
	// Problems lists everything wrong with the lesson; empty means the
	// lesson is verified.
	Problems []Problem
	// SolvedInPlace lists the lesson's files in which a learner solved an
	// exercise (see [Workbook.SolvedInPlace]). Such a lesson is not run as
	// shipped, nor compared with what gen writes: Unsolved stays nil.
	SolvedInPlace []string
}

// OK reports whether the lesson has no problem.
func (r LessonReport) OK() bool { return len(r.Problems) == 0 }

// Report is the verification of a workbook.
type Report struct {
	Lessons []LessonReport
	// Race reports whether the solved runs used the race detector.
	Race bool
	// Elapsed is the wall time of the verification.
	Elapsed time.Duration
}

// OK reports whether every lesson is verified.
func (r *Report) OK() bool {
	for _, l := range r.Lessons {
		if !l.OK() {
			return false
		}
	}
	return true
}

// Problems lists the problems of every lesson.
func (r *Report) Problems() []Problem {
	var all []Problem
	for _, l := range r.Lessons {
		all = append(all, l.Problems...)
	}
	return all
}

// Verify checks the lessons (see the package documentation): their files,
// a run with the solutions swapped in, and a run as shipped. Runs go on in
// parallel. Problems with lessons are in the report; the error is for what
// stops verification itself (no go command, an unknown lesson, a canceled
// context, the race detector required but unavailable).
func (w *Workbook) Verify(ctx context.Context, opts VerifyOptions) (*Report, error) {
	start := time.Now()
	lessons, err := w.Select(opts.Lessons)
	if err != nil {
		return nil, err
	}
	if _, err := findGo(opts.Go); err != nil {
		return nil, err
	}
	race := false
	switch opts.Race {
	case RaceAuto:
		race = RaceSupported(ctx, opts.Go)
	case RaceOn:
		if !RaceSupported(ctx, opts.Go) {
			return nil, fmt.Errorf("workbook: the race detector needs cgo, which is disabled here (is a C compiler installed? see go env CGO_ENABLED)")
		}
		race = true
	}
	parallel := opts.Parallel
	if parallel <= 0 {
		parallel = runtime.GOMAXPROCS(0)
	}
	tmp, err := os.MkdirTemp("", "workbook-verify-")
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	defer os.RemoveAll(tmp)

	// The lessons' progress hooks must not record a solution's results as
	// the learner's progress.
	env := append([]string{ProgressEnv + "=off"}, opts.Env...)
	run := RunOptions{Race: race, Timeout: opts.Timeout, Env: env, Go: opts.Go}
	reports := make([]LessonReport, len(lessons))
	type job struct {
		rep     *LessonReport
		overlay string // "" for the run as shipped
	}
	var (
		solvedJobs, unsolvedJobs []job
		mu                       sync.Mutex
		pending                  = make(map[*LessonReport]int)
	)
	for i, l := range lessons {
		rep := &reports[i]
		rep.Lesson = l
		rep.Problems = w.CheckFiles(l)
		rep.SolvedInPlace, _ = w.SolvedInPlace(l) // CheckFiles reports the error
		if len(rep.SolvedInPlace) == 0 {
			unsolvedJobs = append(unsolvedJobs, job{rep: rep})
			pending[rep]++
		}
		overlay := filepath.Join(tmp, l.Name+".overlay.json")
		o, err := w.SolutionOverlay(l)
		if err == nil {
			err = o.WriteFile(overlay)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Lesson: l.Name, Check: Solved,
				Message: fmt.Sprintf("cannot run with the solution swapped in: %v", err)})
			continue
		}
		solvedJobs = append(solvedJobs, job{rep: rep, overlay: overlay})
		pending[rep]++
	}
	// The runs with the race detector take longest, and later lessons are
	// bigger: start those first so that the slots stay busy to the end.
	slices.Reverse(solvedJobs)
	slices.Reverse(unsolvedJobs)
	queue := make(chan job)
	go func() {
		defer close(queue)
		for _, j := range append(solvedJobs, unsolvedJobs...) {
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for j := range queue {
				ro, check := run, Solved
				if j.overlay == "" {
					// As shipped, the specs stop at their TODOs: the race
					// detector is for the solution's run.
					ro.Race, check = false, Unsolved
				} else {
					ro.Overlay = j.overlay
				}
				res, err := w.Run(ctx, j.rep.Lesson, ro)
				var faults []Problem
				if check == Solved && err == nil && res.CompileError == "" && res.Count().Failed == 0 {
					faults = w.checkFaults(ctx, j.rep.Lesson, j.overlay, ro)
				}

				mu.Lock()
				j.rep.Problems = append(j.rep.Problems, faults...)
				if check == Solved {
					j.rep.Solved = res
				} else {
					j.rep.Unsolved = res
				}
				if err != nil {
					j.rep.Problems = append(j.rep.Problems, Problem{Lesson: j.rep.Lesson.Name, Check: check, Message: err.Error()})
				}
				if pending[j.rep]--; pending[j.rep] == 0 {
					w.judge(j.rep)
					if opts.OnLesson != nil {
						opts.OnLesson(*j.rep)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("workbook: verify: %w", err)
	}
	return &Report{Lessons: reports, Race: race, Elapsed: time.Since(start)}, nil
}

// checkFaults runs the solution's specs, built with the solution overlay,
// against each fault of the lesson's solution: every fault must make a spec
// fail, or the solution's own specs are not the example the lesson needs.
func (w *Workbook) checkFaults(ctx context.Context, l Lesson, overlay string, ro RunOptions) []Problem {
	o, err := ReadOverlayFile(overlay)
	if err != nil {
		return []Problem{{Lesson: l.Name, Check: Faults, Message: err.Error()}}
	}
	ro.Race = false
	results, err := w.Mutate(ctx, l, o.Replace, ro)
	if err != nil {
		return []Problem{{Lesson: l.Name, Check: Faults, Message: err.Error()}}
	}
	var ps []Problem
	for _, m := range Survivors(results) {
		ps = append(ps, Problem{Lesson: l.Name, Check: Faults, Message: fmt.Sprintf(
			"the solution's specs pass with the fault %s/%s/%s.fault (%s): write a spec that fails on it",
			l.SolutionPath(), MutantsDir, m.Name, m.Fault)})
	}
	return ps
}

// Select returns the lessons named by refs, in that order, or all of them
// when refs is empty.
func (w *Workbook) Select(refs []string) ([]Lesson, error) {
	if len(refs) == 0 {
		return w.Lessons()
	}
	lessons := make([]Lesson, 0, len(refs))
	for _, ref := range refs {
		l, err := w.Lesson(ref)
		if err != nil {
			return nil, err
		}
		lessons = append(lessons, l)
	}
	return lessons, nil
}

// judge sets the declared spec count and adds the problems of the two runs.
func (w *Workbook) judge(rep *LessonReport) {
	name := rep.Lesson.Name
	if u := rep.Unsolved; u != nil && u.CompileError == "" && u.Crash == "" {
		rep.Declared = u.Declared
	} else if s := rep.Solved; s != nil {
		rep.Declared = s.Declared
	}
	if rep.Unsolved != nil {
		rep.Problems = append(rep.Problems, CheckUnsolved(name, rep.Unsolved)...)
	}
	if rep.Solved != nil {
		rep.Problems = append(rep.Problems, CheckSolved(name, rep.Solved, rep.Declared)...)
		if u, s := rep.Unsolved, rep.Solved; u != nil && u.Declared > 0 && s.Declared > 0 && u.Declared != s.Declared {
			rep.Problems = append(rep.Problems, Problem{Lesson: name, Check: Solved, Message: fmt.Sprintf(
				"the lesson declares %d specs as shipped but %d with the solution: the spec tree must not depend on the learner's code",
				u.Declared, s.Declared)})
		}
	}
}

// CheckUnsolved judges a run of a lesson as shipped: it must compile, at
// least one spec must fail, and every failure must be a TODO marker
// failure. Anything else is a defect of the lesson.
func CheckUnsolved(lesson string, r *Result) []Problem {
	var ps []Problem
	add := func(spec, format string, args ...any) {
		ps = append(ps, Problem{Lesson: lesson, Check: Unsolved, Spec: spec, Message: fmt.Sprintf(format, args...)})
	}
	if !runProblems(r, add, "as shipped; every stub must compile",
		" (a panic outside a spec? a TODO reached from a goroutine without GinkgoRecover?)") {
		return ps
	}
	if r.Declared == 0 {
		add("", "declares no specs")
	}
	for _, s := range r.Specs {
		if s.Failed() && !s.TODO {
			add(s.Text, "%s, not through a TODO marker: %s%s", s.State, s.Message, at(s.Location))
		}
		if s.Also != "" && !s.AlsoTODO {
			add(s.Text, "a second failure, not through a TODO marker: %s", s.Also)
		}
	}
	if r.Count().Failed == 0 && r.Declared > 0 {
		add("", "no spec fails as shipped: a lesson starts red, failing through its TODOs "+
			"(if you have been solving the lessons in place, this is expected: this check is for the workbook as shipped)")
	}
	return ps
}

// CheckSolved judges a run of a lesson with its solution swapped in: it
// must compile, and every one of the declared specs must run and pass,
// with nothing pending, skipped or focused and no TODO marker reached (a
// TODO failure means the overlay did not apply).
func CheckSolved(lesson string, r *Result, declared int) []Problem {
	var ps []Problem
	add := func(spec, format string, args ...any) {
		ps = append(ps, Problem{Lesson: lesson, Check: Solved, Spec: spec, Message: fmt.Sprintf(format, args...)})
	}
	if !runProblems(r, add, "with the solution swapped in", "") {
		return ps
	}
	for _, s := range r.Specs {
		switch {
		case s.Failed() && s.TODO:
			add(s.Text, "failed through a TODO marker with the solution swapped in: the overlay did not apply, or the solution is incomplete: %s", s.Message)
		case s.Failed():
			add(s.Text, "%s with the solution: %s%s", s.State, s.Message, at(s.Location))
		case s.State == "pending":
			add(s.Text, "is pending: every spec of a lesson must run")
		case s.State == "skipped":
			add(s.Text, "was skipped: every spec of a lesson must run")
		}
	}
	c := r.Count()
	if declared == 0 {
		add("", "declares no specs")
	}
	if r.WillRun != r.Declared {
		add("", "only %d of %d specs were to run: is a spec focused (FIt, FDescribe, Focus)?", r.WillRun, r.Declared)
	}
	if c.Ran() != declared || c.Passed != declared {
		add("", "%d of %d declared specs ran and %d passed: all must run and pass", c.Ran(), declared, c.Passed)
	}
	return ps
}

// runProblems adds the problems of a run that are not about one spec: a
// compile error, a crash, the suite's own failures. It reports whether the
// specs ran, so that they can be judged one by one.
func runProblems(r *Result, add func(spec, format string, args ...any), compiling, crashHint string) bool {
	if r.CompileError != "" {
		add("", "does not compile %s:\n%s", compiling, r.CompileError)
	}
	if r.Crash != "" {
		add("", "the specs stopped without a report%s:\n%s", crashHint, r.Crash)
	}
	for _, f := range r.SuiteFailures {
		add("", "%s", f)
	}
	return r.CompileError == "" && r.Crash == ""
}

func at(loc string) string {
	if loc == "" {
		return ""
	}
	return " (at " + loc + ")"
}

// WriteText writes the report as a table, one line per lesson followed by
// its problems, and a closing summary line.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "lesson\tspecs\tsolved\tunsolved\ttime\tresult")
	for _, l := range r.Lessons {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", l.Lesson.Name, l.Declared, solvedColumn(l), unsolvedColumn(l), timeColumn(l), resultColumn(l))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var solved []string
	for _, l := range r.Lessons {
		if len(l.SolvedInPlace) > 0 {
			solved = append(solved, l.Lesson.Path())
		}
	}
	if len(solved) > 0 {
		fmt.Fprintf(w, "\nSolved in place: %s. Their files hold a learner's work, so verify checked their\n"+
			"solutions and specs and skipped the checks of a lesson as shipped (that it fails only through\n"+
			"its TODOs and is what gen writes from its solution).\n", strings.Join(solved, ", "))
	}
	for _, l := range r.Lessons {
		for _, p := range l.Problems {
			fmt.Fprintf(w, "\n%s\n", indent(p.String(), "  "))
		}
	}
	problems := len(r.Problems())
	race := "on"
	if !r.Race {
		race = "off (unavailable: cgo is disabled)"
	}
	verdict := "ok"
	if problems > 0 {
		verdict = "FAIL"
	}
	_, err := fmt.Fprintf(w, "\nverify %s: %s, %s, race detector %s, %s\n",
		verdict, Plural(len(r.Lessons), "lesson"), Plural(problems, "problem"), race, r.Elapsed.Round(100*time.Millisecond))
	return err
}

// Plural writes a count and a noun, adding an s unless the count is one:
// "1 lesson", "3 lessons".
func Plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func solvedColumn(l LessonReport) string {
	switch s := l.Solved; {
	case s == nil:
		return "not run"
	case s.CompileError != "":
		return "compile error"
	case s.Crash != "":
		return "crashed"
	default:
		c := s.Count()
		return fmt.Sprintf("%d/%d passed", c.Passed, l.Declared)
	}
}

func unsolvedColumn(l LessonReport) string {
	switch u := l.Unsolved; {
	case len(l.SolvedInPlace) > 0:
		return "solved in place"
	case u == nil:
		return "not run"
	case u.CompileError != "":
		return "compile error"
	case u.Crash != "":
		return "crashed"
	default:
		c := u.Count()
		return fmt.Sprintf("%d failed, %d via TODO", c.Failed, c.TODO)
	}
}

// timeColumn shows the wall time of the solved and the unsolved run.
func timeColumn(l LessonReport) string {
	var parts []string
	for _, r := range []*Result{l.Solved, l.Unsolved} {
		if r == nil {
			parts = append(parts, "-")
		} else {
			parts = append(parts, fmt.Sprintf("%.1fs", r.Elapsed.Seconds()))
		}
	}
	return strings.Join(parts, " + ")
}

func resultColumn(l LessonReport) string {
	if l.OK() {
		return "ok"
	}
	return Plural(len(l.Problems), "problem")
}

// indent prefixes every line of s but the first with prefix, and the first
// with "- ".
func indent(s, prefix string) string {
	return "- " + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
