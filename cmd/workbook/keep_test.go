package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// keepingSpecs are two failing specs that, like the lessons' suites, keep
// a store per spec when KEEP_STORES is set and name it in their report.
const keepingSpecs = `package sample_test

import (
	"context"
	"os"

	. "github.com/onsi/ginkgo/v2"

	"github.com/opossum-go/opossum/store"
)

func keptStore(events int) {
	if os.Getenv("KEEP_STORES") == "" {
		return
	}
	dir, err := os.MkdirTemp("", "opossum-lesson-sample-")
	if err != nil {
		Fail(err.Error())
	}
	s, err := store.Open(dir, nil)
	if err != nil {
		Fail(err.Error())
	}
	for range events {
		if _, err := store.AppendOne(context.Background(), s, store.MustEvent("Kept", map[string]int{}), nil); err != nil {
			Fail(err.Error())
		}
	}
	if err := s.Close(); err != nil {
		Fail(err.Error())
	}
	AddReportEntry("store folder (kept because KEEP_STORES is set)", dir)
}

var _ = Describe("Keeping stores", Ordered, func() {
	It("fails first with two events", func() {
		keptStore(2)
		Fail("first failure")
	})
	It("fails second with one event", func() {
		keptStore(1)
		Fail("second failure")
	})
})
`

var _ = Describe("workbook run -keep and workbook ui", func() {
	It("keeps the store of the first failing spec only, and ui shows it", func() {
		root := sampleWorkbook()
		solve(root)
		write(root, "lessons/01-sample/keep_test.go", keepingSpecs)

		s := workbookIn(root, "run", "-keep", "1")
		Expect(s).To(gexec.Exit(1))
		out := string(s.Out.Contents())
		m := regexp.MustCompile(`The store of the first failing spec is kept in:\n  (\S+)\n`).FindStringSubmatch(out)
		Expect(m).NotTo(BeNil(), out)
		kept := m[1]
		DeferCleanup(os.RemoveAll, kept)
		Expect(out).To(ContainSubstring("go run ./cmd/workbook ui"))
		Expect(kept).To(BeADirectory())
		others, _ := os.ReadDir(os.TempDir())
		for _, o := range others {
			if strings.HasPrefix(o.Name(), "opossum-lesson-sample-") {
				Expect(filepath.Join(os.TempDir(), o.Name())).To(Equal(kept), "the stores of the other specs are removed")
			}
		}

		ui := exec.Command(binary, "ui")
		ui.Dir = root
		session, err := gexec.Start(ui, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { session.Kill() })
		Eventually(session.Out).WithTimeout(runTimeout).Should(gbytes.Say(`Opossum Explorer on (http://\S+/)`))
		url := regexp.MustCompile(`(http://\S+/)`).FindString(string(session.Out.Contents()))
		res, err := http.Get(url + "api/store")
		Expect(err).NotTo(HaveOccurred())
		defer res.Body.Close()
		var info struct {
			Dir  string `json:"dir"`
			Head int    `json:"head"`
		}
		Expect(json.NewDecoder(res.Body).Decode(&info)).To(Succeed())
		Expect(info.Dir).To(Equal(kept))
		Expect(info.Head).To(Equal(2), "the store of the first failing spec")
		session.Interrupt()
		Eventually(session).WithTimeout(runTimeout).Should(gexec.Exit(0))
	})

	It("says how to keep a store when none was kept", func() {
		s := workbookIn(sampleWorkbook(), "ui")
		Expect(s).To(gexec.Exit(2))
		Expect(string(s.Err.Contents())).To(ContainSubstring("run a lesson with -keep first"))
	})
})
