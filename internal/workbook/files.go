package workbook

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// todoImport is the import path of the package whose Implement call marks
// a TODO.
const todoImport = "github.com/opossum-go/opossum/specs/todo"

// SourceFile is a non-test .go file of a lesson.
type SourceFile struct {
	// Rel is the file's path relative to the lesson folder, with forward
	// slashes: register.go, or api/http.go in a sub-package.
	Rel string
	// TODOs counts the todo.Implement calls in the file. A file with none
	// is given code.
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

// countTODOs parses a Go file and counts its calls to todo.Implement,
// however the todo package is imported.
func countTODOs(file string) (int, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		return 0, err
	}
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == todoImport {
			name = "todo"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" || name == "_" {
		return 0, nil
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok && x.Name == name && fun.Sel.Name == "Implement" {
				n++
			}
		case *ast.Ident:
			if name == "." && fun.Name == "Implement" {
				n++
			}
		}
		return true
	})
	return n, nil
}

// CheckFiles makes the static checks of a lesson, without running
// anything: README.md and hints.md exist and are not empty; the lesson has
// specs and at least one TODO; every non-test .go file of the lesson has a
// solution counterpart that is byte-identical for given files, and solved
// (no todo.Implement call) and gofmt-clean for TODO files; the solution
// folder holds nothing else.
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
		add("%s has no TODO: no file calls todo.Implement", l.Path())
	}
	if info, err := os.Stat(l.SolutionDir); err != nil || !info.IsDir() {
		add("%s is missing: every lesson needs a solution", l.SolutionPath())
		return problems
	}

	inLesson := make(map[string]bool, len(sources))
	for _, s := range sources {
		inLesson[s.Rel] = true
		lessonFile := l.Path() + "/" + s.Rel
		solutionFile := l.SolutionPath() + "/" + s.Rel
		want, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(s.Rel)))
		if err != nil {
			add("%v", err)
			continue
		}
		got, err := os.ReadFile(filepath.Join(l.SolutionDir, filepath.FromSlash(s.Rel)))
		switch {
		case err != nil && s.TODOs > 0:
			add("%s has %d TODO(s) but %s does not exist", lessonFile, s.TODOs, solutionFile)
			continue
		case err != nil:
			add("given file %s is missing from the solution: copy it unchanged to %s", lessonFile, solutionFile)
			continue
		case s.TODOs == 0 && !bytes.Equal(want, got):
			add("given file %s differs from %s: given code must be byte-identical in lesson and solution", lessonFile, solutionFile)
		}
		if formatted, err := format.Source(got); err != nil {
			add("%s does not parse: %v", solutionFile, err)
		} else if !bytes.Equal(formatted, got) {
			add("%s is not gofmt-clean: run gofmt -w %s", solutionFile, solutionFile)
		}
		if n, err := countTODOs(filepath.Join(l.SolutionDir, filepath.FromSlash(s.Rel))); err == nil && n > 0 {
			add("%s still calls todo.Implement %d time(s): a solution solves every TODO", solutionFile, n)
		}
	}

	err = filepath.WalkDir(l.SolutionDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(l.SolutionDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, "_test.go"):
			add("%s/%s is a test file: specs live only in the lesson, solutions hold its non-test .go files", l.SolutionPath(), rel)
		case !strings.HasSuffix(rel, ".go"):
			add("%s/%s is not a Go file: solutions hold only the lesson's non-test .go files", l.SolutionPath(), rel)
		case !inLesson[rel]:
			add("%s/%s has no lesson counterpart %s/%s", l.SolutionPath(), rel, l.Path(), rel)
		}
		return nil
	})
	if err != nil {
		add("%v", err)
	}
	return problems
}
