// Package decision makes consistent decisions on an event store with
// Dynamic Consistency Boundaries: read what a decision depends on, decide,
// and append only if none of it changed in between.
//
// # Overview
//
// A decision needs some state, for example "how many seats are left in
// course c-1". A [Projection] describes that state: an initial value, the
// [store.Query] selecting the events that change it, and a fold. [Build]
// reads the matching events in position order, folds them and returns a
// [Model]: the state plus the [store.AppendCondition] that guards a
// decision made on it. The condition's query is the query that was read;
// its After is the highest position read, or nil when nothing matched (so
// the append then fails if any matching event exists at all).
//
//	m, err := decision.Build(ctx, s, seats("c-1"))
//	if err != nil { ... }
//	if m.State.Taken >= m.State.Capacity { return ErrCourseFull }
//	_, err = s.Append(ctx, []store.Event{enrolled}, m.Condition)
//
// The boundary is drawn per decision, not per stream or aggregate. A
// decision that spans two entities (a course's capacity and a student's
// course limit) composes their projections: [Build2], [Build3] and
// [BuildAll] read once, with the union of the queries ([store.Union]), and
// route each event only to the folds whose own query matches it
// ([store.Query.Matches]), in position order. An event both queries match
// is folded into both. If any part's query is store.All(), the union, and
// so the read and the guard, is all events. The composed model's condition
// covers the whole union: a write that touches either entity invalidates
// the decision, a write that touches neither does not.
//
// Guard with the query you read with. A condition narrower than the read
// lets a concurrent write that changed the decision's inputs slip through;
// each model's Append method pairs the events with the model's own
// condition so that the right guard is the easy one.
//
// # Execute: retry on conflict
//
// Two writers may build the same model, decide, and race to append: the
// store lets one win, and the other's append fails with
// store.ErrAppendConditionFailed. The loser's decision was made on stale
// state; the right reaction is to decide again on fresh state, which
// [Execute] does. It retries only conflicts, a bounded number of times
// ([Policy], DefaultAttempts by default), with exponential backoff and
// jitter, and it honours the context. A domain error (the course is full)
// is returned at once: deciding again would decide the same.
//
// # Time
//
// A fold that depends on the current time (a released email stays
// reserved for 30 days) sets [Projection.ApplyAt] instead of Apply. The
// build reads its clock once, so every fold of one decision sees the same
// instant; [WithClock] replaces the clock, for tests.
//
// # Concurrency
//
// Projections are values and builds share nothing, so any number of
// goroutines may build and execute at once; the store's atomic
// check-and-append is what keeps the decisions consistent, also across
// processes sharing a file store. Folds must not have side effects:
// Execute may run a decision several times.
//
// # Caveats
//
// A model is a snapshot. Nothing stops a caller from appending with a
// different condition, or none; the store can only enforce the condition
// it is given. A decision over store.All() conflicts with every write.
// Every build reads and folds all the events its queries match, each time;
// for long histories, draw narrower queries (tags per entity), or read only
// the last event when that is all a decision needs (the invoice number
// pattern: [store.EventStore.ReadLast] plus a condition whose After is that
// event's position).
package decision
