package workbook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

func TestWorkbook(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Workbook harness")
}

// runTimeout bounds a spec that runs a lesson's specs; with a cold build
// cache, Ginkgo and Gomega compile with the race detector first.
const runTimeout = 5 * time.Minute

// background is the context of specs that run nothing that can block.
func background() context.Context { return context.Background() }

// sample copies the sample workbook into a fresh temporary folder and
// opens it.
func sample() *workbook.Workbook {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	Expect(workbooktest.New(dir)).To(Succeed())
	wb, err := workbook.Open(dir)
	Expect(err).NotTo(HaveOccurred())
	return wb
}

// write creates or replaces a file under the workbook root.
func write(wb *workbook.Workbook, rel, content string) {
	GinkgoHelper()
	path := filepath.Join(wb.Root, filepath.FromSlash(rel))
	Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
}

// readFile returns the content of a file under the workbook root.
func readFile(wb *workbook.Workbook, rel string) string {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(wb.Root, filepath.FromSlash(rel)))
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// remove deletes a file or folder under the workbook root.
func remove(wb *workbook.Workbook, rel string) {
	GinkgoHelper()
	Expect(os.RemoveAll(filepath.Join(wb.Root, filepath.FromSlash(rel)))).To(Succeed())
}

// copyLesson copies lesson 01-sample, with its solution, to a new lesson
// name; the copied specs import the copy, and the copy's stubs are
// generated again so that they name it.
func copyLesson(wb *workbook.Workbook, name string) {
	GinkgoHelper()
	for _, tree := range []string{workbook.LessonsDir, workbook.SolutionsDir} {
		src, dst := filepath.Join(wb.Root, tree, "01-sample"), filepath.Join(wb.Root, tree, name)
		Expect(workbooktest.CopyTree(src, dst)).To(Succeed())
	}
	for _, spec := range []string{"sample_test.go", "sample_suite_test.go"} {
		path := filepath.Join(wb.Root, workbook.LessonsDir, name, spec)
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		data = []byte(strings.ReplaceAll(string(data), "lessons/01-sample", "lessons/"+name))
		Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
	}
	l, err := wb.Lesson(name)
	Expect(err).NotTo(HaveOccurred())
	_, err = wb.WriteGenerated(l)
	Expect(err).NotTo(HaveOccurred())
}

// verify verifies the workbook's lessons with the environment its copy
// needs.
func verify(ctx context.Context, wb *workbook.Workbook, lessons ...string) *workbook.Report {
	GinkgoHelper()
	report, err := wb.Verify(ctx, workbook.VerifyOptions{Lessons: lessons})
	Expect(err).NotTo(HaveOccurred())
	return report
}

// problemsOf returns the problems of one lesson of a report.
func problemsOf(report *workbook.Report, lesson string) []workbook.Problem {
	GinkgoHelper()
	for _, l := range report.Lessons {
		if l.Lesson.Name == lesson {
			return l.Problems
		}
	}
	Fail("no lesson " + lesson + " in the report")
	return nil
}
