package courseapp

import (
	"slices"
	"time"

	"context"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// On builds p from env.Store in one read and decides cmd on its state
// with decide: the events decide returns, paired with the read's
// condition (decision.Model.Append), or decide's error. The build's clock
// is env.Now.
func On[S, C any](ctx context.Context, env Env, p decision.Projection[S], cmd C,
	decide func(S, C) ([]store.Event, error)) (decision.Decision, error) {
	m, err := decision.Build(ctx, env.Store, p, decision.WithClock(env.clock()))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := decide(m.State, cmd)
	return pair(m, events, err)
}

// On2 is On for a decision on two projections, built in one read.
func On2[A, B, C any](ctx context.Context, env Env, a decision.Projection[A], b decision.Projection[B], cmd C,
	decide func(A, B, C) ([]store.Event, error)) (decision.Decision, error) {
	m, err := decision.Build2(ctx, env.Store, a, b, decision.WithClock(env.clock()))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := decide(m.First, m.Second, cmd)
	return pair(m, events, err)
}

// On3 is On for a decision on three projections, built in one read.
func On3[A, B, C, D any](ctx context.Context, env Env, a decision.Projection[A], b decision.Projection[B],
	c decision.Projection[C], cmd D, decide func(A, B, C, D) ([]store.Event, error)) (decision.Decision, error) {
	m, err := decision.Build3(ctx, env.Store, a, b, c, decision.WithClock(env.clock()))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := decide(m.First, m.Second, m.Third, cmd)
	return pair(m, events, err)
}

// appender is a decision model: decision.Model, Model2, Model3 or ModelN.
type appender interface {
	Append(events ...store.Event) decision.Decision
}

// pair pairs the events a decide function returned with the model's
// condition, or passes its error on.
func pair(m appender, events []store.Event, err error) (decision.Decision, error) {
	if err != nil {
		return decision.Decision{}, err
	}
	return m.Append(events...), nil
}

// Each composes projections of one state type into a single projection
// whose state holds theirs, in order. Its query is the union of their
// queries, and each event is folded into every part whose own query
// matches it, as decision.BuildAll does; unlike BuildAll's model, the
// result can be built together with projections of other types (On2,
// decision.Build2).
func Each[S any](parts ...decision.Projection[S]) decision.Projection[[]S] {
	queries := make([]store.Query, len(parts))
	initial := make([]S, len(parts))
	for i, p := range parts {
		queries[i], initial[i] = p.Query, p.Initial
	}
	return decision.Projection[[]S]{
		Initial: initial,
		Query:   store.Union(queries...),
		ApplyAt: func(states []S, e store.StoredEvent, now time.Time) ([]S, error) {
			next := slices.Clone(states) // Initial is shared by every build
			for i, p := range parts {
				if !p.Query.Matches(&e.Event) {
					continue
				}
				var err error
				if p.ApplyAt != nil {
					next[i], err = p.ApplyAt(next[i], e, now)
				} else {
					next[i], err = p.Apply(next[i], e)
				}
				if err != nil {
					return states, err
				}
			}
			return next, nil
		},
	}
}

// clock is env.Now, or time.Now when it is nil.
func (env Env) clock() func() time.Time {
	if env.Now == nil {
		return time.Now
	}
	return env.Now
}
