package store

// AppendCondition makes an append conditional, the heart of Dynamic
// Consistency Boundaries: read the events a decision depends on, then append
// only if none of them changed since.
//
// The append fails with a *ConditionError (errors.Is(err,
// ErrAppendConditionFailed)) when any stored event matches FailIfEventsMatch
// and has a position greater than *After, or, when After is nil, when any
// stored event matches at all. With All() and a nil After, the append
// succeeds only on an empty store. The check and the write are one atomic
// step, also across processes.
type AppendCondition struct {
	// FailIfEventsMatch is the query the decision was made with.
	FailIfEventsMatch Query
	// After is the highest position the decision has seen; nil when it saw
	// no event.
	After *Position
}

// Guard returns the condition "fail if anything matches q after after";
// after == 0 means no After (nothing was read).
func Guard(q Query, after Position) *AppendCondition {
	c := &AppendCondition{FailIfEventsMatch: q}
	if after > 0 {
		c.After = after.Ptr()
	}
	return c
}

// violatedBy reports whether the latest matching position last (0 when no
// event matches) violates c.
func (c *AppendCondition) violatedBy(last Position) bool {
	if last == 0 {
		return false
	}
	return c.After == nil || last > *c.After
}

func (c *AppendCondition) conflict(last Position) error {
	return &ConditionError{Query: c.FailIfEventsMatch, After: c.After, Conflict: last}
}
