package progress_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

var _ = Describe("Progress", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		dir := GinkgoT().TempDir()
		Expect(workbooktest.New(dir)).To(Succeed())
		var err error
		wb, err = workbook.Open(dir)
		Expect(err).NotTo(HaveOccurred())
	})

	// report builds a Ginkgo suite report of the sample lesson with the
	// given states for its three specs; "" leaves a spec out of the run
	// (skipped, as a focus does).
	report := func(double, greet, sum types.SpecState) types.Report {
		r := types.Report{
			SuitePath:        filepath.Join(wb.Root, "lessons", "01-sample"),
			SuiteDescription: "Sample lesson",
			PreRunStats:      types.PreRunStats{TotalSpecs: 3, SpecsThatWillRun: 3},
		}
		spec := func(text string, line int, state types.SpecState, panic string) types.SpecReport {
			sr := types.SpecReport{
				ContainerHierarchyTexts: []string{"The sample lesson"},
				LeafNodeText:            text,
				LeafNodeType:            types.NodeTypeIt,
				LeafNodeLocation:        types.CodeLocation{FileName: filepath.Join(wb.Root, "lessons", "01-sample", "sample_test.go"), LineNumber: line},
				State:                   state,
			}
			if state == types.SpecStatePanicked {
				sr.Failure = types.Failure{Message: "Test Panicked", ForwardedPanic: panic}
			}
			return sr
		}
		r.SpecReports = types.SpecReports{
			spec("doubles a number", 11, double, ""),
			spec("greets by name", 15, greet, "TODO: implement Greet (lessons/01-sample/sample.go:7) — README step 1"),
			spec("sums numbers", 19, sum, "TODO: implement Sum (lessons/01-sample/sample.go:13) — README step 2"),
		}
		return r
	}

	load := func() *progress.Lesson {
		GinkgoHelper()
		results, warnings, err := progress.Load(wb.Root)
		Expect(err).NotTo(HaveOccurred())
		Expect(warnings).To(BeEmpty())
		return results["01-sample"]
	}

	It("is empty before any run", func() {
		results, warnings, err := progress.Load(wb.Root)
		Expect(err).NotTo(HaveOccurred())
		Expect(warnings).To(BeEmpty())
		Expect(results).To(BeEmpty())
		Expect(results["01-sample"].Done()).To(BeFalse())
	})

	It("records each spec's state, its TODO and its place", func() {
		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStatePassed, types.SpecStatePanicked, types.SpecStatePanicked))).To(Succeed())
		l := load()
		Expect(l.Total).To(Equal(3))
		Expect(l.Passed).To(Equal(1))
		Expect(l.Done()).To(BeFalse())
		Expect(l.Specs).To(HaveLen(3))
		Expect(l.Specs[1]).To(And(
			HaveField("Text", "The sample lesson greets by name"),
			HaveField("Location", "lessons/01-sample/sample_test.go:15"),
			HaveField("State", "panicked"),
			HaveField("TODO", true),
			HaveField("Message", ContainSubstring("README step 1")),
			HaveField("Ran", BeTemporally("~", time.Now(), time.Minute)),
		))
		first, ok := l.Result().FirstFailure()
		Expect(ok).To(BeTrue())
		Expect(first.Text).To(Equal("The sample lesson greets by name"))
		Expect(filepath.Join(wb.Root, ".workbook", "results", "01-sample.json")).To(BeARegularFile())
	})

	It("keeps the last state of the specs a focused run left out", func() {
		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStatePassed, types.SpecStatePanicked, types.SpecStatePanicked))).To(Succeed())
		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStateSkipped, types.SpecStatePassed, types.SpecStateSkipped))).To(Succeed())
		l := load()
		Expect(l.Passed).To(Equal(2))
		Expect(l.Specs[0].State).To(Equal("passed"))
		Expect(l.Specs[2].State).To(Equal("panicked"))

		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStateSkipped, types.SpecStateSkipped, types.SpecStatePassed))).To(Succeed())
		Expect(load().Done()).To(BeTrue())
	})

	It("marks a spec that never ran as not run", func() {
		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStatePassed, types.SpecStateSkipped, types.SpecStateSkipped))).To(Succeed())
		Expect(load().Specs[1].State).To(Equal("not run"))
	})

	It("records nothing for a dry run", func() {
		r := report(types.SpecStatePassed, types.SpecStatePassed, types.SpecStatePassed)
		r.SuiteConfig.DryRun = true
		Expect(progress.Save(wb, "01-sample", ".", r)).To(Succeed())
		Expect(load()).To(BeNil())
	})

	It("finds the lesson and package of a suite from its path, and ignores suites outside lessons/", func() {
		Expect(progress.Record(report(types.SpecStatePassed, types.SpecStatePassed, types.SpecStatePassed))).To(Succeed())
		Expect(load().Done()).To(BeTrue())

		elsewhere := report(types.SpecStatePassed, types.SpecStatePassed, types.SpecStatePassed)
		elsewhere.SuitePath = filepath.Join(wb.Root, "solutions", "01-sample")
		Expect(progress.Record(elsewhere)).To(Succeed())
		elsewhere.SuitePath = GinkgoT().TempDir()
		Expect(progress.Record(elsewhere)).To(Succeed())
	})

	It("records nothing when verification turns it off", func() {
		GinkgoT().Setenv(workbook.ProgressEnv, "off")
		Expect(progress.Record(report(types.SpecStatePassed, types.SpecStatePassed, types.SpecStatePassed))).To(Succeed())
		Expect(load()).To(BeNil())
	})

	It("drops an unreadable results file with a warning, and the next run rebuilds it", func() {
		Expect(os.MkdirAll(filepath.Join(wb.Root, ".workbook", "results"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(wb.Root, ".workbook", "results", "01-sample.json"), []byte("{not json"), 0o644)).To(Succeed())
		results, warnings, err := progress.Load(wb.Root)
		Expect(err).NotTo(HaveOccurred())
		Expect(results).To(BeEmpty())
		Expect(warnings).To(ConsistOf(ContainSubstring(".workbook/results/01-sample.json is unreadable")))

		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStatePassed, types.SpecStatePanicked, types.SpecStatePanicked))).To(Succeed())
		Expect(load().Passed).To(Equal(1))
	})

	It("forgets a lesson's results on reset", func() {
		Expect(progress.Save(wb, "01-sample", ".", report(types.SpecStatePassed, types.SpecStatePanicked, types.SpecStatePanicked))).To(Succeed())
		Expect(progress.Save(wb, "01-sample", "api", report(types.SpecStatePassed, types.SpecStatePanicked, types.SpecStatePanicked))).To(Succeed())
		Expect(load().Total).To(Equal(6))
		Expect(progress.Reset(wb.Root, "01-sample")).To(Succeed())
		Expect(load()).To(BeNil())
	})

	Describe("the learner's state", func() {
		It("starts empty and keeps what commands record", func() {
			s, warning := progress.LoadState(wb.Root)
			Expect(warning).To(BeEmpty())
			Expect(s.Current).To(BeEmpty())

			warning, err := progress.UpdateState(wb.Root, func(s *progress.State) {
				s.Current = "01-sample"
				s.Hints["01-sample"] = map[string]int{"1": 2, "2": 1}
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(warning).To(BeEmpty())
			s, _ = progress.LoadState(wb.Root)
			Expect(s.Current).To(Equal("01-sample"))
			Expect(s.HintsRevealed("01-sample", "1")).To(Equal(2))
			Expect(s.TotalHints("01-sample")).To(Equal(3))
		})

		It("is rebuilt, with a warning, when its file is unreadable", func() {
			Expect(os.MkdirAll(filepath.Join(wb.Root, ".workbook"), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(wb.Root, ".workbook", "state.json"), []byte("garbage"), 0o644)).To(Succeed())
			_, warning := progress.LoadState(wb.Root)
			Expect(warning).To(ContainSubstring(".workbook/state.json is unreadable"))

			warning, err := progress.UpdateState(wb.Root, func(s *progress.State) { s.Current = "01-sample" })
			Expect(err).NotTo(HaveOccurred())
			Expect(warning).To(ContainSubstring("unreadable"))
			s, warning := progress.LoadState(wb.Root)
			Expect(warning).To(BeEmpty())
			Expect(s.Current).To(Equal("01-sample"))
		})

		It("loses no update when several writers change it at once", func() {
			const writers = 20
			var wg sync.WaitGroup
			for range writers {
				wg.Go(func() {
					defer GinkgoRecover()
					_, err := progress.UpdateState(wb.Root, func(s *progress.State) {
						if s.Hints["01-sample"] == nil {
							s.Hints["01-sample"] = map[string]int{}
						}
						s.Hints["01-sample"]["1"]++
					})
					Expect(err).NotTo(HaveOccurred())
				})
			}
			wg.Wait()
			s, _ := progress.LoadState(wb.Root)
			Expect(s.HintsRevealed("01-sample", "1")).To(Equal(writers))
		})
	})

	Describe("the hook in a lesson's suite", func() {
		// The sample lesson's suite file registers hook.Progress.
		run := func(ctx SpecContext, env []string, command ...string) {
			GinkgoHelper()
			cmd := exec.CommandContext(ctx, command[0], command[1:]...)
			cmd.Dir = filepath.Join(wb.Root, "lessons")
			cmd.Env = append(os.Environ(), env...)
			out, err := cmd.CombinedOutput()
			Expect(err).To(HaveOccurred(), "the sample lesson fails as shipped:\n%s", out)
			Expect(string(out)).To(ContainSubstring("2 Failed"))
		}

		It("records the results of go test", func(ctx SpecContext) {
			run(ctx, nil, "go", "test", "./01-sample")
			l := load()
			Expect(l).NotTo(BeNil())
			Expect(l.Total).To(Equal(3))
			Expect(l.Passed).To(Equal(1))
		}, SpecTimeout(5*time.Minute))

		It("records the results of go tool ginkgo", func(ctx SpecContext) {
			run(ctx, nil, "go", "tool", "ginkgo", "./01-sample")
			Expect(load()).To(HaveField("Passed", 1))
		}, SpecTimeout(5*time.Minute))

		It("records nothing when the environment turns it off", func(ctx SpecContext) {
			run(ctx, []string{workbook.ProgressEnv + "=off"}, "go", "test", "./01-sample")
			Expect(load()).To(BeNil())
		}, SpecTimeout(5*time.Minute))
	})
})
