package decision_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// seen is a projection that records the positions its fold was given.
func seen(q store.Query) decision.Projection[[]store.Position] {
	return decision.Projection[[]store.Position]{
		Query: q,
		Apply: func(ps []store.Position, e store.StoredEvent) ([]store.Position, error) {
			return append(ps, e.Position), nil
		},
	}
}

func ev(typ string, tags ...store.Tag) store.Event { return store.Event{Type: typ, Tags: tags} }

var x, y = store.NewTag("k", "x"), store.NewTag("k", "y")

var _ = Describe("Building decision models", func() {
	var ctx = context.Background()

	for _, f := range factories {
		Context("on the "+f.name, func() {
			var s store.EventStore
			BeforeEach(func() { s = f.open() })

			DescribeTable("two projections composed into one read",
				func(history []store.Event, qa, qb store.Query, wantA, wantB []store.Position, wantAll bool, wantAfter store.Position) {
					given(s, history...)
					m, err := decision.Build2(ctx, s, seen(qa), seen(qb))
					Expect(err).NotTo(HaveOccurred())
					Expect(m.First).To(Equal(wantA), "positions folded by the first projection")
					Expect(m.Second).To(Equal(wantB), "positions folded by the second projection")
					Expect(m.Condition).NotTo(BeNil())
					Expect(m.Condition.FailIfEventsMatch).To(Equal(store.Union(qa, qb)), "the guard is the union query")
					Expect(m.Condition.FailIfEventsMatch.IsAll()).To(Equal(wantAll))
					if wantAfter == 0 {
						Expect(m.Condition.After).To(BeZero(), "nothing was read, so there is no After")
					} else {
						Expect(m.Condition.After).To(Equal(wantAfter), "After is the highest position read")
					}
				},
				Entry("each fold sees only the events its own query matches, in position order",
					[]store.Event{ev("A", x), ev("B", y), ev("A", y), ev("B", x)},
					store.Types("A"), store.Tagged(y),
					[]store.Position{1, 3}, []store.Position{2, 3}, false, store.Position(3)),
				Entry("an event both queries match is folded into both",
					[]store.Event{ev("A", x, y)},
					store.Types("A"), store.Tagged(y),
					[]store.Position{1}, []store.Position{1}, false, store.Position(1)),
				Entry("an event neither query matches is not read and does not move After",
					[]store.Event{ev("A"), ev("C"), ev("C")},
					store.Types("A"), store.Types("B"),
					[]store.Position{1}, []store.Position(nil), false, store.Position(1)),
				Entry("nothing read leaves the states initial and After nil",
					[]store.Event{ev("C", x)},
					store.Types("A"), store.Types("B"),
					[]store.Position(nil), []store.Position(nil), false, store.Position(0)),
				Entry("an empty store leaves After nil",
					[]store.Event(nil),
					store.Types("A"), store.Tagged(x),
					[]store.Position(nil), []store.Position(nil), false, store.Position(0)),
				Entry("all events in one part makes the union all events",
					[]store.Event{ev("A"), ev("B"), ev("C")},
					store.All(), store.Types("B"),
					[]store.Position{1, 2, 3}, []store.Position{2}, true, store.Position(3)),
				Entry("all events in the second part makes the union all events too",
					[]store.Event{ev("A"), ev("C")},
					store.Types("A"), store.All(),
					[]store.Position{1}, []store.Position{1, 2}, true, store.Position(2)),
			)

			It("builds one projection with its own query as the guard", func() {
				given(s, ev("A"), ev("B"), ev("A"))
				m, err := decision.Build(ctx, s, seen(store.Types("A")))
				Expect(err).NotTo(HaveOccurred())
				Expect(m.State).To(Equal([]store.Position{1, 3}))
				Expect(m.Condition).To(Equal(store.Guard(store.Types("A"), 3)))
			})

			It("composes three projections of distinct state types", func() {
				given(s, defineCourse("c-1", 3), enrolment("c-1", "s-1"), enrolment("c-2", "s-1"), ev("Other"))
				m, err := decision.Build3(ctx, s, seats("c-1"), courses("s-1"), seen(store.Types(courseDefined)))
				Expect(err).NotTo(HaveOccurred())
				Expect(m.First).To(Equal(seatState{Capacity: 3, Taken: 1}))
				Expect(m.Second).To(Equal(2))
				Expect(m.Third).To(Equal([]store.Position{1}))
				Expect(m.Condition.After).To(Equal(store.Position(3)))
			})

			It("composes N projections of one type and returns their states in input order", func() {
				given(s, defineCourse("c-2", 5), defineCourse("c-1", 2), enrolment("c-2", "s-1"))
				m, err := decision.BuildAll(ctx, s, []decision.Projection[seatState]{seats("c-1"), seats("c-2"), seats("c-3")})
				Expect(err).NotTo(HaveOccurred())
				Expect(m.States).To(Equal([]seatState{{2, 0}, {5, 1}, {0, 0}}))
				Expect(m.Condition.After).To(Equal(store.Position(3)))
			})

			It("rejects an empty list of projections", func() {
				_, err := decision.BuildAll(ctx, s, []decision.Projection[int](nil))
				Expect(err).To(MatchError(decision.ErrNoProjections))
			})

			It("rejects a part with an invalid query even when the union would be valid", func() {
				bad := seen(store.Query{})
				_, err := decision.Build2(ctx, s, seen(store.Types("A")), bad)
				Expect(err).To(MatchError(decision.ErrInvalidProjection))
				Expect(err).To(MatchError(store.ErrInvalidQuery))
				Expect(err).To(MatchError(ContainSubstring("projection 1")))
			})

			It("rejects a projection with no fold or with two folds", func() {
				_, err := decision.Build(ctx, s, decision.Projection[int]{Query: store.Types("A")})
				Expect(err).To(MatchError(decision.ErrInvalidProjection))
				p := courses("s-1")
				p.ApplyAt = func(n int, _ store.StoredEvent, _ time.Time) (int, error) { return n, nil }
				_, err = decision.Build(ctx, s, p)
				Expect(err).To(MatchError(decision.ErrInvalidProjection))
			})

			It("stops at a fold error and names the event", func() {
				broken := errors.New("cannot decode")
				given(s, ev("A"), ev("A"))
				p := decision.Projection[int]{Query: store.Types("A"), Apply: func(n int, e store.StoredEvent) (int, error) {
					if e.Position == 2 {
						return n, broken
					}
					return n + 1, nil
				}}
				m, err := decision.Build(ctx, s, p)
				Expect(err).To(MatchError(broken))
				Expect(err).To(MatchError(ContainSubstring("event 2 (A)")))
				Expect(m.Condition).To(BeNil(), "no condition for a state that skipped an event")
			})

			It("passes a cancelled context's error through", func() {
				given(s, ev("A"))
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				_, err := decision.Build(cctx, s, seen(store.Types("A")))
				Expect(err).To(MatchError(context.Canceled))
			})

			It("passes a cancelled context's error through on an empty store too", func() {
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				m, err := decision.Build(cctx, s, seen(store.Types("A")))
				Expect(err).To(MatchError(context.Canceled))
				Expect(m.Condition).To(BeNil(), "no condition from a read that did not happen")
			})

			Describe("time-aware folds", func() {
				type retention struct{ Reserved bool }
				reserved := func(mail string) decision.Projection[retention] {
					return decision.Projection[retention]{
						Query: store.Tagged(email(mail)),
						ApplyAt: func(r retention, e store.StoredEvent, now time.Time) (retention, error) {
							// A released email stays reserved for 30 days.
							r.Reserved = e.Type == studentRegistered || now.Sub(e.Metadata.Timestamp) < 30*24*time.Hour
							return r, nil
						},
					}
				}
				released := func(mail string, at time.Time) store.Event {
					return store.Event{Type: "EmailReleased", Tags: []store.Tag{email(mail)}, Metadata: store.Metadata{Timestamp: at}}
				}
				t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

				It("see the injected clock", func() {
					given(s, registration("s-1", "a@x"), released("a@x", t0))
					m, err := decision.Build(ctx, s, reserved("a@x"), decision.WithClock(func() time.Time { return t0.Add(29 * 24 * time.Hour) }))
					Expect(err).NotTo(HaveOccurred())
					Expect(m.State.Reserved).To(BeTrue())
					m, err = decision.Build(ctx, s, reserved("a@x"), decision.WithClock(func() time.Time { return t0.Add(31 * 24 * time.Hour) }))
					Expect(err).NotTo(HaveOccurred())
					Expect(m.State.Reserved).To(BeFalse())
				})

				It("read the clock once per build, so every fold agrees on the time", func() {
					given(s, registration("s-1", "a@x"), released("a@x", t0), registration("s-2", "b@x"))
					calls := 0
					clock := func() time.Time { calls++; return t0.Add(time.Duration(calls) * time.Hour) }
					var nows []time.Time
					spy := func(mail string) decision.Projection[int] {
						return decision.Projection[int]{Query: store.Tagged(email(mail)), ApplyAt: func(n int, _ store.StoredEvent, now time.Time) (int, error) {
							nows = append(nows, now)
							return n + 1, nil
						}}
					}
					_, err := decision.Build2(ctx, s, spy("a@x"), spy("b@x"), decision.WithClock(clock))
					Expect(err).NotTo(HaveOccurred())
					Expect(calls).To(Equal(1))
					Expect(nows).To(HaveLen(3))
					Expect(nows).To(HaveEach(Equal(t0.Add(time.Hour))))
				})

				It("use the real time without a clock option", func() {
					given(s, released("a@x", time.Now().Add(-time.Hour)))
					m, err := decision.Build(ctx, s, reserved("a@x"))
					Expect(err).NotTo(HaveOccurred())
					Expect(m.State.Reserved).To(BeTrue())
				})
			})

			Describe("the model's condition", func() {
				It("rejects a stale decision: a concurrent write to the same boundary conflicts", func() {
					given(s, defineCourse("c-1", 10))
					m, err := decision.Build(ctx, s, seats("c-1"))
					Expect(err).NotTo(HaveOccurred())

					By("another writer enrols into the same course after the read")
					given(s, enrolment("c-1", "s-2"))

					_, err = s.Append(ctx, m.Append(enrolment("c-1", "s-1")).Events, m.Condition)
					Expect(err).To(MatchError(store.ErrAppendConditionFailed))
					var ce *store.ConditionError
					Expect(errors.As(err, &ce)).To(BeTrue())
					Expect(ce.Conflict).To(Equal(store.Position(2)))
				})

				It("does not conflict with an unrelated write", func() {
					given(s, defineCourse("c-1", 10), defineCourse("c-2", 10))
					m, err := decision.Build2(ctx, s, seats("c-1"), courses("s-1"))
					Expect(err).NotTo(HaveOccurred())

					By("another writer enrols another student into another course")
					given(s, enrolment("c-2", "s-2"), registration("s-3", "c@x"))

					d := m.Append(enrolment("c-1", "s-1"))
					_, err = s.Append(ctx, d.Events, d.Condition)
					Expect(err).NotTo(HaveOccurred())
				})

				It("spans both entities: a write to the student's side invalidates the course decision", func() {
					given(s, defineCourse("c-1", 10), defineCourse("c-2", 10))
					m, err := decision.Build2(ctx, s, seats("c-1"), courses("s-1"))
					Expect(err).NotTo(HaveOccurred())

					By("the same student joins another course after the read")
					given(s, enrolment("c-2", "s-1"))

					d := m.Append(enrolment("c-1", "s-1"))
					_, err = s.Append(ctx, d.Events, d.Condition)
					Expect(err).To(MatchError(store.ErrAppendConditionFailed))
				})

				It("has no After when nothing was read, so any matching event conflicts", func() {
					m, err := decision.Build(ctx, s, seen(store.Tagged(email("a@x"))))
					Expect(err).NotTo(HaveOccurred())
					Expect(m.Condition.After).To(BeZero())
					given(s, ev("Anything", email("a@x")))
					_, err = s.Append(ctx, []store.Event{registration("s-1", "a@x")}, m.Condition)
					Expect(err).To(MatchError(store.ErrAppendConditionFailed))
				})
			})
		})
	}
})
