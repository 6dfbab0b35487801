package workbook

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/opossum-go/opossum/specs/todo"
)

// DefaultTimeout bounds the specs of one test package when
// [RunOptions.Timeout] is zero. Compile time is not counted.
const DefaultTimeout = 4 * time.Minute

// ErrNoGo is returned when the go command cannot be found.
var ErrNoGo = errors.New("workbook: no go command found on PATH: install Go 1.26 or later from https://go.dev/dl")

// RunOptions configures one run of a lesson's specs.
type RunOptions struct {
	// Overlay is the absolute path of a Go build overlay file to build
	// with, or "" to run the lesson as it is. The file is validated first
	// (see [ReadOverlayFile]); an invalid one fails the run.
	Overlay string
	// Race builds with the race detector, which needs cgo.
	Race bool
	// Timeout bounds the specs of one test package; zero means
	// [DefaultTimeout].
	Timeout time.Duration
	// Step, when above zero, runs only the specs of that README step: those
	// labelled step-N (package specs/steps), as Ginkgo's label filter. The
	// others are reported as skipped. Zero runs every spec.
	Step int
	// Env holds KEY=value pairs added to the go command's environment.
	Env []string
	// Go is the go command to use; "" means "go" from PATH.
	Go string
	// OnReport, when set, is called with each test package's Ginkgo
	// report (pkg is the package folder relative to the lesson, "." for
	// the lesson itself); the CLI records progress with it.
	OnReport func(pkg string, reports []types.Report)
}

// Spec is the outcome of one spec (a Ginkgo It, or a table Entry).
type Spec struct {
	// Text is the spec's full text: its containers' texts and its own.
	Text string
	// State is Ginkgo's state name: passed, failed, panicked, timedout,
	// interrupted, aborted, pending or skipped.
	State string
	// Message is the failure message; for a panic, the panic value.
	Message string
	// Location is where the failure happened (file:line), relative to the
	// workbook root when inside it.
	Location string
	// SpecLocation is where the spec is declared (file:line).
	SpecLocation string
	// Step is the README step the spec checks: the N of its step-N label
	// (see package specs/steps), or of "Step N" in its text; 0 when
	// neither names one.
	Step int
	// TODO reports that the failure is a TODO marker failure: the panic
	// (or the message) carries todo.Prefix.
	TODO bool
	// Also is a second failure of the same spec (an AfterEach that failed
	// after the spec did), or "".
	Also string
	// AlsoTODO reports that Also is a TODO marker failure.
	AlsoTODO bool
}

// Failed reports whether the spec failed in any way.
func (s Spec) Failed() bool {
	switch s.State {
	case "failed", "panicked", "timedout", "interrupted", "aborted":
		return true
	}
	return false
}

// Result is the outcome of running a lesson's specs once.
type Result struct {
	// Declared is the number of specs the lesson's suites declare
	// (Ginkgo's PreRunStats.TotalSpecs, the count a --dry-run reports).
	Declared int
	// WillRun is the number of specs Ginkgo was to run after focus and
	// filters; it equals Declared unless a spec is focused.
	WillRun int
	// Specs holds every spec, in the order they ran.
	Specs []Spec
	// SuiteFailures describes failures outside specs: a failed
	// BeforeSuite or AfterSuite, a suite-level failure reason (programmatic
	// focus, timeout), a data race, or a go test failure no spec explains.
	SuiteFailures []string
	// CompileError is the compiler's output when a package did not build.
	CompileError string
	// Crash is the end of the output of a test binary that stopped
	// without writing its report (a panic outside a spec, os.Exit).
	Crash string
	// Output is the combined output of the go commands.
	Output string
	// Elapsed is the wall time of the run, compile included.
	Elapsed time.Duration
	// Faults holds the runs of the specs against the faults of a lesson in
	// writing specs, when the caller ran them (see [Workbook.Mutate]).
	Faults []MutantResult
}

// Counts sums up a [Result].
type Counts struct {
	Passed, Failed, Pending, Skipped int
	// TODO counts the failed specs whose failure is a TODO marker.
	TODO int
}

// Ran is the number of specs that ran: passed or failed.
func (c Counts) Ran() int { return c.Passed + c.Failed }

// Count sums up the specs of the result by state.
func (r *Result) Count() Counts {
	var c Counts
	for _, s := range r.Specs {
		switch {
		case s.State == "passed":
			c.Passed++
		case s.State == "pending":
			c.Pending++
		case s.State == "skipped":
			c.Skipped++
		case s.Failed():
			c.Failed++
			if s.TODO {
				c.TODO++
			}
		}
	}
	return c
}

// FirstFailure returns the failing spec to look at first: see
// [Result.Failures].
func (r *Result) FirstFailure() (Spec, bool) {
	if f := r.Failures(); len(f) > 0 {
		return f[0], true
	}
	return Spec{}, false
}

// Failures returns the failing specs in the order a learner should take
// them: by the README step each spec checks (a spec that names no step
// last), and within a step in the order the specs ran, which is the order
// they are declared in when the lesson keeps its steps in one container
// (package specs/steps). The step a TODO marker names plays no part: a
// spec of step 10 can run into the TODO of step 1.
func (r *Result) Failures() []Spec {
	var failures []Spec
	for _, s := range r.Specs {
		if s.Failed() {
			failures = append(failures, s)
		}
	}
	slices.SortStableFunc(failures, func(a, b Spec) int {
		return cmp.Compare(stepOrder(a), stepOrder(b))
	})
	return failures
}

// stepOrder sorts a spec that names no step after the others.
func stepOrder(s Spec) int {
	if s.Step == 0 {
		return math.MaxInt
	}
	return s.Step
}

// stepLabel matches the label of a step (package specs/steps), and
// stepInText a step named in a spec's text.
var (
	stepLabel  = regexp.MustCompile(`^step-(\d+)$`)
	stepInText = regexp.MustCompile(`\bStep (\d+)\b`)
)

// specStep returns the README step a spec checks, or 0.
func specStep(sr types.SpecReport) int {
	for _, l := range sr.Labels() {
		if m := stepLabel.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	if m := stepInText.FindStringSubmatch(sr.FullText()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// Run runs the specs of a lesson once with go test and reads Ginkgo's JSON
// report. Each test package of the lesson runs with its own report. Spec
// failures, compile errors and crashes are part of the Result; the error is
// for what stops the run itself: no go command, an invalid overlay, a
// canceled context.
func (w *Workbook) Run(ctx context.Context, l Lesson, opts RunOptions) (*Result, error) {
	if opts.Overlay != "" {
		if _, err := ReadOverlayFile(opts.Overlay); err != nil {
			return nil, err
		}
	}
	return w.run(ctx, l, opts)
}

// run is Run without the overlay check.
func (w *Workbook) run(ctx context.Context, l Lesson, opts RunOptions) (*Result, error) {
	start := time.Now()
	goCmd, err := findGo(opts.Go)
	if err != nil {
		return nil, err
	}
	pkgs, err := l.TestPackages()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "workbook-run-")
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	defer os.RemoveAll(tmp)

	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	res := &Result{}
	var out bytes.Buffer
	for i, pkg := range pkgs {
		report := filepath.Join(tmp, fmt.Sprintf("report-%d.json", i))
		// -count=1 and the report flag keep go test from replaying a
		// cached result, which would not write a report; the build itself
		// still comes from the cache. go test's own timeout leaves Ginkgo
		// time to interrupt the specs and write its report first.
		args := []string{"test", "-count=1", "-timeout=" + (timeout + time.Minute).String()}
		if opts.Race {
			args = append(args, "-race")
		}
		if opts.Overlay != "" {
			args = append(args, "-overlay="+opts.Overlay)
		}
		args = append(args, "./"+path.Join(l.Name, pkg), "-args",
			"-ginkgo.json-report="+report, "-ginkgo.no-color", "-ginkgo.timeout="+timeout.String())
		if opts.Step > 0 {
			args = append(args, fmt.Sprintf("-ginkgo.label-filter=step-%d", opts.Step))
		}
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir = filepath.Join(w.Root, LessonsDir)
		cmd.Env = append(os.Environ(), opts.Env...)
		cmd.WaitDelay = 10 * time.Second
		output, runErr := cmd.CombinedOutput()
		out.Write(output)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("workbook: run %s: %w", l.Name, ctx.Err())
		}
		reports := w.readReport(res, report, string(output), runErr)
		if opts.OnReport != nil && reports != nil {
			opts.OnReport(pkg, reports)
		}
	}
	res.Output = out.String()
	res.Elapsed = time.Since(start)
	return res, nil
}

// readReport adds one package's Ginkgo report (or, when there is none, its
// compile error or crash) to res, and returns the report.
func (w *Workbook) readReport(res *Result, reportFile, output string, runErr error) []types.Report {
	data, err := os.ReadFile(reportFile)
	if err != nil {
		if isBuildFailure(output) {
			res.CompileError = joinNonEmpty(res.CompileError, w.rootPaths(compileErrors(output)))
		} else {
			res.Crash = joinNonEmpty(res.Crash, tail(output, 30))
		}
		return nil
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		res.Crash = joinNonEmpty(res.Crash, fmt.Sprintf("unreadable Ginkgo report: %v", err))
		return nil
	}
	failedBefore := len(res.SuiteFailures) + res.Count().Failed
	for _, r := range reports {
		res.Declared += r.PreRunStats.TotalSpecs
		res.WillRun += r.PreRunStats.SpecsThatWillRun
		res.SuiteFailures = append(res.SuiteFailures, r.SpecialSuiteFailureReasons...)
		if r.SuiteHasProgrammaticFocus {
			res.SuiteFailures = append(res.SuiteFailures, "a spec is focused (FIt, FDescribe, Focus): remove the focus so every spec runs")
		}
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt && sr.State.Is(types.SpecStateFailureStates) {
				res.SuiteFailures = append(res.SuiteFailures, fmt.Sprintf("%s %s at %s: %s",
					sr.LeafNodeType, sr.State, w.relLocation(sr.Failure.Location), failureText(sr.Failure)))
			}
		}
		res.Specs = append(res.Specs, w.SuiteSpecs(r)...)
	}
	if race := raceReport(output); race != "" {
		res.SuiteFailures = append(res.SuiteFailures, "the race detector found a data race:\n"+race)
	} else if runErr != nil && len(res.SuiteFailures)+res.Count().Failed == failedBefore {
		res.SuiteFailures = append(res.SuiteFailures, fmt.Sprintf("go test failed (%v) though no spec did:\n%s", runErr, tail(output, 15)))
	}
	return reports
}

// SuiteSpecs converts the specs (Its and table entries) of a Ginkgo suite
// report, in the order they ran, with locations relative to the workbook.
func (w *Workbook) SuiteSpecs(r types.Report) []Spec {
	var specs []Spec
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			specs = append(specs, w.spec(sr))
		}
	}
	return specs
}

// spec converts a Ginkgo spec report.
func (w *Workbook) spec(sr types.SpecReport) Spec {
	s := Spec{
		Text:         sr.FullText(),
		State:        sr.State.String(),
		SpecLocation: w.relLocation(sr.LeafNodeLocation),
		Step:         specStep(sr),
	}
	if sr.State.Is(types.SpecStateFailureStates) {
		s.Message = failureText(sr.Failure)
		s.Location = w.relLocation(sr.Failure.Location)
		s.TODO = isTODO(sr.Failure)
		if af := sr.Failure.AdditionalFailure; af != nil {
			s.Also = af.State.String() + ": " + failureText(af.Failure)
			s.AlsoTODO = isTODO(af.Failure)
		}
	}
	return s
}

// relLocation formats a code location as file:line, relative to the
// workbook root when the file is inside it. When the location is outside
// the workbook (a panic located in the runtime), it uses the first frame
// of the stack trace that is in lessons/, or else in the workbook.
func (w *Workbook) relLocation(loc types.CodeLocation) string {
	if loc.FileName == "" {
		return ""
	}
	file, line := loc.FileName, loc.LineNumber
	if !w.inside(file, "") {
		if f, l, ok := w.frame(loc.FullStackTrace, LessonsDir); ok {
			file, line = f, l
		} else if f, l, ok := w.frame(loc.FullStackTrace, ""); ok {
			file, line = f, l
		}
	}
	return fmt.Sprintf("%s:%d", w.Rel(file), line)
}

// inside reports whether file is in the workbook's folder sub ("" for the
// root itself).
func (w *Workbook) inside(file, sub string) bool {
	return strings.HasPrefix(file, filepath.Join(w.Root, sub)+string(filepath.Separator))
}

// stackFrame matches the file line of a stack trace frame.
var stackFrame = regexp.MustCompile(`^\s+(\S+\.go):(\d+)`)

// frame returns the first frame of a stack trace whose file is in the
// workbook's folder sub.
func (w *Workbook) frame(stack, sub string) (string, int, bool) {
	for _, line := range strings.Split(stack, "\n") {
		m := stackFrame.FindStringSubmatch(line)
		if m != nil && w.inside(m[1], sub) {
			n, _ := strconv.Atoi(m[2])
			return m[1], n, true
		}
	}
	return "", 0, false
}

// failureText is the panic value of a panic, else the failure message.
func failureText(f types.Failure) string {
	if f.ForwardedPanic != "" {
		return f.ForwardedPanic
	}
	return f.Message
}

// isTODO reports whether a failure comes from a todo.Implement call: the
// panic value, or a message that carries it on, starts a TODO marker.
func isTODO(f types.Failure) bool {
	return strings.Contains(f.ForwardedPanic, todo.Prefix) || strings.Contains(f.Message, todo.Prefix)
}

// findGo returns the go command to run.
func findGo(name string) (string, error) {
	if name == "" {
		name = "go"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoGo, err)
	}
	return p, nil
}

// RaceSupported reports whether the go command can build with -race here:
// the race detector needs cgo, which is off when no C compiler is found.
func RaceSupported(ctx context.Context, goCmd string) bool {
	goCmd, err := findGo(goCmd)
	if err != nil {
		return false
	}
	out, err := exec.CommandContext(ctx, goCmd, "env", "CGO_ENABLED").Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

// compilerLine matches a compiler message (file.go:12:3: ...) or an error
// of the go command itself (go: ...), such as a go.mod that needs tidying.
var compilerLine = regexp.MustCompile(`(?m)^(\S+\.go:\d+(:\d+)?: |go: )`)

// isBuildFailure reports whether go test output tells of a package that did
// not build.
func isBuildFailure(output string) bool {
	return strings.Contains(output, "[build failed]") || strings.Contains(output, "[setup failed]") ||
		compilerLine.MatchString(output)
}

// compileErrors keeps the compiler's messages from go test output: the
// lines between the "# package" header and the FAIL line.
func compileErrors(output string) string {
	var keep []string
	for _, line := range strings.Split(output, "\n") {
		switch {
		case strings.TrimSpace(line) == "",
			strings.HasPrefix(line, "FAIL"),
			strings.HasPrefix(line, "ok "):
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// compilerPath matches the file a compiler or vet message starts with; the
// go command prints it relative to the lessons folder, where it runs.
var compilerPath = regexp.MustCompile(`(?m)^(vet: )?(\S+\.go)(:\d+)`)

// rootPaths rewrites the relative file paths that start compiler messages
// to paths from the workbook root: lessons/01-append/events.go, like every
// other pointer the workbook shows.
func (w *Workbook) rootPaths(messages string) string {
	return compilerPath.ReplaceAllStringFunc(messages, func(m string) string {
		sub := compilerPath.FindStringSubmatch(m)
		file := sub[2]
		if !filepath.IsAbs(file) {
			file = filepath.Join(w.Root, LessonsDir, filepath.FromSlash(file))
		}
		return sub[1] + w.Rel(file) + sub[3]
	})
}

// raceReport returns the first data race report in output, or "".
func raceReport(output string) string {
	i := strings.Index(output, "WARNING: DATA RACE")
	if i < 0 {
		return ""
	}
	race := output[i:]
	if j := strings.Index(race, "=================="); j >= 0 {
		race = race[:j]
	}
	return strings.TrimSpace(race)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
