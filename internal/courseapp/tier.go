package courseapp

// Tier is a student's subscription tier. It limits how many courses the
// student may be enrolled in at the same time. A newly registered student
// is Basic; StudentSubscriptionUpdated changes the tier.
//
// Events and the HTTP API both carry the tier by name ("Standard"). There
// is no "None" tier: the reference sample accepted one and then failed to
// compute its limit, so here an unknown name, "None" included, is rejected
// with ErrInvalidTier before anything is appended.
type Tier string

// The tiers, from the smallest limit to the largest.
const (
	Basic        Tier = "Basic"
	Standard     Tier = "Standard"
	Professional Tier = "Professional"
	Master       Tier = "Master"
)

// Tiers lists the tiers in order; sorting by tier uses this order.
var Tiers = []Tier{Basic, Standard, Professional, Master}

// MaxCourses returns how many courses a student of the tier may be
// enrolled in: 2, 5, 10 or 25; 0 for a name that is not a tier.
func (t Tier) MaxCourses() int {
	switch t {
	case Basic:
		return 2
	case Standard:
		return 5
	case Professional:
		return 10
	case Master:
		return 25
	}
	return 0
}

// Valid reports whether t is one of Tiers.
func (t Tier) Valid() bool { return t.MaxCourses() > 0 }

// Rank returns the tier's index in Tiers, or len(Tiers) for a name that is
// not a tier.
func (t Tier) Rank() int {
	for i, x := range Tiers {
		if x == t {
			return i
		}
	}
	return len(Tiers)
}
