package progress

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook"
)

// Hook registers a Ginkgo ReportAfterSuite node that records the suite's
// results as the learner's progress. Call it once, at the top level of a
// lesson's suite file:
//
//	var _ = progress.Hook()
//
// It records nothing for a dry run, for a suite outside lessons/, or when
// the environment variable workbook.ProgressEnv is "off" (verification
// sets it). A failure to record is printed and never fails the suite.
func Hook() bool {
	ginkgo.ReportAfterSuite("workbook progress", func(r types.Report) {
		if err := Record(r); err != nil {
			fmt.Fprintf(os.Stderr, "workbook: progress not recorded: %v\n", err)
		}
	})
	return true
}

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
