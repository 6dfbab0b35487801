package conformance

import (
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/opossum-go/opossum/store"
)

// subscriber consumes a subscription in a goroutine of its own and records
// what it yields.
type subscriber struct {
	mu     sync.Mutex
	events []store.StoredEvent
	err    error
	done   chan struct{}
	cancel context.CancelFunc
}

// subscribe starts consuming s.Subscribe(ctx, q, after). The subscription
// is cancelled, and its goroutine awaited, when the spec ends.
func (h *harness) subscribe(ctx context.Context, q store.Query, after store.Position) *subscriber {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(ctx)
	sub := &subscriber{done: make(chan struct{}), cancel: cancel}
	s := h.s
	go func() {
		defer GinkgoRecover()
		defer close(sub.done)
		for e, err := range s.Subscribe(ctx, q, after) {
			sub.mu.Lock()
			if err != nil {
				sub.err = err
			} else {
				sub.events = append(sub.events, e)
			}
			sub.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	DeferCleanup(func() {
		cancel()
		Eventually(sub.done).WithTimeout(waitTimeout).Should(BeClosed(), "the subscription did not end after its context was cancelled")
	})
	return sub
}

// positions returns the positions yielded so far.
func (sub *subscriber) positions() []store.Position {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return positionsOf(sub.events)
}

// error returns the error the subscription yielded, if any.
func (sub *subscriber) error() error {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.err
}

func describeSubscribe(h *harness) {
	Describe("Subscribe", func() {
		It("yields the stored events, then an event appended later, promptly", func(ctx SpecContext) {
			h.history(ctx)
			sub := h.subscribe(ctx, store.All(), 0)
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal(span(1, 8)))
			h.append(ctx, ev("Late"))
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal(span(1, 9)))
			Expect(sub.error()).NotTo(HaveOccurred())
		}, NodeTimeout(specTimeout))

		It("waits on an empty store until the first event is appended", func(ctx SpecContext) {
			sub := h.subscribe(ctx, store.All(), 0)
			Consistently(sub.positions).WithTimeout(50 * time.Millisecond).Should(BeEmpty())
			h.append(ctx, ev("First"))
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal([]store.Position{1}))
		}, NodeTimeout(specTimeout))

		It("yields only events after the given position", func(ctx SpecContext) {
			h.history(ctx)
			sub := h.subscribe(ctx, store.All(), 5)
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal(span(6, 8)))
			h.append(ctx, ev("Late"))
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal(span(6, 9)))
		}, NodeTimeout(specTimeout))

		It("yields only events matching its query, stored and new", func(ctx SpecContext) {
			h.history(ctx)
			sub := h.subscribe(ctx, store.Tagged(course1), 0)
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal([]store.Position{1, 5, 7, 8}))
			h.append(ctx, ev(capacityChanged, course2))
			h.append(ctx, ev(capacityChanged, course1))
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal([]store.Position{1, 5, 7, 8, 10}))
		}, NodeTimeout(specTimeout))

		It("yields every event of many appends exactly once, in position order", func(ctx SpecContext) {
			h.append(ctx, ev("Before"))
			sub := h.subscribe(ctx, store.All(), 0)
			for range 40 {
				h.append(ctx, ev("A"), ev("B"))
			}
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(Equal(span(1, 81)))
			Consistently(sub.positions).WithTimeout(50 * time.Millisecond).Should(HaveLen(81))
		}, NodeTimeout(specTimeout))

		It("ends without an error when its context is cancelled", func(ctx SpecContext) {
			h.history(ctx)
			sub := h.subscribe(ctx, store.All(), 0)
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(HaveLen(8))
			sub.cancel()
			Eventually(sub.done).WithTimeout(waitTimeout).Should(BeClosed())
			Expect(sub.error()).NotTo(HaveOccurred())
		}, NodeTimeout(specTimeout))

		It("ends when the caller stops iterating", func(ctx SpecContext) {
			h.history(ctx)
			done := make(chan []store.Position)
			go func() {
				defer GinkgoRecover()
				var seen []store.Position
				for e, err := range h.s.Subscribe(ctx, store.All(), 0) {
					Expect(err).NotTo(HaveOccurred())
					seen = append(seen, e.Position)
					if len(seen) == 3 {
						break
					}
				}
				done <- seen
			}()
			Eventually(done).WithTimeout(waitTimeout).Should(Receive(Equal(span(1, 3))))
		}, NodeTimeout(specTimeout))

		It("leaves no goroutine behind once its context is cancelled", func(ctx SpecContext) {
			h.history(ctx)
			before := gleak.Goroutines()
			sub := h.subscribe(ctx, store.Types(courseDefined), 0)
			Eventually(sub.positions).WithTimeout(waitTimeout).Should(HaveLen(2))
			sub.cancel()
			Eventually(sub.done).WithTimeout(waitTimeout).Should(BeClosed())
			Eventually(gleak.Goroutines).WithTimeout(waitTimeout).ShouldNot(gleak.HaveLeaked(before))
		}, NodeTimeout(specTimeout))
	})
}

func describeClose(h *harness) {
	Describe("Close", func() {
		// closed appends an event, then closes the store.
		closed := func(ctx SpecContext) {
			GinkgoHelper()
			h.append(ctx, ev("A"))
			Expect(h.s.Close()).To(Succeed())
		}

		It("makes a later Append fail with ErrClosed", func(ctx SpecContext) {
			closed(ctx)
			_, err := h.s.Append(ctx, []store.Event{ev("B")}, nil)
			Expect(err).To(MatchError(store.ErrClosed))
		})

		It("makes a later Read fail with ErrClosed", func(ctx SpecContext) {
			closed(ctx)
			events, err := store.ReadAll(ctx, h.s, store.All())
			Expect(err).To(MatchError(store.ErrClosed))
			Expect(events).To(BeEmpty())
		})

		It("makes a later ReadLast fail with ErrClosed", func(ctx SpecContext) {
			closed(ctx)
			e, err := h.s.ReadLast(ctx, store.All())
			Expect(err).To(MatchError(store.ErrClosed))
			Expect(e).To(BeNil())
		})

		It("makes a later Head fail with ErrClosed", func(ctx SpecContext) {
			closed(ctx)
			_, err := h.s.Head(ctx)
			Expect(err).To(MatchError(store.ErrClosed))
		})

		It("makes a later Subscribe fail with ErrClosed", func(ctx SpecContext) {
			closed(ctx)
			sub := h.subscribe(ctx, store.All(), 0)
			Eventually(sub.done).WithTimeout(waitTimeout).Should(BeClosed())
			Expect(sub.error()).To(MatchError(store.ErrClosed))
			Expect(sub.positions()).To(BeEmpty())
		}, NodeTimeout(specTimeout))

		It("ends a live subscription with ErrClosed", func(ctx SpecContext) {
			sub := h.subscribe(ctx, store.All(), 0)
			closed(ctx)
			Eventually(sub.done).WithTimeout(waitTimeout).Should(BeClosed())
			Expect(sub.error()).To(MatchError(store.ErrClosed))
			Expect(len(sub.positions())).To(BeNumerically("<=", 1))
		}, NodeTimeout(specTimeout))

		It("returns nil when called again", func(ctx SpecContext) {
			closed(ctx)
			Expect(h.s.Close()).To(Succeed())
		})
	})
}
