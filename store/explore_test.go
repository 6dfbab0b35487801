package store_test

import (
	"errors"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("Looking into a store by its index and its files", func() {
	var (
		dir string
		s   *store.FileStore
	)
	a, b := store.NewTag("k", "a"), store.NewTag("k", "b")

	BeforeEach(func(ctx SpecContext) {
		dir = GinkgoT().TempDir()
		var err error
		s, err = store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		for i := range 4 {
			tag := a
			if i%2 == 1 {
				tag = b
			}
			_, err := s.Append(ctx, []store.Event{
				store.MustEvent("First", map[string]int{"i": i}, tag),
				store.MustEvent("Second", map[string]int{"i": i}, tag),
			}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
	})

	positionsOf := func(ctx SpecContext, q store.Query, opts ...store.ReadOption) []store.Position {
		GinkgoHelper()
		var ps []store.Position
		for p, err := range s.Positions(ctx, q, opts...) {
			Expect(err).NotTo(HaveOccurred())
			ps = append(ps, p)
		}
		return ps
	}

	DescribeTable("Positions yields what Read would, with the same options",
		func(ctx SpecContext, q store.Query, opts ...store.ReadOption) {
			var want []store.Position
			evs, err := store.ReadAll(ctx, s, q, opts...)
			Expect(err).NotTo(HaveOccurred())
			for _, e := range evs {
				want = append(want, e.Position)
			}
			Expect(positionsOf(ctx, q, opts...)).To(Equal(want))
		},
		Entry("all events", store.All()),
		Entry("all events after a position, at most three", store.All(), store.After(2), store.Limit(3)),
		Entry("all events backwards", store.All(), store.Backwards(), store.Limit(5)),
		Entry("a tag", store.Tagged(a)),
		Entry("a type and a tag, backwards after a position", store.TypesTagged([]string{"Second"}, b), store.After(3), store.Backwards()),
		Entry("two items", store.Items(store.QueryItem{Types: []string{"First"}}, store.QueryItem{Tags: []store.Tag{b}})),
	)

	It("Positions reads no event file", func(ctx SpecContext) {
		Expect(os.WriteFile(eventPath(dir, 3), []byte("damaged"), 0o644)).To(Succeed())
		Expect(positionsOf(ctx, store.Tagged(b))).To(Equal([]store.Position{3, 4, 7, 8}))
		_, err := store.ReadAll(ctx, s, store.Tagged(b))
		Expect(err).To(MatchError(store.ErrCorrupt), "Read does read it")
	})

	It("Positions yields an invalid query or option as an error", func(ctx SpecContext) {
		for _, err := range s.Positions(ctx, store.Items(store.QueryItem{})) {
			Expect(err).To(MatchError(store.ErrInvalidQuery))
		}
		for _, err := range s.Positions(ctx, store.All(), store.Limit(-1)) {
			Expect(err).To(MatchError(store.ErrInvalidOption))
		}
	})

	It("ReadEventFile returns the file as stored, its event and its batch", func(ctx SpecContext) {
		f, err := s.ReadEventFile(ctx, 4)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Path).To(Equal(eventPath(dir, 4)))
		onDisk, err := os.ReadFile(f.Path)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Raw).To(Equal(onDisk))
		Expect(f.Event.Position).To(Equal(store.Position(4)))
		Expect(f.Event.Type).To(Equal("Second"))
		Expect([]store.Position{f.BatchFirst, f.BatchLast}).To(Equal([]store.Position{3, 4}))
	})

	It("ReadEventFile returns a damaged file's content with a *CorruptionError", func(ctx SpecContext) {
		Expect(os.WriteFile(eventPath(dir, 5), []byte("damaged"), 0o644)).To(Succeed())
		f, err := s.ReadEventFile(ctx, 5)
		var ce *store.CorruptionError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Position).To(Equal(store.Position(5)))
		Expect(string(f.Raw)).To(Equal("damaged"))
		Expect(f.Path).To(Equal(eventPath(dir, 5)))
	})

	It("ReadEventFile refuses a position outside the committed ones", func(ctx SpecContext) {
		_, err := s.ReadEventFile(ctx, 0)
		Expect(err).To(MatchError(store.ErrInvalidOption))
		_, err = s.ReadEventFile(ctx, 9)
		Expect(err).To(MatchError(ContainSubstring("the head is 8")))
	})
})
