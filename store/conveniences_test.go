package store_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

type CourseOpened struct {
	CourseID string `json:"courseId"`
}

var _ = Describe("Conveniences", func() {
	DescribeTable("a Correlated store gives events without a correlation id the one their context carries",
		func(ctx SpecContext, open func() store.EventStore) {
			s := open()
			c := store.Correlated(s)
			own := store.MustEvent("A", map[string]int{})
			own.Metadata.CorrelationID = "mine"
			events := []store.Event{store.MustEvent("A", map[string]int{}), own}
			_, err := c.Append(store.WithCorrelationID(ctx, "req-42"), events, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(events[0].Metadata.CorrelationID).To(BeEmpty(), "the caller's events are not modified")
			_, err = c.Append(ctx, []store.Event{store.MustEvent("B", map[string]int{})}, nil)
			Expect(err).NotTo(HaveOccurred())

			evs, err := store.ReadAll(ctx, c, store.All())
			Expect(err).NotTo(HaveOccurred())
			Expect(evs).To(HaveLen(3))
			Expect(evs[0].Metadata.CorrelationID).To(Equal("req-42"))
			Expect(evs[1].Metadata.CorrelationID).To(Equal("mine"), "an event's own id wins")
			Expect(evs[2].Metadata.CorrelationID).To(BeEmpty(), "a context without one adds none")
			id, ok := store.CorrelationIDFrom(store.WithCorrelationID(context.Background(), "x"))
			Expect(ok).To(BeTrue())
			Expect(id).To(Equal("x"))
		},
		Entry("on the memory store", func() store.EventStore {
			s := store.NewMemory()
			DeferCleanup(s.Close)
			return s
		}),
		Entry("on the file store", func() store.EventStore {
			s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(s.Close)
			return s
		}),
	)

	It("derives an event type from a Go type's name when asked", func() {
		Expect(store.TypeName[CourseOpened]()).To(Equal("CourseOpened"))
		Expect(store.TypeName[*CourseOpened]()).To(Equal("CourseOpened"))
		e, err := store.NewEventOf(CourseOpened{CourseID: "c1"}, store.NewTag("courseId", "c1"))
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Type).To(Equal("CourseOpened"))
		Expect(string(e.Data)).To(Equal(`{"courseId":"c1"}`))
		_, err = store.NewEventOf(map[string]int{"n": 1})
		Expect(err).To(MatchError(store.ErrInvalidEvent))
	})
})
