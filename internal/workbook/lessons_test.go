package workbook_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

// This is the check the root go test ./... makes on the real workbook:
// every lesson passes with its solution swapped in and fails only through
// its TODOs as shipped.
var _ = Describe("The workbook's lessons", Label("lessons"), func() {
	It("pass with their solutions and fail only through TODOs without them", func(ctx SpecContext) {
		root := workbooktest.RepoRoot()
		wb, err := workbook.Open(root)
		Expect(err).NotTo(HaveOccurred(), "the repository must have a lessons folder")
		lessons, err := wb.Lessons()
		Expect(err).NotTo(HaveOccurred())
		if len(lessons) == 0 {
			Skip("lessons/ has no lessons yet")
		}
		statInputs(root)

		report, err := wb.Verify(ctx, workbook.VerifyOptions{})
		Expect(err).NotTo(HaveOccurred())
		var text strings.Builder
		Expect(report.WriteText(&text)).To(Succeed())
		AddReportEntry("verify", text.String())
		Expect(report.OK()).To(BeTrue(), text.String())
	}, SpecTimeout(15*workbook.DefaultTimeout/4))

	It("run their specs in README step order whatever the seed, each step labelled so that a label filter runs it alone", func(ctx SpecContext) {
		root := workbooktest.RepoRoot()
		wb, err := workbook.Open(root)
		Expect(err).NotTo(HaveOccurred())
		lessons, err := wb.Lessons()
		Expect(err).NotTo(HaveOccurred())
		for _, l := range lessons {
			// A dry run reports every spec in the order it would run,
			// those the filter leaves out as skipped.
			specs := dryRun(ctx, wb, l, "-ginkgo.seed="+strconv.Itoa(l.Number), "-ginkgo.label-filter=step-2")
			Expect(specs).NotTo(BeEmpty())
			Expect(specs[0].Step).To(Equal(1), "%s: the first spec checks step 1", l.Name)
			for i, s := range specs {
				if i > 0 {
					Expect(s.Step).To(BeNumerically(">=", specs[i-1].Step), "%s: %q runs after %q", l.Name, s.Text, specs[i-1].Text)
				}
				if s.State != "skipped" {
					Expect(s.Step).To(Equal(2), "%s: --label-filter=step-2 runs %q", l.Name, s.Text)
				}
			}
		}
	}, SpecTimeout(5*time.Minute))

	It("are each listed in the README", func() {
		root := workbooktest.RepoRoot()
		wb, err := workbook.Open(root)
		Expect(err).NotTo(HaveOccurred())
		lessons, err := wb.Lessons()
		Expect(err).NotTo(HaveOccurred())
		readme, err := os.ReadFile(filepath.Join(root, "README.md"))
		Expect(err).NotTo(HaveOccurred())
		for _, l := range lessons {
			Expect(string(readme)).To(ContainSubstring("]("+l.Path()+")"), "README.md should link to %s", l.Path())
		}
	})
})

// statInputs stats every Go source and module file of the repository.
// go test caches a package's result until a file the test opened or
// stat'ed changes; the specs of the lessons run in child processes, whose
// reads go test does not see, so this makes any change to the store, the
// specs, a lesson or a solution run the verification again.
func statInputs(root string) {
	GinkgoHelper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" || name == "go.work" ||
			strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".json") {
			_, err = os.Stat(path)
		}
		return err
	})
	Expect(err).NotTo(HaveOccurred())
}

// dryRun lists the specs of a lesson in the order Ginkgo would run them,
// without running them.
func dryRun(ctx context.Context, wb *workbook.Workbook, l workbook.Lesson, args ...string) []workbook.Spec {
	GinkgoHelper()
	report := filepath.Join(GinkgoT().TempDir(), "report.json")
	args = append([]string{"test", "-count=1", "./" + l.Name, "-args", "-ginkgo.dry-run", "-ginkgo.json-report=" + report}, args...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Join(wb.Root, workbook.LessonsDir)
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s", out)
	data, err := os.ReadFile(report)
	Expect(err).NotTo(HaveOccurred())
	var reports []types.Report
	Expect(json.Unmarshal(data, &reports)).To(Succeed())
	var specs []workbook.Spec
	for _, r := range reports {
		specs = append(specs, wb.SuiteSpecs(r)...)
	}
	return specs
}
