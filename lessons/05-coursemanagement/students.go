package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// StudentExists is the decision projection "did this student register?".
// It is given, as the example to imitate: the query selects exactly the
// events that can change the answer, and the fold is a small pure function.
func StudentExists(studentID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.TypesTagged([]string{StudentRegisteredType}, StudentTag(studentID)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// EmailTaken is the decision projection "is this email address taken?":
// true once any event carries the address's studentEmail tag, whatever its
// type (README step 1).
func EmailTaken(email string) decision.Projection[bool] {
	// TODO: select every event tagged EmailTag(email), of any type; any one of
	// them means "taken".
	panic("TODO: implement EmailTaken (lessons/05-coursemanagement/students.go:25) — README step 1")
}

// DecideRegistration decides RegisterStudent (README step 1): the email
// must be a valid address (ErrInvalidEmail) that no student registered
// with (ErrEmailTaken). It returns one StudentRegistered with the email
// trimmed.
func DecideRegistration(emailTaken bool, cmd courseapp.RegisterStudent) ([]store.Event, error) {
	// TODO: check the address, then the projection's answer; return the
	// StudentRegistered event.
	panic("TODO: implement DecideRegistration (lessons/05-coursemanagement/students.go:35) — README step 1")
}

// DecideSubscriptionUpdate decides UpdateStudentSubscription (README step
// 2): the tier must be a real one (ErrInvalidTier), the student must exist
// (StudentNotFoundError). It returns one StudentSubscriptionUpdated.
func DecideSubscriptionUpdate(studentExists bool, cmd courseapp.UpdateStudentSubscription) ([]store.Event, error) {
	// TODO: reject a tier that is not Valid, then an unknown student.
	panic("TODO: implement DecideSubscriptionUpdate (lessons/05-coursemanagement/students.go:43) — README step 2")
}
