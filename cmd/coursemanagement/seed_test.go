package main_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

var appended = regexp.MustCompile(`appended (\d+) events`)

// seedRun seeds the store in dir with args and returns the events it
// reports it appended.
func seedRun(dir string, args ...string) int {
	GinkgoHelper()
	s := start(GinkgoT().TempDir(), append([]string{"seed", "--preset", "small", "-data", dir}, args...)...)
	Eventually(s).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
	Expect(string(s.Out.Contents())).NotTo(ContainSubstring("rejected"))
	m := appended.FindSubmatch(s.Out.Contents())
	Expect(m).NotTo(BeNil())
	n, err := strconv.Atoi(string(m[1]))
	Expect(err).NotTo(HaveOccurred())
	return n
}

func readSeeded(ctx context.Context, dir string) []store.StoredEvent {
	GinkgoHelper()
	st, err := store.Open(dir, &store.Options{ReadOnly: true})
	Expect(err).NotTo(HaveOccurred())
	defer st.Close()
	evs, err := store.ReadAll(ctx, st, store.All())
	Expect(err).NotTo(HaveOccurred())
	return evs
}

var _ = Describe("seed on a store that holds events", func() {
	var dir string
	BeforeEach(func() { dir = filepath.Join(GinkgoT().TempDir(), "data") })

	It("adds the preset's data with -add, every rule holding across the old and the new data", func(ctx SpecContext) {
		first := seedRun(dir)
		second := seedRun(dir, "-add", "-seed", "7")
		evs := readSeeded(ctx, dir)
		Expect(evs).To(HaveLen(first + second))

		emails := map[string]bool{}
		invoice := 1
		for _, e := range evs {
			switch e.Type {
			case coursemanagement.StudentRegisteredType:
				email := coursemanagement.NormalizeEmail(decode[coursemanagement.StudentRegistered](e).Email)
				Expect(emails).NotTo(HaveKey(email))
				emails[email] = true
			case coursemanagement.InvoiceCreatedType:
				Expect(decode[coursemanagement.InvoiceCreated](e).InvoiceNumber).To(Equal(invoice), "position %d", e.Position)
				invoice++
			}
			Expect(e.Metadata.Timestamp).To(BeTemporally("<", time.Now()))
		}
		Expect(emails).To(HaveLen(80))
		Expect(invoice - 1).To(Equal(60))
		Expect(evs[first].Metadata.Timestamp).To(BeTemporally(">", evs[first-1].Metadata.Timestamp), "the added data comes after")
	})

	It("deletes the store first with -reset", func(ctx SpecContext) {
		seedRun(dir)
		n := seedRun(dir, "-reset", "-seed", "3")
		Expect(readSeeded(ctx, dir)).To(HaveLen(n))
	})

	It("refuses -reset on a folder that is not a store, and keeps it", func() {
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)).To(Succeed())
		s := start(GinkgoT().TempDir(), "seed", "-reset", "-data", dir)
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(1))
		Expect(s.Err).To(gbytes.Say("not a store"))
		Expect(filepath.Join(dir, "notes.txt")).To(BeAnExistingFile())
	})

	It("offers the reference's presets up to its large ones, and refuses -reset with -add, as usage errors", func() {
		s := start(GinkgoT().TempDir(), "seed", "-preset", "huge")
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say("use small, medium, large or prod"))
		s = start(GinkgoT().TempDir(), "seed", "-reset", "-add")
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say("exclude each other"))
	})
})
