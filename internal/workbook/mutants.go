package workbook

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// MutantsDir is the folder of a solution that holds its faults, one
// NAME.fault file each. A lesson whose solution has faults is a lesson in
// writing specs: its specs must pass on the solution and fail on every
// fault.
const MutantsDir = "testdata/mutants"

// Mutant is a faulty version of one file of a solution: the file with a
// few lines replaced. It is described by a .fault file:
//
//	Fault: the guard ignores the student's other courses
//	File: enrollment.go
//
//	<<<<<<< correct
//	(lines of the solution's file, exactly as they are)
//	=======
//	(the faulty lines that replace them; none to delete them)
//	>>>>>>> faulty
//
// The Fault line is the sentence shown to a learner whose specs did not
// notice the fault; File is relative to the solution folder. A file may
// hold several hunks; each correct part must occur exactly once in the
// file, so a fault that no longer applies to a changed solution is an
// error, not a silently unchanged file.
type Mutant struct {
	// Name is the .fault file's name without its extension.
	Name string
	// Fault is the sentence that describes the fault.
	Fault string
	// File is the solution file it changes, relative to the solution folder.
	File  string
	hunks [][2]string
}

// Mutants reads the faults of a lesson's solution, sorted by name; none
// when the solution has no MutantsDir.
func (w *Workbook) Mutants(l Lesson) ([]Mutant, error) {
	dir := filepath.Join(l.SolutionDir, filepath.FromSlash(MutantsDir))
	files, err := filepath.Glob(filepath.Join(dir, "*.fault"))
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	slices.Sort(files)
	mutants := make([]Mutant, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
		m, err := ParseMutant(strings.TrimSuffix(filepath.Base(f), ".fault"), string(data))
		if err != nil {
			return nil, fmt.Errorf("workbook: %s/%s/%s: %w", l.SolutionPath(), MutantsDir, filepath.Base(f), err)
		}
		mutants = append(mutants, m)
	}
	return mutants, nil
}

// ParseMutant parses the text of a .fault file (see [Mutant]).
func ParseMutant(name, text string) (Mutant, error) {
	m := Mutant{Name: name}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var (
		state    int // 0 header, 1 correct part, 2 faulty part
		cur      [2][]string
		lineNo   int
		hunkLine int
	)
	for i, line := range lines {
		lineNo = i + 1
		switch {
		case state == 0 && strings.HasPrefix(line, "Fault:"):
			m.Fault = strings.TrimSpace(strings.TrimPrefix(line, "Fault:"))
		case state == 0 && strings.HasPrefix(line, "File:"):
			m.File = strings.TrimSpace(strings.TrimPrefix(line, "File:"))
		case state == 0 && strings.HasPrefix(line, "<<<<<<<"):
			state, cur, hunkLine = 1, [2][]string{}, lineNo
		case state == 0 && strings.TrimSpace(line) == "":
		case state == 0:
			return Mutant{}, fmt.Errorf("line %d: expected Fault:, File: or <<<<<<< correct, found %q", lineNo, line)
		case state == 1 && strings.HasPrefix(line, "======="):
			state = 2
		case state == 2 && strings.HasPrefix(line, ">>>>>>>"):
			if len(cur[0]) == 0 {
				return Mutant{}, fmt.Errorf("line %d: the hunk replaces no line", hunkLine)
			}
			m.hunks = append(m.hunks, [2]string{strings.Join(cur[0], "\n") + "\n", joinLines(cur[1])})
			state = 0
		default:
			cur[state-1] = append(cur[state-1], line)
		}
	}
	switch {
	case state != 0:
		return Mutant{}, fmt.Errorf("line %d: the hunk is not closed by >>>>>>> faulty", hunkLine)
	case m.Fault == "":
		return Mutant{}, errors.New("no Fault: line naming the fault")
	case m.File == "" || filepath.IsAbs(m.File) || strings.Contains(m.File, ".."):
		return Mutant{}, fmt.Errorf("the File: line must name a file of the solution, found %q", m.File)
	case len(m.hunks) == 0:
		return Mutant{}, errors.New("no hunk (<<<<<<< correct ... ======= ... >>>>>>> faulty)")
	}
	return m, nil
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// Apply returns the faulty version of src, the solution's file.
func (m Mutant) Apply(src string) (string, error) {
	for i, h := range m.hunks {
		if n := strings.Count(src, h[0]); n != 1 {
			return "", fmt.Errorf("fault %s: hunk %d occurs %d times in %s, not once: update the fault to the solution", m.Name, i+1, n, m.File)
		}
		src = strings.Replace(src, h[0], h[1], 1)
	}
	return src, nil
}

// MutantResult is the run of a lesson's specs against one fault.
type MutantResult struct {
	Mutant Mutant
	// Killed is true when at least one spec failed: the specs noticed.
	Killed bool
	// Result is the run; its CompileError says the fault does not compile.
	Result *Result
}

// Mutate runs the lesson's specs once per fault of its solution, each time
// with the fault's file built in place of the lesson's file, on top of
// base (the solution's overlay for verify; nil for the lesson as it is).
// A fault survives when every spec passes with it. The progress hooks are
// switched off: a run against a fault is not the learner's progress. The
// error is for a fault that does not apply or a run that could not start;
// a fault that does not compile is an error too, since it would look
// killed.
func (w *Workbook) Mutate(ctx context.Context, l Lesson, base map[string]string, opts RunOptions) ([]MutantResult, error) {
	mutants, err := w.Mutants(l)
	if err != nil || len(mutants) == 0 {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "workbook-mutants-")
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	defer os.RemoveAll(tmp)
	opts.Env = append([]string{ProgressEnv + "=off"}, opts.Env...)
	opts.OnReport = nil
	results := make([]MutantResult, 0, len(mutants))
	for _, m := range mutants {
		src, err := os.ReadFile(filepath.Join(l.SolutionDir, filepath.FromSlash(m.File)))
		if err != nil {
			return nil, fmt.Errorf("workbook: fault %s: %w", m.Name, err)
		}
		faulty, err := m.Apply(string(src))
		if err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
		file := filepath.Join(tmp, m.Name+".go")
		if err := os.WriteFile(file, []byte(faulty), 0o644); err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
		o := Overlay{Replace: maps.Clone(base)}
		if o.Replace == nil {
			o.Replace = make(map[string]string)
		}
		o.Replace[filepath.Join(l.Dir, filepath.FromSlash(m.File))] = file
		overlay := filepath.Join(tmp, m.Name+".overlay.json")
		if err := o.WriteFile(overlay); err != nil {
			return nil, err
		}
		opts.Overlay = overlay
		res, err := w.Run(ctx, l, opts)
		if err != nil {
			return nil, err
		}
		if res.CompileError != "" {
			return nil, fmt.Errorf("workbook: fault %s does not compile:\n%s", m.Name, res.CompileError)
		}
		killed := res.Crash != "" || len(res.SuiteFailures) > 0 || res.Count().Failed > 0
		results = append(results, MutantResult{Mutant: m, Killed: killed, Result: res})
	}
	return results, nil
}

// Survivors returns the faults the specs did not notice.
func Survivors(results []MutantResult) []Mutant {
	var ms []Mutant
	for _, r := range results {
		if !r.Killed {
			ms = append(ms, r.Mutant)
		}
	}
	return ms
}
