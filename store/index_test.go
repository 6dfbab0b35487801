package store_test

import (
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("the index of event ids", func() {
	It("keeps retries exact when different ids share one hash, before and after a reopen", func(ctx SpecContext) {
		DeferCleanup(store.ForceIDHash(func(store.EventID) uint32 { return 7 }))
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Close() })

		a := []store.Event{{ID: store.NewEventID(), Type: "A"}, {ID: store.NewEventID(), Type: "A"}}
		b := []store.Event{{ID: store.NewEventID(), Type: "B"}}
		Expect(s.Append(ctx, a, nil)).To(Equal(store.Position(2)))
		Expect(s.Append(ctx, b, nil)).To(Equal(store.Position(3)))

		check := func() {
			GinkgoHelper()
			By("a retry of each batch returns its own positions")
			Expect(s.Append(ctx, a, nil)).To(Equal(store.Position(2)))
			Expect(s.Append(ctx, b, nil)).To(Equal(store.Position(3)))

			By("an id of the store in a different batch is a duplicate at its own position")
			_, err := s.Append(ctx, []store.Event{{ID: a[1].ID, Type: "B"}}, nil)
			var dup *store.DuplicateEventIDError
			Expect(errors.As(err, &dup)).To(BeTrue(), "got %v", err)
			Expect(dup.ID).To(Equal(a[1].ID))
			Expect(dup.Position).To(Equal(store.Position(2)))

			By("a new id with the same hash is appended")
			head, err := s.Head(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Append(ctx, []store.Event{{ID: store.NewEventID(), Type: "C"}}, nil)).To(Equal(head + 1))
		}
		check()

		Expect(s.Close()).To(Succeed())
		s, err = store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		check()
		report, err := store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(report.Problems).To(BeEmpty())
	}, SpecTimeout(time.Minute))

	It("answers type-and-tag queries over more than 256 types, before and after a reopen", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Close() })
		tag := store.NewTag("shelf", "s-1")
		evs := make([]store.Event, 300)
		for i := range evs {
			evs[i] = store.Event{Type: fmt.Sprintf("T%d", i), Tags: []store.Tag{tag}}
		}
		Expect(s.Append(ctx, evs[:200], nil)).To(Equal(store.Position(200)))
		q := store.TypesTagged([]string{"T5", "T299"}, tag)
		check := func(want ...store.Position) {
			GinkgoHelper()
			got, err := store.ReadAll(ctx, s, q)
			Expect(err).NotTo(HaveOccurred())
			Expect(positionsOf(got)).To(Equal(want))
		}
		check(6)
		Expect(s.Append(ctx, evs[200:], nil)).To(Equal(store.Position(300)))
		check(6, 300)
		last, err := s.ReadLast(ctx, q)
		Expect(err).NotTo(HaveOccurred())
		Expect(last.Position).To(Equal(store.Position(300)))

		Expect(s.Close()).To(Succeed())
		s, err = store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		check(6, 300)
	}, SpecTimeout(time.Minute))
})
