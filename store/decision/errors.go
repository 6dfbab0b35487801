package decision

import "errors"

// Sentinel errors of the package. Match them with errors.Is.
var (
	// ErrInvalidProjection means a projection cannot be built: its query is
	// invalid, or it sets neither or both of Apply and ApplyAt.
	ErrInvalidProjection = errors.New("decision: invalid projection")
	// ErrNoProjections means BuildAll was given no projection.
	ErrNoProjections = errors.New("decision: no projections to build")
)
