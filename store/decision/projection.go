package decision

import (
	"context"
	"fmt"
	"time"

	"github.com/opossum-go/opossum/store"
)

// Projection is a decision projection: the state one decision needs, folded
// from the events its Query matches. It is a value; building it never
// changes it, so one Projection may be built any number of times, also
// concurrently, as long as Apply and ApplyAt are safe to call concurrently
// (pure functions are).
//
// Exactly one of Apply and ApplyAt must be set.
type Projection[S any] struct {
	// Initial is the state before any event; the state of a decision that
	// found no matching event.
	Initial S

	// Query selects the events the fold sees. It must be valid (see
	// store.Query.Validate); store.All() is allowed and makes every
	// composed read read everything.
	Query store.Query

	// Apply folds one event into the state and returns the new state. It
	// is called once per matching event, in position order, and only with
	// events Query matches.
	//
	// Apply returns an error because a fold usually decodes a payload and
	// decoding can fail. An error stops the build: no state is returned and
	// nothing can be appended on the strength of a state that skipped an
	// event. Return the state unchanged for events the decision does not
	// care about; never return an error for a business rule (rules belong
	// to the decide step, which sees the whole state).
	Apply func(state S, e store.StoredEvent) (S, error)

	// ApplyAt is the time-aware alternative to Apply, for rules such as "a
	// released email stays reserved for 30 days". now is the build's clock
	// reading, taken once per build so that every fold of one decision
	// agrees on the time; see WithClock.
	ApplyAt func(state S, e store.StoredEvent, now time.Time) (S, error)
}

// Model is the result of Build: the folded state and the condition that
// guards a decision made on it.
type Model[S any] struct {
	// State is the projection's state after every matching event.
	State S
	// Condition is never nil: FailIfEventsMatch is the query that was read,
	// After is the highest position read, or nil when nothing was read.
	Condition *store.AppendCondition
}

// Append returns the decision to append events guarded by m's condition:
// the append fails if any event the model was built from changed since.
func (m Model[S]) Append(events ...store.Event) Decision {
	return Decision{Events: events, Condition: m.Condition}
}

// Model2 is the result of Build2: two states of distinct types folded from
// one read, and the condition that guards them both.
type Model2[A, B any] struct {
	// First is the state of the first projection.
	First A
	// Second is the state of the second projection.
	Second B
	// Condition guards both: the union query, After as in Model.
	Condition *store.AppendCondition
}

// Append returns the decision to append events guarded by m's condition.
func (m Model2[A, B]) Append(events ...store.Event) Decision {
	return Decision{Events: events, Condition: m.Condition}
}

// Model3 is the result of Build3: three states folded from one read, and
// the condition that guards them all.
type Model3[A, B, C any] struct {
	// First, Second and Third are the states of the projections, in the
	// order they were given.
	First  A
	Second B
	Third  C
	// Condition guards all three: the union query, After as in Model.
	Condition *store.AppendCondition
}

// Append returns the decision to append events guarded by m's condition.
func (m Model3[A, B, C]) Append(events ...store.Event) Decision {
	return Decision{Events: events, Condition: m.Condition}
}

// ModelN is the result of BuildAll: one state per projection, in the order
// the projections were given, and the condition that guards them all.
type ModelN[S any] struct {
	// States holds one state per projection, in input order.
	States []S
	// Condition guards them all: the union query, After as in Model.
	Condition *store.AppendCondition
}

// Append returns the decision to append events guarded by m's condition.
func (m ModelN[S]) Append(events ...store.Event) Decision {
	return Decision{Events: events, Condition: m.Condition}
}

// Decision is what a decide step returns to Execute: the events to append
// and the condition that must still hold. Build it with a model's Append
// method so that the guard is the query that was read.
type Decision struct {
	// Events to append atomically. None means "nothing to do": Execute then
	// appends nothing and succeeds.
	Events []store.Event
	// Condition guards the append. Nil appends unconditionally, which
	// gives up every consistency guarantee; a decision almost never wants
	// that.
	Condition *store.AppendCondition
}

// Option configures a build.
type Option func(*buildOptions)

type buildOptions struct {
	clock func() time.Time
}

// WithClock sets the clock a build reads once and passes to every ApplyAt
// fold. Nil, like no option, means time.Now. Tests pass a fixed clock.
func WithClock(clock func() time.Time) Option {
	return func(o *buildOptions) { o.clock = clock }
}

// Build reads the events p.Query matches, in position order, and folds them
// into p.Initial. The model's condition is p.Query with After set to the
// highest position read (nil when nothing matched).
//
// Errors: ErrInvalidProjection (bad query, no fold or two folds), a fold's
// error wrapped with the event's position and type, and the store's read
// errors (including ctx.Err()). On error the model is the zero Model.
func Build[S any](ctx context.Context, s store.EventStore, p Projection[S], opts ...Option) (Model[S], error) {
	f := &fold[S]{p: p, state: p.Initial}
	cond, err := build(ctx, s, []folder{f}, opts)
	if err != nil {
		return Model[S]{}, err
	}
	return Model[S]{State: f.state, Condition: cond}, nil
}

// Build2 builds two projections with distinct state types in one read of
// the union of their queries. Each fold sees only the events its own query
// matches; an event both queries match is folded into both. The condition
// is the union query with After set to the highest position read.
//
// Errors are those of Build; ErrInvalidProjection names the projection
// (0 or 1).
func Build2[A, B any](ctx context.Context, s store.EventStore, pa Projection[A], pb Projection[B], opts ...Option) (Model2[A, B], error) {
	fa := &fold[A]{p: pa, state: pa.Initial}
	fb := &fold[B]{p: pb, state: pb.Initial}
	cond, err := build(ctx, s, []folder{fa, fb}, opts)
	if err != nil {
		return Model2[A, B]{}, err
	}
	return Model2[A, B]{First: fa.state, Second: fb.state, Condition: cond}, nil
}

// Build3 builds three projections in one read; see Build2.
func Build3[A, B, C any](ctx context.Context, s store.EventStore, pa Projection[A], pb Projection[B], pc Projection[C], opts ...Option) (Model3[A, B, C], error) {
	fa := &fold[A]{p: pa, state: pa.Initial}
	fb := &fold[B]{p: pb, state: pb.Initial}
	fc := &fold[C]{p: pc, state: pc.Initial}
	cond, err := build(ctx, s, []folder{fa, fb, fc}, opts)
	if err != nil {
		return Model3[A, B, C]{}, err
	}
	return Model3[A, B, C]{First: fa.state, Second: fb.state, Third: fc.state, Condition: cond}, nil
}

// BuildAll builds any number of projections of one state type in one read;
// see Build2. States are returned in the order of ps. An empty ps fails
// with ErrNoProjections: a decision that reads nothing guards nothing.
func BuildAll[S any](ctx context.Context, s store.EventStore, ps []Projection[S], opts ...Option) (ModelN[S], error) {
	if len(ps) == 0 {
		return ModelN[S]{}, ErrNoProjections
	}
	folds := make([]*fold[S], len(ps))
	fs := make([]folder, len(ps))
	for i, p := range ps {
		folds[i] = &fold[S]{p: p, state: p.Initial}
		fs[i] = folds[i]
	}
	cond, err := build(ctx, s, fs, opts)
	if err != nil {
		return ModelN[S]{}, err
	}
	states := make([]S, len(ps))
	for i, f := range folds {
		states[i] = f.state
	}
	return ModelN[S]{States: states, Condition: cond}, nil
}

// folder is a projection being built, with its state type erased so that
// projections of different types share one read.
type folder interface {
	query() store.Query
	check() error
	apply(e store.StoredEvent, now func() time.Time) error
}

type fold[S any] struct {
	p     Projection[S]
	state S
}

func (f *fold[S]) query() store.Query { return f.p.Query }

func (f *fold[S]) check() error {
	switch {
	case f.p.Apply == nil && f.p.ApplyAt == nil:
		return fmt.Errorf("%w: neither Apply nor ApplyAt is set", ErrInvalidProjection)
	case f.p.Apply != nil && f.p.ApplyAt != nil:
		return fmt.Errorf("%w: both Apply and ApplyAt are set", ErrInvalidProjection)
	}
	if err := f.p.Query.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidProjection, err)
	}
	return nil
}

func (f *fold[S]) apply(e store.StoredEvent, now func() time.Time) error {
	var err error
	if f.p.Apply != nil {
		f.state, err = f.p.Apply(f.state, e)
	} else {
		f.state, err = f.p.ApplyAt(f.state, e, now())
	}
	return err
}

// build checks every projection, reads the union of their queries once and
// routes each event to the folds whose own query matches it.
func build(ctx context.Context, s store.EventStore, fs []folder, opts []Option) (*store.AppendCondition, error) {
	var o buildOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	qs := make([]store.Query, len(fs))
	for i, f := range fs {
		// Validate each part: a union would hide an invalid part behind
		// the valid items of the others, and that fold would silently see
		// nothing.
		if err := f.check(); err != nil {
			if len(fs) > 1 {
				return nil, fmt.Errorf("decision: projection %d: %w", i, err)
			}
			return nil, fmt.Errorf("decision: %w", err)
		}
		qs[i] = f.query()
	}
	union := store.Union(qs...)
	now := onceClock(o.clock)
	// Whatever the store does with a cancelled context and nothing to
	// read, a decision is never built on a read that did not happen.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("decision: read %s: %w", union, err)
	}

	var last store.Position
	for e, err := range s.Read(ctx, union) {
		if err != nil {
			return nil, fmt.Errorf("decision: read %s: %w", union, err)
		}
		for i, f := range fs {
			q := qs[i]
			if !q.Matches(&e.Event) {
				continue
			}
			if err := f.apply(e, now); err != nil {
				if len(fs) > 1 {
					return nil, fmt.Errorf("decision: projection %d: fold event %d (%s): %w", i, e.Position, e.Type, err)
				}
				return nil, fmt.Errorf("decision: fold event %d (%s): %w", e.Position, e.Type, err)
			}
		}
		last = e.Position
	}
	return store.Guard(union, last), nil
}

// onceClock returns a function that reads clock (time.Now when nil) the
// first time it is called and returns that same instant afterwards.
func onceClock(clock func() time.Time) func() time.Time {
	if clock == nil {
		clock = time.Now
	}
	var (
		t    time.Time
		read bool
	)
	return func() time.Time {
		if !read {
			t, read = clock(), true
		}
		return t
	}
}
