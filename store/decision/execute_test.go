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

var _ = Describe("Execute", func() {
	var (
		ctx    context.Context
		s      store.EventStore
		calls  int
		waits  []time.Duration
		policy *decision.Policy
	)

	BeforeEach(func() {
		ctx = context.Background()
		s = store.NewMemory()
		DeferCleanup(s.Close)
		calls, waits = 0, nil
		policy = &decision.Policy{
			Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
			Rand:  func() float64 { return 0 },
		}
		given(s, defineCourse("c-1", 10))
	})

	// contended enrols s-1 into c-1, and lets a rival writer enrol another
	// student between the read and the append of the first `conflicts` runs.
	contended := func(conflicts int) decision.Decide {
		return func(ctx context.Context) (decision.Decision, error) {
			calls++
			d, err := enrol(s, "c-1", "s-1")(ctx)
			if calls <= conflicts {
				given(s, enrolment("c-1", "rival"))
			}
			return d, err
		}
	}

	It("appends on the first attempt when nobody interferes", func() {
		pos, err := decision.Execute(ctx, s, contended(0), policy)
		Expect(err).NotTo(HaveOccurred())
		Expect(pos).To(Equal(store.Position(2)))
		Expect(calls).To(Equal(1))
		Expect(waits).To(BeEmpty())
	})

	It("decides again on fresh state after a conflict", func() {
		pos, err := decision.Execute(ctx, s, contended(2), policy)
		Expect(err).NotTo(HaveOccurred())
		Expect(calls).To(Equal(3))
		Expect(pos).To(Equal(store.Position(4)), "two rival enrolments, then ours")
		Expect(eventsOf(s, studentEnrolled)).To(HaveLen(3))
	})

	It("gives up after the default number of attempts and returns the last conflict with the count", func() {
		_, err := decision.Execute(ctx, s, contended(100), policy)
		Expect(calls).To(Equal(decision.DefaultAttempts))
		var ex *decision.ExhaustedError
		Expect(errors.As(err, &ex)).To(BeTrue())
		Expect(ex.Attempts).To(Equal(5))
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		var ce *store.ConditionError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Conflict).To(Equal(store.Position(6)), "the conflict of the fifth attempt")
		Expect(err).To(MatchError(ContainSubstring("after 5 attempts")))
		Expect(waits).To(HaveLen(4), "no wait after the last attempt")
	})

	It("honours the number of attempts of the policy", func() {
		policy.Attempts = 1
		_, err := decision.Execute(ctx, s, contended(100), policy)
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		Expect(calls).To(Equal(1))
		Expect(waits).To(BeEmpty())
	})

	It("waits exponentially longer between attempts, up to the cap", func() {
		policy.BaseDelay, policy.MaxDelay, policy.Attempts = 10*time.Millisecond, 40*time.Millisecond, 6
		_, err := decision.Execute(ctx, s, contended(100), policy)
		Expect(err).To(HaveOccurred())
		Expect(waits).To(Equal(durations{5, 10, 20, 20, 20}.Mul(time.Millisecond)))
	})

	It("never retries a domain error", func() {
		given(s, enrolment("c-1", "a"), enrolment("c-2", "s-1"), enrolment("c-3", "s-1"))
		_, err := decision.Execute(ctx, s, func(ctx context.Context) (decision.Decision, error) {
			calls++
			return enrol(s, "c-1", "s-1")(ctx)
		}, policy)
		Expect(err).To(BeIdenticalTo(errStudentLimit), "the domain error is returned as it is")
		Expect(calls).To(Equal(1))
	})

	It("never retries other store errors", func() {
		_, err := decision.Execute(ctx, s, func(context.Context) (decision.Decision, error) {
			calls++
			return decision.Decision{Events: []store.Event{{Type: ""}}}, nil
		}, policy)
		Expect(err).To(MatchError(store.ErrInvalidEvent))
		Expect(calls).To(Equal(1))
	})

	It("retries a conflict that the decide step reports itself", func() {
		_, err := decision.Execute(ctx, s, func(context.Context) (decision.Decision, error) {
			calls++
			if calls == 1 {
				return decision.Decision{}, &store.ConditionError{Query: store.All(), Conflict: 1}
			}
			return decision.Decision{Events: []store.Event{ev("Done")}}, nil
		}, policy)
		Expect(err).NotTo(HaveOccurred())
		Expect(calls).To(Equal(2))
	})

	It("appends nothing when the decision has no events", func() {
		pos, err := decision.Execute(ctx, s, func(context.Context) (decision.Decision, error) {
			return decision.Decision{Condition: store.Guard(store.All(), 0)}, nil
		}, policy)
		Expect(err).NotTo(HaveOccurred())
		Expect(pos).To(BeZero())
		Expect(s.Head(ctx)).To(Equal(store.Position(1)))
	})

	It("does not decide at all when the context is already done", func() {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := decision.Execute(cctx, s, contended(0), policy)
		Expect(err).To(MatchError(context.Canceled))
		Expect(calls).To(BeZero())
	})

	It("stops waiting when the context is cancelled during the backoff", func(sctx SpecContext) {
		cctx, cancel := context.WithCancel(sctx)
		defer cancel()
		policy = &decision.Policy{BaseDelay: time.Hour}
		conflicting := contended(100)
		start := time.Now()
		_, err := decision.Execute(cctx, s, func(ctx context.Context) (decision.Decision, error) {
			// Cancel soon after the first attempt, while Execute waits an hour.
			time.AfterFunc(20*time.Millisecond, cancel)
			return conflicting(ctx)
		}, policy)
		Expect(err).To(MatchError(context.Canceled))
		Expect(err).NotTo(MatchError(store.ErrAppendConditionFailed))
		Expect(calls).To(Equal(1))
		Expect(time.Since(start)).To(BeNumerically("<", time.Minute))
	}, SpecTimeout(10*time.Second))

	It("returns the sleeper's error with the attempt count and the last conflict", func() {
		cctx, cancel := context.WithCancel(ctx)
		policy.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
		_, err := decision.Execute(cctx, s, contended(100), policy)
		Expect(err).To(MatchError(context.Canceled))
		Expect(err).To(MatchError(ContainSubstring("after 1 attempts")))
		Expect(err).To(MatchError(ContainSubstring("append condition failed")))
		Expect(calls).To(Equal(1))
	})

	It("rejects a policy with a negative value before deciding", func() {
		_, err := decision.Execute(ctx, s, contended(0), &decision.Policy{Attempts: -1})
		Expect(err).To(MatchError(store.ErrInvalidOption))
		Expect(calls).To(BeZero())
	})

	DescribeTable("the wait before retry n",
		func(p *decision.Policy, n int, r float64, want time.Duration) {
			Expect(p.Delay(n, r)).To(Equal(want))
		},
		Entry("is half the base delay with no jitter", nil, 1, 0.0, 5*time.Millisecond),
		Entry("doubles with each retry", nil, 3, 0.0, 20*time.Millisecond),
		Entry("is jittered up to the full delay", nil, 3, 0.5, 30*time.Millisecond),
		Entry("stops growing at the cap", nil, 30, 0.0, 500*time.Millisecond),
		Entry("follows a custom base", &decision.Policy{BaseDelay: 100 * time.Millisecond}, 2, 0.0, 100*time.Millisecond),
		Entry("keeps a cap below the base at the base", &decision.Policy{BaseDelay: 3 * time.Second}, 5, 0.0, 1500*time.Millisecond),
		Entry("never overflows on huge n", &decision.Policy{MaxDelay: time.Hour}, 1000, 0.0, 30*time.Minute),
	)

	It("always jitters into [d/2, d)", func() {
		p := &decision.Policy{BaseDelay: 8 * time.Millisecond}
		for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
			Expect(p.Delay(1, r)).To(And(BeNumerically(">=", 4*time.Millisecond), BeNumerically("<", 8*time.Millisecond)))
		}
	})
})

type durations []time.Duration

func (ds durations) Mul(unit time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d * unit
	}
	return out
}
