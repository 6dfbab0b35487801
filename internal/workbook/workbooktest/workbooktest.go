// Package workbooktest builds throwaway workbooks for the tests of the
// workbook harness and its CLI.
//
// The sample workbook in internal/workbook/testdata/workbook has one lesson,
// 01-sample, with three specs: one passes as shipped and two fail through
// TODO markers until the solution is swapped in. [New] copies it into a
// folder and gives its lessons module a go.mod that builds against this
// repository, so tests can change a copy freely.
//
// A copy is set up like the repository: a go.work at its root uses the
// repository's root module and the copy's lessons module, so the copy
// resolves dependencies exactly as the real lessons do.
package workbooktest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// RepoRoot returns the absolute path of the repository root.
func RepoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("workbooktest: cannot locate the source file")
	}
	// file is <root>/internal/workbook/workbooktest/workbooktest.go.
	return filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file))))
}

// Sample returns the absolute path of the sample workbook.
func Sample() string {
	return filepath.Join(RepoRoot(), "internal", "workbook", "testdata", "workbook")
}

// New copies the sample workbook into dir, which must exist, and writes
// dir/go.work, which uses the repository root and dir/lessons, and
// dir/lessons/go.mod and go.sum: the repository's lessons/go.mod with its
// replace directive pointing at the repository root, and its go.sum.
func New(dir string) error {
	if err := CopyTree(Sample(), dir); err != nil {
		return err
	}
	root := RepoRoot()
	mod, err := os.ReadFile(filepath.Join(root, "lessons", "go.mod"))
	if err != nil {
		return fmt.Errorf("workbooktest: %w", err)
	}
	const rel = "=> ../"
	if !strings.Contains(string(mod), rel) {
		return errors.New("workbooktest: lessons/go.mod has no replace directive => ../")
	}
	mod = []byte(strings.Replace(string(mod), rel, "=> "+root, 1))
	if err := os.WriteFile(filepath.Join(dir, "lessons", "go.mod"), mod, 0o644); err != nil {
		return fmt.Errorf("workbooktest: %w", err)
	}
	work := fmt.Sprintf("go 1.26.0\n\nuse (\n\t%s\n\t./lessons\n)\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.work"), []byte(work), 0o644); err != nil {
		return fmt.Errorf("workbooktest: %w", err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "lessons", "go.sum"))
	if err != nil {
		return fmt.Errorf("workbooktest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lessons", "go.sum"), sum, 0o644); err != nil {
		return fmt.Errorf("workbooktest: %w", err)
	}
	return nil
}

// CopyTree copies the files under src into dst, creating folders as
// needed.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
