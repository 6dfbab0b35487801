package progress

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook"
)

// Record records a suite report as progress. The suite's path tells the
// workbook, the lesson and the test package.
func Record(r types.Report) error {
	if os.Getenv(workbook.ProgressEnv) == "off" {
		return nil
	}
	wb, err := workbook.Find(r.SuitePath)
	if err != nil {
		return nil // not in a workbook: nothing to record
	}
	rel, err := filepath.Rel(filepath.Join(wb.Root, workbook.LessonsDir), r.SuitePath)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return nil
	}
	rel = filepath.ToSlash(rel)
	lesson, pkg, ok := strings.Cut(rel, "/")
	if !ok {
		pkg = "."
	}
	if _, err := wb.Lesson(lesson); err != nil {
		return nil
	}
	return Save(wb, lesson, pkg, r)
}
