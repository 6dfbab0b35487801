package store

// AppendCondition makes an append conditional, the heart of Dynamic
// Consistency Boundaries: read the events a decision depends on, then append
// only if none of them changed since.
//
// The append fails with a *ConditionError (errors.Is(err,
// ErrAppendConditionFailed)) when any stored event matches FailIfEventsMatch
// and has a position greater than After. Positions start at 1, so After 0
// (the zero value) means "from the start": any matching event fails the
// append, and All() with After 0 succeeds only on an empty store. The check
// and the write are one atomic step, also across processes.
type AppendCondition struct {
	// FailIfEventsMatch is the query the decision was made with.
	FailIfEventsMatch Query
	// After is the highest position the decision has seen; 0 when it saw
	// no event.
	After Position
}

// Guard returns the condition "fail if anything matches q after after";
// after == 0 means from the start (nothing was read).
func Guard(q Query, after Position) *AppendCondition {
	return &AppendCondition{FailIfEventsMatch: q, After: after}
}

// violatedBy reports whether the latest matching position last (0 when no
// event matches) violates c.
func (c *AppendCondition) violatedBy(last Position) bool {
	return last > c.After
}

func (c *AppendCondition) conflict(last Position) error {
	return &ConditionError{Query: c.FailIfEventsMatch, After: c.After, Conflict: last}
}
