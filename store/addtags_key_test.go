package store_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// The rule for a tag whose key the event already has, chosen against
// Opossum's (which skips such a tag): docs/coming-from-opossum.md says why.
var _ = Describe("AddTags with a key the event already has", func() {
	It("adds the new value as a further tag with that key, so queries find the event by either value", func(ctx SpecContext) {
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{store.MustEvent("StudentEnrolled", map[string]string{}, store.NewTag("courseId", "c-1"))}, nil)
		Expect(err).NotTo(HaveOccurred())

		res, err := s.AddTags(ctx, "StudentEnrolled", func(store.StoredEvent) []store.Tag {
			return []store.Tag{store.NewTag("courseId", "C-1")}
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.TagsAdded).To(Equal(1))

		evs, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(evs[0].Tags).To(Equal([]store.Tag{store.NewTag("courseId", "c-1"), store.NewTag("courseId", "C-1")}))
		v, _ := evs[0].TagValue("courseId")
		Expect(v).To(Equal("c-1"), "TagValue keeps returning the first")
		for _, t := range evs[0].Tags {
			found, err := store.ReadAll(ctx, s, store.Tagged(t))
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(HaveLen(1), "found by %s", t)
		}
	})
})
