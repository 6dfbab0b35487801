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
//
//workbook:todo step 8: Initial is ExamToken{State: NotIssued}; the fold moves the state and keeps the ExamID of the Issued event.
func TokenStatus(tokenID string) decision.Projection[ExamToken] {
	return decision.Projection[ExamToken]{
		Initial: ExamToken{State: NotIssued},
		Query:   store.TypesTagged([]string{ExamTokenIssuedType, ExamTokenRedeemedType, ExamTokenRevokedType}, ExamTokenTag(tokenID)),
		Apply: func(t ExamToken, e store.StoredEvent) (ExamToken, error) {
			switch e.Type {
			case ExamTokenIssuedType:
				issued, err := store.Decode[ExamRegistrationTokenIssued](e.Event)
				if err != nil {
					return t, err
				}
				return ExamToken{State: Issued, ExamID: issued.ExamID}, nil
			case ExamTokenRedeemedType:
				t.State = Redeemed
			case ExamTokenRevokedType:
				t.State = Revoked
			}
			return t, nil
		},
	}
}

// DecideTokenIssue decides IssueExamToken (README step 8): the course
// exists (ErrCourseNotFound). It returns one ExamRegistrationTokenIssued.
//
//workbook:todo step 8: one check, then the issued event.
func DecideTokenIssue(courseExists bool, cmd courseapp.IssueExamToken) ([]store.Event, error) {
	if !courseExists {
		return nil, courseapp.ErrCourseNotFound
	}
	return []store.Event{ExamRegistrationTokenIssued{TokenID: cmd.TokenID, ExamID: cmd.ExamID, CourseID: cmd.CourseID}.Event()}, nil
}

// DecideTokenRedemption decides RedeemExamToken (README step 8). By the
// token's state: NotIssued is ErrTokenNotFound, Revoked is ErrTokenRevoked,
// Redeemed is ErrTokenUsed; an Issued token still needs a registered
// student (ErrStudentNotRegistered). It returns one
// ExamRegistrationTokenRedeemed for the token's exam.
//
//workbook:todo step 8: a switch on the state, the student, then the redeemed event.
func DecideTokenRedemption(token ExamToken, studentExists bool, cmd courseapp.RedeemExamToken) ([]store.Event, error) {
	switch {
	case token.State == NotIssued:
		return nil, courseapp.ErrTokenNotFound
	case token.State == Revoked:
		return nil, courseapp.ErrTokenRevoked
	case token.State == Redeemed:
		return nil, courseapp.ErrTokenUsed
	case !studentExists:
		return nil, courseapp.ErrStudentNotRegistered
	}
	return []store.Event{ExamRegistrationTokenRedeemed{TokenID: cmd.TokenID, ExamID: token.ExamID, StudentID: cmd.StudentID}.Event()}, nil
}

// DecideTokenRevocation decides RevokeExamToken (README step 8). By the
// token's state: NotIssued is ErrTokenNotFound, Revoked is
// ErrTokenAlreadyRevoked, Redeemed is ErrTokenRedeemed. It returns one
// ExamRegistrationTokenRevoked for the token's exam.
//
//workbook:todo step 8: a switch on the state, then the revoked event.
func DecideTokenRevocation(token ExamToken, cmd courseapp.RevokeExamToken) ([]store.Event, error) {
	switch token.State {
	case NotIssued:
		return nil, courseapp.ErrTokenNotFound
	case Revoked:
		return nil, courseapp.ErrTokenAlreadyRevoked
	case Redeemed:
		return nil, courseapp.ErrTokenRedeemed
	}
	return []store.Event{ExamRegistrationTokenRevoked{TokenID: cmd.TokenID, ExamID: token.ExamID}.Event()}, nil
}
