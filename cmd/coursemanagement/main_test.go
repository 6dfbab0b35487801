package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

// start runs the command with args in dir.
func start(dir string, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait() })
	return s
}

var serving = regexp.MustCompile(`serving (http://\S+) `)

// serveOn starts "serve" on a free loopback port and returns the session
// and the base URL.
func serveOn(dir string, args ...string) (*gexec.Session, string) {
	GinkgoHelper()
	s := start(dir, append([]string{"serve", "-addr", "127.0.0.1:0", "-nosync"}, args...)...)
	Eventually(s.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`serving http://`))
	m := serving.FindSubmatch(s.Out.Contents())
	Expect(m).NotTo(BeNil())
	return s, string(m[1])
}

// getJSON reads a JSON answer, waiting for the read models to reach
// position min.
func getJSON(ctx context.Context, url string, min store.Position, into any) int {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	Expect(err).NotTo(HaveOccurred())
	if min > 0 {
		req.Header.Set(courseapp.MinPositionHeader, strconv.FormatUint(uint64(min), 10))
	}
	resp, err := client.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	if into != nil {
		Expect(json.NewDecoder(resp.Body).Decode(into)).To(Succeed())
	}
	return resp.StatusCode
}

var _ = Describe("coursemanagement", func() {
	It("prints its usage for help, and refuses an unknown command", func() {
		s := start(GinkgoT().TempDir(), "help")
		Eventually(s).Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say("coursemanagement serve"))
		s = start(GinkgoT().TempDir(), "dance")
		Eventually(s).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say(`unknown command "dance"`))
	})

	It("serves in ./data/coursemanagement by default, and stops gracefully on SIGINT", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, base := serveOn(dir)
		Expect(filepath.Join(dir, "data", "coursemanagement", "opossum.json")).To(BeAnExistingFile())

		resp, err := client.Post(base+"/students", "application/json",
			strings.NewReader(`{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated))
		Expect(getJSON(ctx, base+"/openapi.json", 0, nil)).To(Equal(http.StatusOK))

		s.Signal(os.Interrupt)
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say("shutting down"))
		Expect(s.Out).To(gbytes.Say("stopped"))

		st, err := store.Open(filepath.Join(dir, "data", "coursemanagement"), nil)
		Expect(err).NotTo(HaveOccurred(), "the store was closed: another process may open it")
		Expect(st.Head(ctx)).To(Equal(store.Position(1)))
		Expect(st.Close()).To(Succeed())
	}, SpecTimeout(time.Minute))

	It("stops gracefully on SIGTERM too", func() {
		s, _ := serveOn(GinkgoT().TempDir())
		s.Signal(syscall.SIGTERM)
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
	})

	Describe("seed --preset small", Ordered, func() {
		var dir string
		var seeded []store.StoredEvent

		BeforeAll(func(ctx SpecContext) {
			dir = filepath.Join(GinkgoT().TempDir(), "store")
			s := start(GinkgoT().TempDir(), "seed", "--preset", "small", "-data", dir)
			Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
			Expect(string(s.Err.Contents())).NotTo(ContainSubstring("[#"), "no progress bar when stderr is not a terminal")
			Expect(s.Out).To(gbytes.Say(`seeded .*: \d+ commands appended \d+ events`))
			Expect(string(s.Out.Contents())).NotTo(ContainSubstring("rejected"), "every planned command obeys the rules")

			st, err := store.Open(dir, &store.Options{})
			Expect(err).NotTo(HaveOccurred())
			defer st.Close()
			seeded, err = store.ReadAll(ctx, st, store.All())
			Expect(err).NotTo(HaveOccurred())
		}, NodeTimeout(3*time.Minute))

		It("creates the preset's entities", func() {
			count := map[string]int{}
			orders := map[string]bool{}
			for _, e := range seeded {
				count[e.Type]++
				if e.Type == coursemanagement.CourseBooksOrderedType {
					o, err := store.Decode[coursemanagement.CourseBooksOrdered](e.Event)
					Expect(err).NotTo(HaveOccurred())
					orders[o.OrderID] = true
				}
			}
			Expect(count).To(And(
				HaveKeyWithValue(coursemanagement.StudentRegisteredType, 40),
				HaveKeyWithValue(coursemanagement.CourseCreatedType, 25),
				HaveKeyWithValue(coursemanagement.CourseBookDefinedType, 25),
				HaveKeyWithValue(coursemanagement.InvoiceCreatedType, 30),
				HaveKeyWithValue(coursemanagement.CourseAnnouncementPostedType, 75),
				HaveKeyWithValue(coursemanagement.ExamTokenIssuedType, 250),
				HaveKeyWithValue(coursemanagement.CourseBookPurchasedType, 500),
			))
			Expect(orders).To(HaveLen(8))
			Expect(count[coursemanagement.StudentEnrolledToCourseType]).To(BeNumerically(">", 100))
		})

		It("never puts a course over its capacity, at any point of the log", func() {
			capacity, taken := map[string]int{}, map[string]int{}
			for _, e := range seeded {
				switch e.Type {
				case coursemanagement.CourseCreatedType:
					c := decode[coursemanagement.CourseCreated](e)
					capacity[c.CourseID] = c.MaxStudentCount
				case coursemanagement.CourseStudentLimitModifiedType:
					c := decode[coursemanagement.CourseStudentLimitModified](e)
					Expect(c.NewMaxStudentCount).To(BeNumerically(">=", taken[c.CourseID]), "position %d", e.Position)
					capacity[c.CourseID] = c.NewMaxStudentCount
				case coursemanagement.StudentEnrolledToCourseType:
					en := decode[coursemanagement.StudentEnrolledToCourse](e)
					Expect(capacity).To(HaveKey(en.CourseID), "position %d enrolls into a course not created yet", e.Position)
					taken[en.CourseID]++
					Expect(taken[en.CourseID]).To(BeNumerically("<=", capacity[en.CourseID]), "position %d", e.Position)
				}
			}
		})

		It("never puts a student over the tier's limit, and never enrolls a student twice in a course", func() {
			tier, joined, pairs := map[string]courseapp.Tier{}, map[string]int{}, map[string]bool{}
			for _, e := range seeded {
				switch e.Type {
				case coursemanagement.StudentRegisteredType:
					tier[decode[coursemanagement.StudentRegistered](e).StudentID] = courseapp.Basic
				case coursemanagement.StudentSubscriptionUpdatedType:
					u := decode[coursemanagement.StudentSubscriptionUpdated](e)
					Expect(u.EnrollmentTier.Valid()).To(BeTrue())
					tier[u.StudentID] = u.EnrollmentTier
				case coursemanagement.StudentEnrolledToCourseType:
					en := decode[coursemanagement.StudentEnrolledToCourse](e)
					Expect(tier).To(HaveKey(en.StudentID), "position %d enrolls a student not registered yet", e.Position)
					joined[en.StudentID]++
					Expect(joined[en.StudentID]).To(BeNumerically("<=", tier[en.StudentID].MaxCourses()), "position %d", e.Position)
					pair := en.CourseID + "/" + en.StudentID
					Expect(pairs).NotTo(HaveKey(pair), "position %d", e.Position)
					pairs[pair] = true
				}
			}
		})

		It("numbers the invoices 1 to N without a gap, in position order", func() {
			next := 1
			for _, e := range seeded {
				if e.Type == coursemanagement.InvoiceCreatedType {
					Expect(decode[coursemanagement.InvoiceCreated](e).InvoiceNumber).To(Equal(next), "position %d", e.Position)
					next++
				}
			}
			Expect(next - 1).To(Equal(30))
		})

		It("gives every student a unique email and stamps events in the past", func() {
			emails := map[string]bool{}
			for _, e := range seeded {
				Expect(e.Metadata.Timestamp).To(BeTemporally("<", time.Now().Add(-12*time.Hour)))
				if e.Type == coursemanagement.StudentRegisteredType {
					email := coursemanagement.NormalizeEmail(decode[coursemanagement.StudentRegistered](e).Email)
					Expect(emails).NotTo(HaveKey(email))
					emails[email] = true
				}
			}
		})

		It("refuses to seed a store that is not empty", func() {
			s := start(GinkgoT().TempDir(), "seed", "--preset", "small", "-data", dir)
			Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(1))
			Expect(s.Err).To(gbytes.Say(fmt.Sprintf("holds %d events already", len(seeded))))
		})

		It("is served: the read models are built from the seeded events", func(ctx SpecContext) {
			s, base := serveOn(GinkgoT().TempDir(), "-data", dir)
			head := seeded[len(seeded)-1].Position
			var students courseapp.Page[courseapp.StudentShortInfo]
			Expect(getJSON(ctx, base+"/students?pageSize=100", head, &students)).To(Equal(http.StatusOK))
			Expect(students.TotalCount).To(Equal(40))
			var full courseapp.Page[courseapp.CourseShortInfo]
			Expect(getJSON(ctx, base+"/courses?isFull=true", head, &full)).To(Equal(http.StatusOK))
			for _, c := range full.Items {
				Expect(c.CurrentEnrollmentCount).To(Equal(c.MaxStudentCount))
			}
			s.Signal(os.Interrupt)
			Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
		}, SpecTimeout(time.Minute))
	})
})

func decode[T any](e store.StoredEvent) T {
	GinkgoHelper()
	v, err := store.Decode[T](e.Event)
	Expect(err).NotTo(HaveOccurred())
	return v
}
