package workbook

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SourceFile is a non-test .go file of a lesson.
type SourceFile struct {
	// Rel is the file's path relative to the lesson folder, with forward
	// slashes: register.go, or api/http.go in a sub-package.
	Rel string
	// TODOs counts the stubs in the file (see [GenerateGo]). A file with
	// none is given code.
	TODOs int
}

// Sources lists the lesson's non-test .go files with their TODO counts,
// sorted by path. It fails when a file cannot be read or parsed.
func (l Lesson) Sources() ([]SourceFile, error) {
	var files []SourceFile
	err := walkGo(l.Dir, func(rel string) error {
		if strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		n, err := countTODOs(filepath.Join(l.Dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		files = append(files, SourceFile{Rel: rel, TODOs: n})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workbook: lesson %s: %w", l.Name, err)
	}
	return files, nil
}

// TestPackages lists the folders of the lesson that hold _test.go files,
// relative to the lesson folder with forward slashes ("." for the lesson
// folder itself), sorted.
func (l Lesson) TestPackages() ([]string, error) {
	var dirs []string
	err := walkGo(l.Dir, func(rel string) error {
		if d := path.Dir(rel); strings.HasSuffix(rel, "_test.go") && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workbook: lesson %s: %w", l.Name, err)
	}
	slices.Sort(dirs)
	return dirs, nil
}

// stepDescribe matches the declaration of a step's container in a spec
// file (package specs/steps): steps.Describe("Step 2: ...".
var stepDescribe = regexp.MustCompile(`steps\.Describe\(\s*"Step (\d+): `)

// Steps lists the README steps the lesson's specs declare with
// steps.Describe, in order and without repeats: the steps whose label
// (step-N) [RunOptions.Step] can select. It fails when a spec file cannot
// be read.
func (l Lesson) Steps() ([]int, error) {
	var steps []int
	err := walkGo(l.Dir, func(rel string) error {
		if !strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, m := range stepDescribe.FindAllSubmatch(src, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			if !slices.Contains(steps, n) {
				steps = append(steps, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workbook: lesson %s: %w", l.Name, err)
	}
	slices.Sort(steps)
	return steps, nil
}

// countTODOs parses a Go file and counts its stubs (see [GenerateGo]).
func countTODOs(file string) (int, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		return 0, err
	}
	return countStubs(f), nil
}

// CheckFiles makes the static checks of a lesson, without running
// anything: README.md and hints.md exist and are not empty; the lesson has
// specs and at least one TODO; its solution folder exists, holds no test
// file, and is gofmt-clean with no stub left; and the lesson's Go files and
// assets are what gen writes from the solution ([Workbook.CheckGenerated]).
//
// A lesson a learner has solved in place (see [Workbook.SolvedInPlace]) is
// not compared with what gen writes, nor expected to have a TODO left:
// [Workbook.Verify] says so once, in its report.
func (w *Workbook) CheckFiles(l Lesson) []Problem {
	var problems []Problem
	add := func(format string, args ...any) {
		problems = append(problems, Problem{Lesson: l.Name, Check: Files, Message: fmt.Sprintf(format, args...)})
	}
	for _, doc := range []string{"README.md", "hints.md"} {
		info, err := os.Stat(filepath.Join(l.Dir, doc))
		switch {
		case err != nil:
			add("%s/%s is missing", l.Path(), doc)
		case info.Size() == 0:
			add("%s/%s is empty", l.Path(), doc)
		}
	}
	pkgs, err := l.TestPackages()
	if err != nil {
		add("%v", err)
	} else if len(pkgs) == 0 {
		add("%s has no _test.go files: a lesson's specs are its documentation", l.Path())
	}
	if info, err := os.Stat(l.SolutionDir); err != nil || !info.IsDir() {
		add("%s is missing: every lesson needs a solution", l.SolutionPath())
		return problems
	}
	err = walkGo(l.SolutionDir, func(rel string) error {
		solutionFile := l.SolutionPath() + "/" + rel
		if strings.HasSuffix(rel, "_test.go") {
			add("%s is a test file: specs live only in the lesson, solutions hold its non-test files", solutionFile)
			return nil
		}
		src, err := os.ReadFile(filepath.Join(l.SolutionDir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if formatted, err := format.Source(src); err != nil {
			add("%s does not parse: %v", solutionFile, err)
		} else if !bytes.Equal(formatted, src) {
			add("%s is not gofmt-clean: run gofmt -w %s", solutionFile, solutionFile)
		}
		if n, err := countTODOs(filepath.Join(l.SolutionDir, filepath.FromSlash(rel))); err == nil && n > 0 {
			add("%s still has %d stub(s): a solution solves every TODO", solutionFile, n)
		}
		return nil
	})
	if err != nil {
		add("%v", err)
	}

	solved, err := w.SolvedInPlace(l)
	if err != nil {
		add("%v", err)
		return problems
	}
	if len(solved) > 0 {
		return problems
	}
	sources, err := l.Sources()
	if err != nil {
		add("%v", err)
		return problems
	}
	todos := 0
	for _, s := range sources {
		todos += s.TODOs
	}
	if todos == 0 {
		add("%s has no TODO: mark an exercise in %s with a //workbook:todo directive and run go run ./cmd/workbook gen", l.Path(), l.SolutionPath())
	}
	for _, p := range w.CheckGenerated(l) {
		p.Check = Files
		problems = append(problems, p)
	}
	return problems
}
