package courseapp

import (
	"fmt"
)

// DomainError is a broken business rule. Its text is the message the API
// shows the user, word for word the reference sample's message where it has
// one. A decision that breaks a rule returns one and appends nothing;
// deciding again would decide the same, so domain errors are never retried.
// The HTTP layer answers each with its ProblemType (ProblemTypeOf), the
// message as the problem's detail.
//
// Every rule is a value: a Rejection for fixed messages, a struct for the
// rules whose message names something. Match them with errors.Is (a struct
// compares by its fields) or errors.As (any value of the type).
type DomainError interface {
	error
	brokenRule()
}

// Rejection is a broken rule with a fixed message.
type Rejection string

func (r Rejection) Error() string { return string(r) }
func (Rejection) brokenRule()     {}

// The rules with a fixed message.
var (
	// ErrEmailTaken: another student registered with the same address
	// (compared normalized: see EmailTag).
	ErrEmailTaken = Rejection("A user with this email already exists.")
	// ErrInvalidEmail: the address is empty or has no '@' with text on
	// both sides.
	ErrInvalidEmail = Rejection("A valid email address is required.")
	// ErrInvalidTier: the tier is not Basic, Standard, Professional or
	// Master ("None" included).
	ErrInvalidTier = Rejection("Enrollment tier must be one of Basic, Standard, Professional or Master.")
	// ErrCourseNameRequired: a course needs a name.
	ErrCourseNameRequired = Rejection("Course name must not be empty.")
	// ErrCourseExists: a course with the id was created already.
	ErrCourseExists = Rejection("Course already exists.")
	// ErrInvalidMaxStudentCount: a course's capacity must be positive.
	ErrInvalidMaxStudentCount = Rejection("Maximum student count must be greater than zero.")
	// ErrCourseNotFound: no CourseCreated for the course.
	ErrCourseNotFound = Rejection("Course does not exist.")
	// ErrStudentNotRegistered: no StudentRegistered for the student.
	ErrStudentNotRegistered = Rejection("Student is not registered.")
	// ErrAlreadyEnrolled: the student has a seat in the course already.
	ErrAlreadyEnrolled = Rejection("Student is already enrolled in this course.")
	// ErrInvalidAmount: an invoice amount must be positive.
	ErrInvalidAmount = Rejection("'amount' must be greater than zero.")
	// ErrResubmission: a request with the same idempotency token was
	// processed already (and its announcement not retracted since).
	ErrResubmission = Rejection("Re-submission detected: this request has already been processed.")
	// ErrAnnouncementNotFound: no announcement was posted with the token
	// (to the course named in the request).
	ErrAnnouncementNotFound = Rejection("Announcement not found.")
	// ErrAnnouncementRetracted: the announcement was retracted already.
	ErrAnnouncementRetracted = Rejection("Announcement has already been retracted.")
	// ErrTokenNotFound: no exam registration token was issued with the id.
	ErrTokenNotFound = Rejection("Exam registration token not found.")
	// ErrTokenRevoked: redeeming a revoked token.
	ErrTokenRevoked = Rejection("Exam registration token has been revoked.")
	// ErrTokenUsed: redeeming a token a second time.
	ErrTokenUsed = Rejection("Exam registration token has already been used.")
	// ErrTokenAlreadyRevoked: revoking a token a second time.
	ErrTokenAlreadyRevoked = Rejection("Exam registration token has already been revoked.")
	// ErrTokenRedeemed: revoking a token that was used.
	ErrTokenRedeemed = Rejection("Cannot revoke a token that has already been redeemed.")
	// ErrInvalidPrice: a book's price must be positive.
	ErrInvalidPrice = Rejection("Price must be greater than zero.")
	// ErrEmptyOrder: an order needs at least one book.
	ErrEmptyOrder = Rejection("Order must contain at least one item.")
)

// InvalidIDError: an input that must name an entity is not a UUID, or is
// the nil UUID.
type InvalidIDError struct{ Field string }

func (e InvalidIDError) Error() string {
	return fmt.Sprintf("'%s' must be a valid non-empty GUID.", e.Field)
}
func (InvalidIDError) brokenRule() {}

// StudentNotFoundError: a command names a student who never registered.
type StudentNotFoundError struct{ StudentID string }

func (e StudentNotFoundError) Error() string {
	return fmt.Sprintf("Student with ID %s does not exist.", e.StudentID)
}
func (StudentNotFoundError) brokenRule() {}

// CourseNotFoundError: a command names a course that was never created.
type CourseNotFoundError struct{ CourseID string }

func (e CourseNotFoundError) Error() string {
	return fmt.Sprintf("Course with ID %s does not exist.", e.CourseID)
}
func (CourseNotFoundError) brokenRule() {}

// CourseFullError: every seat of the course is taken.
type CourseFullError struct{ Max int }

func (e CourseFullError) Error() string {
	return fmt.Sprintf("Course is at maximum capacity (%d students).", e.Max)
}
func (CourseFullError) brokenRule() {}

// EnrollmentLimitError: the student is enrolled in as many courses as the
// tier allows.
type EnrollmentLimitError struct {
	Max  int
	Tier Tier
}

func (e EnrollmentLimitError) Error() string {
	return fmt.Sprintf("Student has reached their enrollment limit (%d courses for %s tier).", e.Max, e.Tier)
}
func (EnrollmentLimitError) brokenRule() {}

// CapacityBelowEnrollmentsError: a capacity change would leave more
// students enrolled than there are seats.
type CapacityBelowEnrollmentsError struct {
	CourseID string
	Count    int
}

func (e CapacityBelowEnrollmentsError) Error() string {
	return fmt.Sprintf("Course %q already has %d active subscriptions, can't set the capacity below that.", e.CourseID, e.Count)
}
func (CapacityBelowEnrollmentsError) brokenRule() {}

// BookExistsError: a book with the id was defined already.
type BookExistsError struct{ BookID string }

func (e BookExistsError) Error() string {
	return fmt.Sprintf("Course book '%s' already exists.", e.BookID)
}
func (BookExistsError) brokenRule() {}

// BookNotFoundError: no CourseBookDefined for the book.
type BookNotFoundError struct{ BookID string }

func (e BookNotFoundError) Error() string {
	return fmt.Sprintf("Course book '%s' does not exist.", e.BookID)
}
func (BookNotFoundError) brokenRule() {}

// StalePriceError: the price the student was shown is neither the book's
// current price nor its previous one within the grace period.
type StalePriceError struct{ Displayed Money }

func (e StalePriceError) Error() string {
	return fmt.Sprintf("The displayed price %s is no longer valid. Please refresh and try again.", e.Displayed)
}
func (StalePriceError) brokenRule() {}

// StaleOrderPriceError is StalePriceError for one book of an order.
type StaleOrderPriceError struct {
	Displayed Money
	BookID    string
}

func (e StaleOrderPriceError) Error() string {
	return fmt.Sprintf("The displayed price %s for book '%s' is no longer valid. Please refresh and try again.", e.Displayed, e.BookID)
}
func (StaleOrderPriceError) brokenRule() {}

// ConflictMessage is the detail of a conflict that no retry resolved, for
// commands that have no message of their own.
const ConflictMessage = "The operation failed because the resource was modified by another request. Please refresh and try again."

// ConflictError is a command that lost every race it ran: each attempt's
// append was rejected because another writer changed what the decision
// was built on. Message is the command's conflict message; Err is the last
// conflict (a *decision.ExhaustedError wrapping a *store.ConditionError),
// so errors.Is(err, store.ErrAppendConditionFailed) holds. The HTTP layer
// answers it as ProblemWriteConflict, 409 Conflict.
type ConflictError struct {
	Message string
	Err     error
}

func (e *ConflictError) Error() string { return e.Message }

// Unwrap returns the last conflict.
func (e *ConflictError) Unwrap() error { return e.Err }

// The aggregate variant's own errors. Its messages differ from the DCB
// path's, as they do in the reference sample.
type (
	// AggregateCourseNotFoundError: no event is tagged with the course.
	AggregateCourseNotFoundError struct{ CourseID string }
	// AggregateStudentNotFoundError: no event is tagged with the student.
	AggregateStudentNotFoundError struct{ StudentID string }
	// AlreadySubscribedError: the student is in the course already.
	AlreadySubscribedError struct{ StudentID, CourseID string }
	// FullyBookedError: every seat of the course is taken.
	FullyBookedError struct{ CourseID string }
)

func (e AggregateCourseNotFoundError) Error() string {
	return fmt.Sprintf("Course '%s' does not exist.", e.CourseID)
}
func (AggregateCourseNotFoundError) brokenRule() {}

func (e AggregateStudentNotFoundError) Error() string {
	return fmt.Sprintf("Student '%s' is not registered.", e.StudentID)
}
func (AggregateStudentNotFoundError) brokenRule() {}

func (e AlreadySubscribedError) Error() string {
	return fmt.Sprintf("Student %q is already subscribed to course %q.", e.StudentID, e.CourseID)
}
func (AlreadySubscribedError) brokenRule() {}

func (e FullyBookedError) Error() string {
	return fmt.Sprintf("Course %q is already fully booked.", e.CourseID)
}
func (FullyBookedError) brokenRule() {}
