package decision

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
)

// Defaults of a Policy whose fields are zero.
const (
	// DefaultAttempts is how many times Execute runs a decision, the first
	// run included, before it gives up on conflicts.
	DefaultAttempts = 5
	// DefaultBaseDelay is the wait before the first retry, before jitter.
	DefaultBaseDelay = 10 * time.Millisecond
	// DefaultMaxDelay caps the wait before any retry, before jitter.
	DefaultMaxDelay = time.Second
)

// Policy is Execute's retry policy. The zero value, and a nil *Policy, mean
// the defaults: DefaultAttempts attempts, with waits that start at
// DefaultBaseDelay, double after each conflict and stop growing at
// DefaultMaxDelay.
//
// The wait before retry n (n = 1 after the first conflict) is
// d = min(MaxDelay, BaseDelay·2^(n-1)), jittered uniformly into [d/2, d):
// never zero, so a loser does not retry in lockstep with the writer it lost
// to, and spread, so a crowd of losers does not collide again.
type Policy struct {
	// Attempts is the most times the decision runs, the first run
	// included. Zero means DefaultAttempts; 1 means never retry.
	Attempts int
	// BaseDelay is the wait before the first retry. Zero means
	// DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the wait. Zero means DefaultMaxDelay, or BaseDelay
	// when that is larger.
	MaxDelay time.Duration
	// Sleep waits d or until ctx is done, returning ctx.Err() in that case.
	// Nil means a timer. Tests replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter. Nil means
	// math/rand/v2.Float64. Tests replace it to make waits exact.
	Rand func() float64
	// TracerProvider and MeterProvider receive Execute's span and its
	// counts of conflicts and retries. Nil means the global providers of
	// go.opentelemetry.io/otel.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
}

func (p *Policy) withDefaults() (Policy, error) {
	var c Policy
	if p != nil {
		c = *p
	}
	if c.Attempts < 0 || c.BaseDelay < 0 || c.MaxDelay < 0 {
		return c, fmt.Errorf("decision: %w: negative value in Policy", store.ErrInvalidOption)
	}
	if c.Attempts == 0 {
		c.Attempts = DefaultAttempts
	}
	if c.BaseDelay == 0 {
		c.BaseDelay = DefaultBaseDelay
	}
	if c.MaxDelay == 0 {
		c.MaxDelay = max(DefaultMaxDelay, c.BaseDelay)
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	return c, nil
}

// Delay returns the wait before retry n (n >= 1), with r in [0, 1) as the
// jitter. It is what Execute waits; exported so the policy can be read,
// printed and tested.
func (p *Policy) Delay(n int, r float64) time.Duration {
	c, err := p.withDefaults()
	if err != nil {
		return 0
	}
	return c.delay(n, r)
}

func (p *Policy) delay(n int, r float64) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	r = min(max(r, 0), 1)
	half := d / 2
	return half + time.Duration(r*float64(d-half))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Decide makes one decision: it reads what it needs (usually with Build),
// checks the rules and returns the events to append with their condition,
// or a domain error. Execute may call it several times; it must not have
// effects besides reading the store.
type Decide func(ctx context.Context) (Decision, error)

// Execute runs read → decide → append: it calls decide and appends the
// decision's events under the decision's condition. When the append fails
// because the condition no longer holds (store.ErrAppendConditionFailed:
// another writer changed what the decision was built on), Execute waits as
// p says and runs decide again on fresh state, at most p.Attempts times in
// all. It returns the position of the last appended event, or 0 when the
// decision had no events (nothing is appended then).
//
// Only conflicts are retried, whether the append or decide itself reported
// them. Every other error returns at once, unwrapped: the domain errors
// decide returns (a retry would decide the same), invalid events, I/O
// errors, a closed store.
//
// When the last attempt conflicts, Execute returns an *ExhaustedError that
// holds the attempt count and wraps the last conflict, so
// errors.Is(err, store.ErrAppendConditionFailed) still holds. When ctx is
// done before an attempt or during a wait, Execute returns an error that
// wraps ctx.Err() and says how many attempts ran. A nil p means the
// default Policy; a Policy with a negative field fails with
// store.ErrInvalidOption before decide runs.
func Execute(ctx context.Context, s store.EventStore, decide Decide, p *Policy) (_ store.Position, err error) {
	pol, err := p.withDefaults()
	if err != nil {
		return 0, err
	}
	ctx, run := startExecute(ctx, pol)
	defer func() { run.end(err) }()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("decision: stopped before attempt %d: %w", attempt, err)
		}
		run.attempt(ctx, attempt)
		pos, err := once(ctx, s, decide)
		if err == nil {
			return pos, nil
		}
		if !errors.Is(err, store.ErrAppendConditionFailed) {
			return 0, err
		}
		run.conflict(ctx)
		if attempt >= pol.Attempts {
			return 0, &ExhaustedError{Attempts: attempt, Err: err}
		}
		if werr := pol.Sleep(ctx, pol.delay(attempt, pol.Rand())); werr != nil {
			return 0, fmt.Errorf("decision: stopped waiting to retry after %d attempts (last conflict: %v): %w", attempt, err, werr)
		}
	}
}

func once(ctx context.Context, s store.EventStore, decide Decide) (store.Position, error) {
	d, err := decide(ctx)
	if err != nil {
		return 0, err
	}
	if len(d.Events) == 0 {
		return 0, nil
	}
	return s.Append(ctx, d.Events, d.Condition)
}

// ExhaustedError is Execute's error when every attempt conflicted.
type ExhaustedError struct {
	// Attempts is how many times the decision ran.
	Attempts int
	// Err is the last conflict, a *store.ConditionError in practice.
	Err error
}

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("decision: gave up after %d attempts, each conflicting with a concurrent write: %v", e.Attempts, e.Err)
}

// Unwrap returns the last conflict.
func (e *ExhaustedError) Unwrap() error { return e.Err }
