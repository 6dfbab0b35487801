package evolving_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	ev "github.com/opossum-go/opossum/lessons/07-evolving-events"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// seatsOf runs the projection def over fs in a runner of its own, until it
// reflects every event, and returns course c-1's seats.
func seatsOf(ctx context.Context, fs *store.FileStore, def projection.Definition[ev.Seats]) ev.Seats {
	GinkgoHelper()
	r, err := projection.NewRunner(fs, &projection.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(r.Close()).To(Succeed()) }()
	m, err := projection.Register(r, def)
	Expect(err).NotTo(HaveOccurred(), "the runner refused the definition")
	Expect(r.Start()).To(Succeed())
	head, err := fs.Head(ctx)
	Expect(err).NotTo(HaveOccurred())
	// During a rebuild WaitFor answers from the old read models: wait for
	// the runner to finish whatever rebuild it decided on first.
	Eventually(func() projection.State {
		st, err := r.StatusOf(def.Name)
		Expect(err).NotTo(HaveOccurred())
		return st.State
	}).WithTimeout(30 * time.Second).Should(Or(Equal(projection.Live), Equal(projection.Failed)))
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	Expect(r.WaitFor(wait, def.Name, head)).To(Succeed(), "the projection did not reach the head")
	item, err := m.Get("c-1")
	Expect(err).NotTo(HaveOccurred())
	return item.State
}

var _ = steps.Describe("Step 5: rebuild the read model the old fold computed", func() {
	It("counts version 1's enrollments once the new projection replaces the old one", func(ctx SpecContext) {
		fs := fileStore()
		_, err := fs.Append(ctx, []store.Event{
			v1Course("c-1"), v1Enrolled("c-1", "s-bob"), v1Enrolled("c-1", "s-cy"), enrolled("c-1", "s-ada"),
		}, nil)
		Expect(err).NotTo(HaveOccurred())

		By("the old projection, whose read models are on disk, missing version 1's enrollments")
		Expect(seatsOf(ctx, fs, ev.CourseSeatsV1())).To(Equal(ev.Seats{Capacity: ev.DefaultMaxStudentCount, Taken: 1}))

		By("the new projection, on the same read models")
		Expect(seatsOf(ctx, fs, ev.CourseSeats())).To(Equal(ev.Seats{Capacity: ev.DefaultMaxStudentCount, Taken: 3}),
			"the read model on disk is up to date with the store, so the runner keeps it unless the definition says its fold changed: did you raise Version?")
	}, SpecTimeout(2*time.Minute))
})
