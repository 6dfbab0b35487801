package coursemanagement

import (
	"strings"

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
//
//workbook:todo step 1: select every event tagged EmailTag(email), of any type; any one of them means "taken".
func EmailTaken(email string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.Tagged(EmailTag(email)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// DecideRegistration decides RegisterStudent (README step 1): the email
// must be a valid address (ErrInvalidEmail) that no student registered
// with (ErrEmailTaken). It returns one StudentRegistered with the email
// trimmed.
//
//workbook:todo step 1: check the address, then the projection's answer; return the StudentRegistered event.
func DecideRegistration(emailTaken bool, cmd courseapp.RegisterStudent) ([]store.Event, error) {
	email := strings.TrimSpace(cmd.Email)
	local, domain, ok := strings.Cut(email, "@")
	switch {
	case !ok || local == "" || domain == "":
		return nil, courseapp.ErrInvalidEmail
	case emailTaken:
		return nil, courseapp.ErrEmailTaken
	}
	return []store.Event{StudentRegistered{
		StudentID: cmd.StudentID, FirstName: cmd.FirstName, LastName: cmd.LastName, Email: email,
	}.Event()}, nil
}

// DecideSubscriptionUpdate decides UpdateStudentSubscription (README step
// 2): the tier must be a real one (ErrInvalidTier), the student must exist
// (StudentNotFoundError). It returns one StudentSubscriptionUpdated.
//
//workbook:todo step 2: reject a tier that is not Valid, then an unknown student.
func DecideSubscriptionUpdate(studentExists bool, cmd courseapp.UpdateStudentSubscription) ([]store.Event, error) {
	switch {
	case !cmd.Tier.Valid():
		return nil, courseapp.ErrInvalidTier
	case !studentExists:
		return nil, courseapp.StudentNotFoundError{StudentID: cmd.StudentID}
	}
	return []store.Event{StudentSubscriptionUpdated{StudentID: cmd.StudentID, EnrollmentTier: cmd.Tier}.Event()}, nil
}
