package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// TokenState is where an exam registration token is in its life.
type TokenState string

// The states of a token. A token is issued once and then redeemed or
// revoked, never both.
const (
	NotIssued TokenState = "NotIssued"
	Issued    TokenState = "Issued"
	Revoked   TokenState = "Revoked"
	Redeemed  TokenState = "Redeemed"
)

// ExamToken is what a decision needs to know about a token: its state and
// the exam it was issued for.
type ExamToken struct {
	State  TokenState
	ExamID string
}

// TokenStatus is the decision projection of a token (README step 8): the
// Issued, Redeemed and Revoked events tagged with it. It starts NotIssued;
// Issued records the exam, which the later states keep.
func TokenStatus(tokenID string) decision.Projection[ExamToken] {
	// TODO: Initial is ExamToken{State: NotIssued}; the fold moves the state
	// and keeps the ExamID of the Issued event.
	panic("TODO: implement TokenStatus (lessons/05-coursemanagement/examtokens.go:34) — README step 8")
}

// DecideTokenIssue decides IssueExamToken (README step 8): the course
// exists (ErrCourseNotFound). It returns one ExamRegistrationTokenIssued.
func DecideTokenIssue(courseExists bool, cmd courseapp.IssueExamToken) ([]store.Event, error) {
	// TODO: one check, then the issued event.
	panic("TODO: implement DecideTokenIssue (lessons/05-coursemanagement/examtokens.go:41) — README step 8")
}

// DecideTokenRedemption decides RedeemExamToken (README step 8). By the
// token's state: NotIssued is ErrTokenNotFound, Revoked is ErrTokenRevoked,
// Redeemed is ErrTokenUsed; an Issued token still needs a registered
// student (ErrStudentNotRegistered). It returns one
// ExamRegistrationTokenRedeemed for the token's exam.
func DecideTokenRedemption(token ExamToken, studentExists bool, cmd courseapp.RedeemExamToken) ([]store.Event, error) {
	// TODO: a switch on the state, the student, then the redeemed event.
	panic("TODO: implement DecideTokenRedemption (lessons/05-coursemanagement/examtokens.go:51) — README step 8")
}

// DecideTokenRevocation decides RevokeExamToken (README step 8). By the
// token's state: NotIssued is ErrTokenNotFound, Revoked is
// ErrTokenAlreadyRevoked, Redeemed is ErrTokenRedeemed. It returns one
// ExamRegistrationTokenRevoked for the token's exam.
func DecideTokenRevocation(token ExamToken, cmd courseapp.RevokeExamToken) ([]store.Event, error) {
	// TODO: a switch on the state, then the revoked event.
	panic("TODO: implement DecideTokenRevocation (lessons/05-coursemanagement/examtokens.go:60) — README step 8")
}
