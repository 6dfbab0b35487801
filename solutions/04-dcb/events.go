package dcb

import (
	"strconv"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// Event types of the lesson. Every event below is given: lessons 01 and 02
// built events like these.
const (
	StudentRegisteredType          = "StudentRegistered"
	CourseCreatedType              = "CourseCreated"
	CourseStudentLimitModifiedType = "CourseStudentLimitModified"
	StudentEnrolledToCourseType    = "StudentEnrolledToCourse"
	InvoiceCreatedType             = "InvoiceCreated"
	CourseAnnouncementPostedType   = "CourseAnnouncementPosted"
)

// Tag keys. A tag links an event to the entity or the value a decision is
// about; the queries of this lesson select by them.
const (
	StudentKey     = "studentId"
	CourseKey      = "courseId"
	EmailKey       = "studentEmail"
	InvoiceKey     = "invoiceNumber"
	IdempotencyKey = "idempotency"
)

// MaxCoursesPerStudent is how many courses one student may join.
const MaxCoursesPerStudent = 3

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// CourseTag links an event to a course.
func CourseTag(courseID string) store.Tag { return store.NewTag(CourseKey, courseID) }

// EmailTag links an event to an email address, normalized: surrounding
// spaces removed and lower case, so that "Ada@Example.com " and
// "ada@example.com" are the same tag. Tags compare exactly; normalize
// before you tag, never after.
func EmailTag(email string) store.Tag {
	return store.NewTag(EmailKey, strings.ToLower(strings.TrimSpace(email)))
}

// InvoiceTag links an event to an invoice number.
func InvoiceTag(number int) store.Tag { return store.NewTag(InvoiceKey, strconv.Itoa(number)) }

// IdempotencyTag links an event to the idempotency token of the request that
// caused it.
func IdempotencyTag(token string) store.Tag { return store.NewTag(IdempotencyKey, token) }

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up with an email address that no other student has.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact as an event tagged with the student and the
// normalized email.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, StudentTag(r.StudentID), EmailTag(r.Email))
}

// CourseCreated is the data of a CourseCreated event: a course opened with
// room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact as an event tagged with the course.
func (c CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, c, CourseTag(c.CourseID))
}

// CourseStudentLimitModified is the data of a CourseStudentLimitModified event: the
// course now has room for MaxStudentCount students. Students already enrolled
// stay enrolled, even when the new capacity is smaller.
type CourseStudentLimitModified struct {
	CourseID           string `json:"courseId"`
	NewMaxStudentCount int    `json:"newMaxStudentCount"`
}

// Event returns the fact as an event tagged with the course.
func (c CourseStudentLimitModified) Event() store.Event {
	return store.MustEvent(CourseStudentLimitModifiedType, c, CourseTag(c.CourseID))
}

// StudentEnrolledToCourse is the data of a StudentEnrolledToCourse event: a student took a
// seat in a course. It is ONE fact about TWO entities, so it carries both
// tags: the course's seat count and the student's course count both
// change with it.
type StudentEnrolledToCourse struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event tagged with the student and the
// course.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, StudentTag(e.StudentID), CourseTag(e.CourseID))
}

// InvoiceCreated is the data of an InvoiceCreated event. Invoice numbers
// start at 1 and have no gaps: the law in many countries. Amount is exact,
// in cents (courseapp.Money, the sample's money type, a JSON number with
// two decimals); IssuedAt is the date the invoice carries, part of the
// fact.
type InvoiceCreated struct {
	InvoiceNumber int             `json:"invoiceNumber"`
	CustomerID    string          `json:"customerId"`
	Amount        courseapp.Money `json:"amount"`
	IssuedAt      time.Time       `json:"issuedAt"`
}

// Event returns the fact as an event tagged with its number.
func (i InvoiceCreated) Event() store.Event {
	return store.MustEvent(InvoiceCreatedType, i, InvoiceTag(i.InvoiceNumber))
}

// CourseAnnouncementPosted is the data of an CourseAnnouncementPosted event. Token is
// the idempotency token the client sent with its request: a client that
// did not hear back sends the same request, with the same token, again.
type CourseAnnouncementPosted struct {
	AnnouncementID   string `json:"announcementId"`
	CourseID         string `json:"courseId"`
	Title            string `json:"title"`
	Body             string `json:"body"`
	IdempotencyToken string `json:"idempotencyToken"`
}

// Event returns the fact as an event tagged with the course and the token.
func (a CourseAnnouncementPosted) Event() store.Event {
	return store.MustEvent(CourseAnnouncementPostedType, a, CourseTag(a.CourseID), IdempotencyTag(a.IdempotencyToken))
}
