package main_test

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("opossum on a PostgreSQL store", func() {
	var url string
	var s store.EventStore

	BeforeEach(func(ctx SpecContext) {
		st := pgtest.OpenStore(ctx, nil)
		s = st
		url = pgtest.Shared().URL("") + "&schema=" + st.Schema()
		_, err := s.Append(ctx, []store.Event{
			store.MustEvent("CourseCreated", map[string]any{"title": "Go"}, store.NewTag("courseId", "c-1")),
			store.MustEvent("CourseCreated", map[string]any{"title": "Rust"}, store.NewTag("courseId", "c-2")),
			store.MustEvent("StudentEnrolled", struct{}{}, store.NewTag("courseId", "c-1"), store.NewTag("studentId", "s-1")),
		}, nil)
		Expect(err).NotTo(HaveOccurred())
	})

	It("lists its events with ls, filtered by type and tag", func() {
		out := opossum("ls", url, "--tag", "courseId:c-1", "--json")
		Expect(out).To(gexec.Exit(0))
		Expect(positions(jsonLines(out.Out.Contents()))).To(Equal([]int{1, 3}))
	})

	It("shows one event, without a file", func() {
		out := opossum("show", url, "2")
		Expect(out).To(gexec.Exit(0))
		Expect(out.Out).To(gbytes.Say(`type\s+CourseCreated`))
		Expect(string(out.Out.Contents())).To(ContainSubstring(`"title": "Rust"`))
		Expect(string(out.Out.Contents())).NotTo(ContainSubstring("file"))
	})

	It("runs a DCB query and ReadLast with query --last", func() {
		out := opossum("query", url, "(CourseCreated)[courseId:c-1] OR [studentId:s-1]", "--json")
		Expect(out).To(gexec.Exit(0))
		Expect(positions(jsonLines(out.Out.Contents()))).To(Equal([]int{1, 3}))
		out = opossum("query", url, "--type", "CourseCreated", "--last", "--json")
		Expect(out).To(gexec.Exit(0))
		Expect(string(out.Out.Contents())).To(ContainSubstring(`"position":2`))
	})

	It("counts events by type and tag with stats", func() {
		out := opossum("stats", url, "--values")
		Expect(out).To(gexec.Exit(0))
		Expect(out.Out).To(gbytes.Say(`head\s+3`))
		Expect(out.Out).To(gbytes.Say(`CourseCreated\s+2`))
		Expect(out.Out).To(gbytes.Say(`courseId\s+3 events, 2 values`))
	})

	It("follows new events with tail -f", func(ctx SpecContext) {
		cmd, err := gexec.Start(exec.Command(opossumBin, "tail", url, "-f", "-n", "1"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(cmd.Kill)
		Eventually(cmd.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`StudentEnrolled`))
		_, err = s.Append(context.Background(), []store.Event{store.MustEvent("CourseCancelled", struct{}{}, store.NewTag("courseId", "c-2"))}, nil)
		Expect(err).NotTo(HaveOccurred())
		Eventually(cmd.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`CourseCancelled`))
		cmd.Interrupt()
		Eventually(cmd).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
	}, SpecTimeout(time.Minute))

	It("says a schema holds no store as it says of a folder, exit code 5", func() {
		out := opossum("ls", pgtest.Shared().URL("")+"&schema=nothing_here")
		Expect(out).To(gexec.Exit(5))
		Expect(string(out.Err.Contents())).To(ContainSubstring("schema nothing_here"))
	})

	It("names what is wrong with a connection string, not its password", func() {
		out := opossum("ls", fmt.Sprintf("postgres://postgres:hunter2@127.0.0.1:%d/nosuchdb", pgtest.Shared().Port()))
		Expect(out).To(gexec.Exit(1))
		Expect(string(out.Err.Contents())).To(ContainSubstring(`"nosuchdb"`))
		Expect(string(out.Err.Contents())).NotTo(ContainSubstring("hunter2"))
	})
})
