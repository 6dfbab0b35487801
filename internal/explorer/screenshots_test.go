package explorer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

// The pictures of docs/explorer.md and the README are taken by this spec,
// from a store seeded by the CourseManagement sample:
//
//	OPOSSUM_SCREENSHOTS=1 go test ./internal/explorer --ginkgo.focus screenshots
//
// Without OPOSSUM_SCREENSHOTS it skips.
var _ = Describe("The explorer's screenshots", Label("screenshots"), func() {
	It("are taken from a seeded CourseManagement store", func(ctx SpecContext) {
		if os.Getenv("OPOSSUM_SCREENSHOTS") == "" {
			Skip("set OPOSSUM_SCREENSHOTS=1 to take the screenshots of docs/explorer.md")
		}
		browser := startBrowser()
		dir := filepath.Join(GinkgoT().TempDir(), "coursemanagement")
		cm, err := gexec.Build("github.com/opossum-go/opossum/cmd/coursemanagement")
		Expect(err).NotTo(HaveOccurred())
		s, err := gexec.Start(exec.Command(cm, "seed", "-preset", "small", "-data", dir), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(5 * time.Minute).Should(gexec.Exit(0))

		// The sample's read models, built once, as its server would.
		app, err := courseapp.Open(dir, coursemanagement.Domain(), &courseapp.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(app.WaitForViews(ctx)).To(Succeed())
		Expect(app.Close()).To(Succeed())

		// The query of the enrolment decision for the latest enrolment:
		// the course's capacity and the student's limit.
		st, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		last, err := st.ReadLast(ctx, store.Types("StudentEnrolledToCourse"))
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Close()).To(Succeed())
		course, _ := last.TagValue("courseId")
		student, _ := last.TagValue("studentId")

		url := startUI(opossumBin, dir)
		tab := newTab(browser)
		shots := filepath.Join("..", "..", "docs", "images")
		shoot := func(name string) {
			GinkgoHelper()
			Expect(saveScreenshot(tab, filepath.Join(shots, name), false)).To(Succeed())
		}
		click := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }

		// The timeline of one course: click its tag, then open an event.
		run(tab, chromedp.EmulateViewport(1400, 860), chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#timeline tbody tr.batch-first`)),
			click(`#timeline tbody tr.batch-first .tag-chip[data-tag^="courseId:"]`),
			chromedp.WaitVisible(chromedp.CSS(`#filters .filter`)),
			chromedp.Sleep(500*time.Millisecond),
			click(`#timeline tbody tr:nth-child(3) td.pos`), chromedp.WaitVisible(chromedp.CSS(`#event-raw`)),
			chromedp.Sleep(300*time.Millisecond))
		shoot("explorer-timeline.png")

		run(tab, click(`#close-event`), click(`button[data-tab="query"]`),
			chromedp.SendKeys(chromedp.CSS(`#query-items .item-card:nth-child(1) input.types`), "CourseCreated, CourseStudentLimitModified, StudentEnrolledToCourse"),
			chromedp.SendKeys(chromedp.CSS(`#query-items .item-card:nth-child(1) input.tags`), "courseId:"+course),
			click(`#add-item`),
			chromedp.SendKeys(chromedp.CSS(`#query-items .item-card:nth-child(2) input.types`), "StudentRegistered, StudentSubscriptionUpdated, StudentEnrolledToCourse"),
			chromedp.SendKeys(chromedp.CSS(`#query-items .item-card:nth-child(2) input.tags`), "studentId:"+student),
			click(`#mode-condition`),
			chromedp.SetValue(chromedp.CSS(`#condition-after`), strconv.FormatUint(uint64(last.Position-1), 10)),
			click(`#run-query`), chromedp.WaitVisible(chromedp.CSS(`#verdict.fails`)),
			chromedp.Sleep(300*time.Millisecond))
		shoot("explorer-query.png")

		run(tab, click(`button[data-tab="models"]`), chromedp.WaitVisible(chromedp.CSS(`#projections tbody tr[data-name]`)),
			click(`#projections tbody tr[data-name="CourseDetails"]`), chromedp.WaitVisible(chromedp.CSS(`#model-keys li`)),
			click(`#model-keys li`), chromedp.WaitVisible(chromedp.CSS(`#model-json`)),
			chromedp.Sleep(300*time.Millisecond))
		shoot("explorer-read-models.png")
	}, SpecTimeout(10*time.Minute))
})
