package courseapp

import (
	"errors"
	"net/http"
	"strings"
)

// ProblemType is a kind of problem the API answers with: a broken rule of
// the domain, or a write that lost every race it ran. Its problem's "type"
// member is URI, so a client tells the problems apart without reading
// their detail; the status follows RFC 9110:
//
//   - 400 Bad Request: the request is malformed (an identifier that is no
//     UUID);
//   - 422 Unprocessable Content: a well-formed request that breaks a rule
//     of the values it carries (an empty name, a price of zero), or that
//     names in its body something that does not exist;
//   - 404 Not Found: the thing the request's path names does not exist
//     (a type whose thing a path or a body can name is 404 or 422);
//   - 409 Conflict: the request conflicts with the current state (the
//     course is full, the email is taken, the token was used).
//
// The problems of HTTP itself (a malformed body, an unknown path, a 405,
// a 415, a 413, a 500, a 503) have the type about:blank: their status says
// it all.
type ProblemType struct {
	// Name is the last segment of the type URI: "course-full".
	Name string
	// Title is the problem's title: the same for every occurrence.
	Title string
	// Status is the problem's status, except as NotFoundIn says.
	Status int
	// NotFoundIn, for a thing that does not exist, lists the route
	// pattern fragments that name it in a request's path ("/courses/{id}"):
	// a request whose route has one answers 404 instead of Status.
	NotFoundIn []string
	// Description says when the problem occurs.
	Description string
}

// ProblemTypePrefix is the path that every problem type URI starts with.
const ProblemTypePrefix = "/problems/"

// URI returns the problem's "type" member: a URI reference relative to
// the server, ProblemTypePrefix followed by Name.
func (p ProblemType) URI() string { return ProblemTypePrefix + p.Name }

// statusFor returns the status of the problem in answer to r.
func (p ProblemType) statusFor(r *http.Request) int {
	for _, f := range p.NotFoundIn {
		if strings.Contains(r.Pattern, f) {
			return http.StatusNotFound
		}
	}
	return p.Status
}

// The problem types, in the order the API reference lists them.
var (
	ProblemInvalidID = ProblemType{Name: "invalid-id", Title: "Invalid identifier", Status: http.StatusBadRequest,
		Description: "An identifier in the request body is not a UUID, or is the nil UUID."}

	ProblemInvalidEmail = ProblemType{Name: "invalid-email", Title: "Invalid email", Status: http.StatusUnprocessableEntity,
		Description: "The email address is empty, or has no '@' with text on both sides."}
	ProblemInvalidTier = ProblemType{Name: "invalid-tier", Title: "Invalid enrollment tier", Status: http.StatusUnprocessableEntity,
		Description: "The tier is not Basic, Standard, Professional or Master."}
	ProblemCourseNameRequired = ProblemType{Name: "course-name-required", Title: "Course name required", Status: http.StatusUnprocessableEntity,
		Description: "A course needs a name."}
	ProblemInvalidStudentLimit = ProblemType{Name: "invalid-student-limit", Title: "Invalid student limit", Status: http.StatusUnprocessableEntity,
		Description: "A course's number of seats must be greater than zero."}
	ProblemInvalidAmount = ProblemType{Name: "invalid-amount", Title: "Invalid amount", Status: http.StatusUnprocessableEntity,
		Description: "An invoice's amount must be greater than zero."}
	ProblemInvalidPrice = ProblemType{Name: "invalid-price", Title: "Invalid price", Status: http.StatusUnprocessableEntity,
		Description: "A book's price must be greater than zero."}
	ProblemEmptyOrder = ProblemType{Name: "empty-order", Title: "Empty order", Status: http.StatusUnprocessableEntity,
		Description: "An order needs at least one book."}

	ProblemCourseNotFound = ProblemType{Name: "course-not-found", Title: "Course not found", Status: http.StatusUnprocessableEntity,
		NotFoundIn:  []string{"/courses/{id}", "/courses/aggregate/{id}"},
		Description: "No course was created with the id: 404 when the path names the course, 422 when the body does."}
	ProblemStudentNotFound = ProblemType{Name: "student-not-found", Title: "Student not found", Status: http.StatusUnprocessableEntity,
		NotFoundIn:  []string{"/students/{id}"},
		Description: "No student registered with the id: 404 when the path names the student, 422 when the body does."}
	ProblemBookNotFound = ProblemType{Name: "book-not-found", Title: "Course book not found", Status: http.StatusUnprocessableEntity,
		NotFoundIn:  []string{"/course-books/{id}"},
		Description: "No course book was defined with the id: 404 when the path names the book, 422 when the body does."}
	ProblemTokenNotFound = ProblemType{Name: "token-not-found", Title: "Exam registration token not found", Status: http.StatusNotFound,
		Description: "No exam registration token was issued with the id."}
	ProblemAnnouncementNotFound = ProblemType{Name: "announcement-not-found", Title: "Announcement not found", Status: http.StatusNotFound,
		Description: "No announcement was posted to the course with the idempotency token."}

	ProblemEmailTaken = ProblemType{Name: "email-taken", Title: "Email taken", Status: http.StatusConflict,
		Description: "Another student registered with the address (compared trimmed and case-insensitively)."}
	ProblemCourseExists = ProblemType{Name: "course-exists", Title: "Course exists", Status: http.StatusConflict,
		Description: "A course was created with the id already."}
	ProblemAlreadyEnrolled = ProblemType{Name: "already-enrolled", Title: "Already enrolled", Status: http.StatusConflict,
		Description: "The student has a seat in the course already."}
	ProblemCourseFull = ProblemType{Name: "course-full", Title: "Course full", Status: http.StatusConflict,
		Description: "Every seat of the course is taken. The losers of a race for the last seat get this problem."}
	ProblemEnrollmentLimit = ProblemType{Name: "enrollment-limit", Title: "Enrollment limit reached", Status: http.StatusConflict,
		Description: "The student is enrolled in as many courses as the tier allows (Basic 2, Standard 5, Professional 10, Master 25)."}
	ProblemCapacityBelowEnrollments = ProblemType{Name: "capacity-below-enrollments", Title: "Capacity below enrollments", Status: http.StatusConflict,
		Description: "The new number of seats is below the number of students enrolled."}
	ProblemBookExists = ProblemType{Name: "book-exists", Title: "Course book exists", Status: http.StatusConflict,
		Description: "A course book was defined with the id already."}
	ProblemStalePrice = ProblemType{Name: "stale-price", Title: "Stale price", Status: http.StatusConflict,
		Description: "The price the student was shown is neither the book's price nor, within the grace period, its previous one."}
	ProblemResubmission = ProblemType{Name: "resubmission", Title: "Re-submission", Status: http.StatusConflict,
		Description: "An announcement was posted with the idempotency token already, and not retracted since."}
	ProblemAnnouncementRetracted = ProblemType{Name: "announcement-retracted", Title: "Announcement retracted", Status: http.StatusConflict,
		Description: "The announcement was retracted already."}
	ProblemTokenRevoked = ProblemType{Name: "token-revoked", Title: "Exam registration token revoked", Status: http.StatusConflict,
		Description: "Redeeming a token that was revoked."}
	ProblemTokenUsed = ProblemType{Name: "token-used", Title: "Exam registration token used", Status: http.StatusConflict,
		Description: "Redeeming a token a second time."}
	ProblemTokenAlreadyRevoked = ProblemType{Name: "token-already-revoked", Title: "Exam registration token already revoked", Status: http.StatusConflict,
		Description: "Revoking a token a second time."}
	ProblemTokenRedeemed = ProblemType{Name: "token-redeemed", Title: "Exam registration token redeemed", Status: http.StatusConflict,
		Description: "Revoking a token that was redeemed."}
	ProblemWriteConflict = ProblemType{Name: "write-conflict", Title: "Write conflict", Status: http.StatusConflict,
		Description: "Concurrent writes changed what the decision was built on, on every attempt: send the request again."}
)

// ProblemTypes returns every problem type, in the order the API reference
// lists them.
func ProblemTypes() []ProblemType {
	return []ProblemType{
		ProblemInvalidID,
		ProblemInvalidEmail, ProblemInvalidTier, ProblemCourseNameRequired, ProblemInvalidStudentLimit,
		ProblemInvalidAmount, ProblemInvalidPrice, ProblemEmptyOrder,
		ProblemCourseNotFound, ProblemStudentNotFound, ProblemBookNotFound, ProblemTokenNotFound, ProblemAnnouncementNotFound,
		ProblemEmailTaken, ProblemCourseExists, ProblemAlreadyEnrolled, ProblemCourseFull, ProblemEnrollmentLimit,
		ProblemCapacityBelowEnrollments, ProblemBookExists, ProblemStalePrice, ProblemResubmission, ProblemAnnouncementRetracted,
		ProblemTokenRevoked, ProblemTokenUsed, ProblemTokenAlreadyRevoked, ProblemTokenRedeemed,
		ProblemWriteConflict,
	}
}

// rejections are the fixed-message rules' problem types.
var rejections = map[Rejection]ProblemType{
	ErrEmailTaken:             ProblemEmailTaken,
	ErrInvalidEmail:           ProblemInvalidEmail,
	ErrInvalidTier:            ProblemInvalidTier,
	ErrCourseNameRequired:     ProblemCourseNameRequired,
	ErrCourseExists:           ProblemCourseExists,
	ErrInvalidMaxStudentCount: ProblemInvalidStudentLimit,
	ErrCourseNotFound:         ProblemCourseNotFound,
	ErrStudentNotRegistered:   ProblemStudentNotFound,
	ErrAlreadyEnrolled:        ProblemAlreadyEnrolled,
	ErrInvalidAmount:          ProblemInvalidAmount,
	ErrResubmission:           ProblemResubmission,
	ErrAnnouncementNotFound:   ProblemAnnouncementNotFound,
	ErrAnnouncementRetracted:  ProblemAnnouncementRetracted,
	ErrTokenNotFound:          ProblemTokenNotFound,
	ErrTokenRevoked:           ProblemTokenRevoked,
	ErrTokenUsed:              ProblemTokenUsed,
	ErrTokenAlreadyRevoked:    ProblemTokenAlreadyRevoked,
	ErrTokenRedeemed:          ProblemTokenRedeemed,
	ErrInvalidPrice:           ProblemInvalidPrice,
	ErrEmptyOrder:             ProblemEmptyOrder,
}

// ProblemTypeOf returns the problem type of err: the type of the broken
// rule or of the conflict it is or wraps. ok is false for any other error.
func ProblemTypeOf(err error) (p ProblemType, ok bool) {
	var conflict *ConflictError
	if errors.As(err, &conflict) {
		return ProblemWriteConflict, true
	}
	var rule DomainError
	if !errors.As(err, &rule) {
		return ProblemType{}, false
	}
	switch rule := rule.(type) {
	case Rejection:
		p, ok = rejections[rule]
	case InvalidIDError:
		p, ok = ProblemInvalidID, true
	case StudentNotFoundError, AggregateStudentNotFoundError:
		p, ok = ProblemStudentNotFound, true
	case CourseNotFoundError, AggregateCourseNotFoundError:
		p, ok = ProblemCourseNotFound, true
	case CourseFullError, FullyBookedError:
		p, ok = ProblemCourseFull, true
	case AlreadySubscribedError:
		p, ok = ProblemAlreadyEnrolled, true
	case EnrollmentLimitError:
		p, ok = ProblemEnrollmentLimit, true
	case CapacityBelowEnrollmentsError:
		p, ok = ProblemCapacityBelowEnrollments, true
	case BookExistsError:
		p, ok = ProblemBookExists, true
	case BookNotFoundError:
		p, ok = ProblemBookNotFound, true
	case StalePriceError, StaleOrderPriceError:
		p, ok = ProblemStalePrice, true
	}
	return p, ok
}
