package explorer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// browserPath finds Chromium. Outside CI a missing browser skips the
// browser specs; under CI=true it fails them.
func browserPath() string {
	GinkgoHelper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "the browser specs need Chromium: install it with `sudo apt-get install chromium` (Debian, Ubuntu) and run them again"
	if os.Getenv("CI") == "true" {
		Fail(msg)
	}
	// Ginkgo does not print why a spec skipped; say it once on stderr,
	// which go test -v and ginkgo show.
	sayOnce.Do(func() { fmt.Fprintln(os.Stderr, "internal/explorer: skipping "+msg) })
	Skip(msg)
	return ""
}

var sayOnce sync.Once

// startBrowser starts a headless Chromium with a fresh profile and returns
// its context; the browser stops at the end of the container.
func startBrowser() context.Context {
	GinkgoHelper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(GinkgoT().TempDir()),
		chromedp.WindowSize(1400, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	DeferCleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	DeferCleanup(cancelBrowser)
	Expect(chromedp.Do(browser)).To(Succeed(), "start Chromium")
	return browser
}

// explorerURL matches the line `opossum ui` prints when it serves.
var explorerURL = regexp.MustCompile(`Opossum Explorer on (http://\S+/)`)

// startUI runs `opossum ui DIR` as a child process and returns its URL.
// It runs in the folder that holds the store and names it by its base
// name, as a user in a shell would.
func startUI(bin, dir string) string {
	GinkgoHelper()
	cmd := exec.Command(bin, "ui", filepath.Base(dir))
	cmd.Dir = filepath.Dir(dir)
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		s.Interrupt()
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
	})
	Eventually(s.Out).WithTimeout(actionTimeout).Should(gbytes.Say(`Opossum Explorer on http://`))
	m := explorerURL.FindSubmatch(s.Out.Contents())
	Expect(m).NotTo(BeNil())
	return string(m[1])
}

// saveScreenshot writes a screenshot of tab to path: of the whole page,
// or of the window only.
func saveScreenshot(tab context.Context, path string, whole bool) error {
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	shot := chromedp.CaptureScreenshot()
	if whole {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// failureShots is where the browser specs save a screenshot when they fail.
var failureShots = filepath.Join(os.TempDir(), "opossum-explorer-failures")

// newTab opens a tab that saves a screenshot if the spec fails.
func newTab(browser context.Context) context.Context {
	GinkgoHelper()
	tab, cancel := chromedp.NewContext(browser)
	DeferCleanup(cancel)
	// The first action opens the tab, which lives as long as the context
	// of that action: it must not be one with a time limit.
	Expect(chromedp.Do(tab)).To(Succeed(), "open a tab")
	DeferCleanup(func() {
		if !CurrentSpecReport().Failed() {
			return
		}
		name := regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(CurrentSpecReport().LeafNodeText, "-")
		path := filepath.Join(failureShots, name+".png")
		if err := saveScreenshot(tab, path, true); err != nil {
			fmt.Fprintf(GinkgoWriter, "no screenshot of the failure: %v\n", err)
			return
		}
		AddReportEntry("screenshot of the failure", path)
	})
	return tab
}

// actionTimeout bounds one step of a browser spec: generous, because a
// loaded machine slows Chromium down; a passing spec takes a fraction of it.
const actionTimeout = time.Minute

// run runs browser actions with a time limit.
func run(tab context.Context, actions ...chromedp.Action[chromedp.Void]) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(tab, actionTimeout)
	defer cancel()
	Expect(chromedp.Do(ctx, actions...)).To(Succeed())
}

// value runs a browser action that returns a value, with a time limit.
func value[T any](tab context.Context, action chromedp.Action[T]) T {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(tab, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	Expect(err).NotTo(HaveOccurred())
	return v
}

// text returns the visible text of the first element matching a CSS selector.
func text(tab context.Context, sel string) string {
	GinkgoHelper()
	return value(tab, chromedp.Text(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression that returns a string.
func eval(tab context.Context, expr string) string {
	GinkgoHelper()
	return value(tab, chromedp.Evaluate[string](expr))
}

// rowsOf is a JavaScript expression: the positions of the rows of a table.
func rowsOf(table string) string {
	return fmt.Sprintf(`JSON.stringify([...document.querySelectorAll(%q)].map(tr => Number(tr.dataset.position)))`, table+" tbody tr[data-position]")
}

// positionsShown returns the positions a table shows.
func positionsShown(tab context.Context, table string) []int {
	GinkgoHelper()
	var ps []int
	Expect(json.Unmarshal([]byte(eval(tab, rowsOf(table))), &ps)).To(Succeed())
	return ps
}

// showsPositions waits until a table shows exactly ps, in order.
func showsPositions(tab context.Context, table string, ps ...int) {
	GinkgoHelper()
	want, _ := json.Marshal(ps)
	ctx, cancel := context.WithTimeout(tab, actionTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf("%s === %q", rowsOf(table), want), chromedp.WithPollingTimeout(actionTimeout)))
	if err != nil {
		Expect(positionsShown(tab, table)).To(Equal(ps), "the rows of %s", table)
	}
}

var _ = Describe("The explorer in a browser", Ordered, func() {
	var browser context.Context

	BeforeAll(func() {
		browser = startBrowser()
	})

	var dir, url string
	var tab context.Context

	BeforeEach(func(ctx SpecContext) {
		dir = seed(ctx)
		url = startUI(opossumBin, dir)
		tab = newTab(browser)
	})

	open := func() {
		GinkgoHelper()
		run(tab, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#timeline tbody tr[data-position="12"]`)))
	}
	click := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(sel)) }
	typeInto := func(sel, s string) chromedp.Action[chromedp.Void] { return chromedp.SendKeys(chromedp.CSS(sel), s) }
	// marked lists the positions of the rows of a table that match a selector.
	marked := func(rows string) string {
		GinkgoHelper()
		return eval(tab, fmt.Sprintf(`JSON.stringify([...document.querySelectorAll(%q)].map(tr => Number(tr.dataset.position)))`, rows))
	}

	It("opens the timeline newest first, with the events of one batch grouped", func() {
		open()
		showsPositions(tab, "#timeline", 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
		Expect(marked("#timeline tr.in-batch")).To(Equal("[3,2]"))
		Expect(marked("#timeline tr.batch-first")).To(Equal("[3]"))
	})

	It("filters the timeline by a tag when its chip is clicked", func() {
		open()
		run(tab, click(`#timeline tr[data-position="5"] .tag-chip[data-tag="studentId:s-1"]`))
		showsPositions(tab, "#timeline", 5, 3, 2)
		filters := text(tab, "#filters")
		Expect(filters).To(ContainSubstring("tag studentId:s-1"))
		Expect(filters).To(ContainSubstring("--tag studentId:s-1"), "the page shows the same filter as opossum's flags")
	})

	It("opens an event as stored, and follows its correlation", func() {
		open()
		run(tab, click(`#timeline tr[data-position="3"] td.pos`), visible(`#filter-correlation`))
		onDisk, err := os.ReadFile(eventFile(dir, 3))
		Expect(err).NotTo(HaveOccurred())
		Expect(value(tab, chromedp.TextContent(chromedp.CSS(`#event-raw`)))).To(Equal(string(onDisk)))
		run(tab, click(`#filter-correlation`))
		showsPositions(tab, "#timeline", 3, 2)
	})

	It("marks which item of a two-item query matched each event", func() {
		open()
		run(tab,
			click(`button[data-tab="query"]`),
			typeInto(`#query-items .item-card:nth-child(1) input.types`, "CourseDefined"),
			click(`#add-item`),
			typeInto(`#query-items .item-card:nth-child(2) input.tags`, "courseId:c-1"),
			click(`#run-query`),
		)
		showsPositions(tab, "#results", 4, 3, 1)
		Expect(eval(tab, `JSON.stringify([...document.querySelectorAll("#results tbody tr")].map(tr =>
			[...tr.querySelectorAll(".matched-badge")].map(b => Number(b.dataset.item))))`)).To(Equal("[[0],[1],[0,1]]"))
		Expect(text(tab, "#query-go")).To(ContainSubstring(`store.QueryItem{Tags: []store.Tag{store.NewTag("courseId", "c-1")}}`))
	})

	It("says why a query is invalid", func() {
		open()
		run(tab, click(`button[data-tab="query"]`), click(`#run-query`), visible(`#query-error`))
		Expect(text(tab, "#query-error")).To(ContainSubstring("item 0 has neither types nor tags"))
	})

	It("shows that an append condition fails, and which events make it fail", func() {
		open()
		run(tab,
			click(`button[data-tab="query"]`),
			typeInto(`#query-items .item-card:nth-child(1) input.tags`, "studentId:s-1"),
			click(`#mode-condition`),
			chromedp.SetValue(chromedp.CSS(`#condition-after`), "3"),
			click(`#run-query`),
			visible(`#verdict.fails`),
		)
		Expect(text(tab, "#verdict")).To(ContainSubstring("would fail"))
		showsPositions(tab, "#results", 5, 3, 2)
		Expect(marked("#results tr.conflict")).To(Equal("[5]"))
	})

	It("shows an event appended by another process, without a reload", func() {
		open()
		w, err := gexec.Start(exec.Command(writerBin, "-n", "1", "-nosync", dir), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(w).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		run(tab, visible(`#timeline tr[data-position="13"]`))
		Expect(text(tab, `#timeline tr[data-position="13"] .type-badge`)).To(Equal("Written"))
		Expect(text(tab, "#head")).To(Equal("13"))
	})

	It("lists the read models with their lag, and shows one by key", func(ctx SpecContext) {
		buildCourses(ctx, dir)
		open()
		run(tab, click(`button[data-tab="models"]`), visible(`#projections tr[data-name="courses"]`))
		Expect(text(tab, `#projections tr[data-name="courses"] td:nth-child(6)`)).To(Equal("0"))
		run(tab, click(`#projections tr[data-name="courses"]`), visible(`#model-keys li`),
			chromedp.Click(chromedp.CSS(`#model-keys li:first-child`)), visible(`#model-json`))
		run(tab, chromedp.Poll[chromedp.Void](`document.querySelector("#model-json").textContent.includes('"students": 1')`, chromedp.WithPollingTimeout(actionTimeout)))
	})

	It("shows a damaged event file as damaged and the rest as usual", func() {
		Expect(os.WriteFile(eventFile(dir, 4), []byte("{not json"), 0o644)).To(Succeed())
		open()
		run(tab, visible(`#timeline tr.damaged[data-position="4"]`))
		Expect(text(tab, `#timeline tr[data-position="4"]`)).To(ContainSubstring("corrupt event file"))
		Expect(positionsShown(tab, "#timeline")).To(HaveLen(seededHead))
		run(tab, click(`#timeline tr[data-position="4"] td.pos`), visible(`#event-damaged`))
		Expect(strings.TrimSpace(value(tab, chromedp.TextContent(chromedp.CSS(`#event-raw`))))).To(Equal("{not json"))
	})
})
