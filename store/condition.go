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

// validate checks the condition's query; a nil condition is valid.
func (c *AppendCondition) validate() error {
	if c == nil {
		return nil
	}
	return c.FailIfEventsMatch.Validate()
}

// check is the DCB condition check, the one definition every store of
// this package uses: last returns the position of the newest stored event
// matching the query (0 when none). It returns a *ConditionError naming
// that position when it lies after After, and nil otherwise; a nil
// condition always holds. The caller makes the check and the write one
// atomic step.
func (c *AppendCondition) check(last func(Query) Position) error {
	if c == nil {
		return nil
	}
	if p := last(c.FailIfEventsMatch); p > c.After {
		return &ConditionError{Query: c.FailIfEventsMatch, After: c.After, Conflict: p}
	}
	return nil
}
