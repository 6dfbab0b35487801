package dcb

import (
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Event types of the lesson. Every event below is given: lessons 01 and 02
// built events like these.
const (
	StudentRegisteredType     = "StudentRegistered"
	CourseDefinedType         = "CourseDefined"
	CourseCapacityChangedType = "CourseCapacityChanged"
	StudentEnrolledType       = "StudentEnrolled"
	InvoiceCreatedType        = "InvoiceCreated"
	AnnouncementPostedType    = "AnnouncementPosted"
)

// Tag keys. A tag links an event to the entity or the value a decision is
// about; the queries of this lesson select by them.
const (
	StudentKey = "studentId"
	CourseKey  = "courseId"
	EmailKey   = "email"
	InvoiceKey = "invoiceNumber"
	TokenKey   = "idempotencyToken"
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

// TokenTag links an event to the idempotency token of the request that
// caused it.
func TokenTag(token string) store.Tag { return store.NewTag(TokenKey, token) }

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up with an email address that no other student has.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// Event returns the fact as an event tagged with the student and the
// normalized email.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, StudentTag(r.StudentID), EmailTag(r.Email))
}

// CourseDefined is the data of a CourseDefined event: a course opened with
// room for Capacity students.
type CourseDefined struct {
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event tagged with the course.
func (c CourseDefined) Event() store.Event {
	return store.MustEvent(CourseDefinedType, c, CourseTag(c.CourseID))
}

// CourseCapacityChanged is the data of a CourseCapacityChanged event: the
// course now has room for Capacity students. Students already enrolled
// stay enrolled, even when the new capacity is smaller.
type CourseCapacityChanged struct {
	CourseID string `json:"courseId"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event tagged with the course.
func (c CourseCapacityChanged) Event() store.Event {
	return store.MustEvent(CourseCapacityChangedType, c, CourseTag(c.CourseID))
}

// StudentEnrolled is the data of a StudentEnrolled event: a student took a
// seat in a course. It is ONE fact about TWO entities, so it carries both
// tags: the course's seat count and the student's course count both
// change with it.
type StudentEnrolled struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event tagged with the student and the
// course.
func (e StudentEnrolled) Event() store.Event {
	return store.MustEvent(StudentEnrolledType, e, StudentTag(e.StudentID), CourseTag(e.CourseID))
}

// InvoiceCreated is the data of an InvoiceCreated event. Invoice numbers
// start at 1 and have no gaps: the law in many countries.
type InvoiceCreated struct {
	Number      int    `json:"number"`
	CustomerID  string `json:"customerId"`
	AmountCents int    `json:"amountCents"`
}

// Event returns the fact as an event tagged with its number.
func (i InvoiceCreated) Event() store.Event {
	return store.MustEvent(InvoiceCreatedType, i, InvoiceTag(i.Number))
}

// AnnouncementPosted is the data of an AnnouncementPosted event. Token is
// the idempotency token the client sent with its request: a client that
// did not hear back sends the same request, with the same token, again.
type AnnouncementPosted struct {
	AnnouncementID string `json:"announcementId"`
	CourseID       string `json:"courseId"`
	Title          string `json:"title"`
	Token          string `json:"idempotencyToken"`
}

// Event returns the fact as an event tagged with the course and the token.
func (a AnnouncementPosted) Event() store.Event {
	return store.MustEvent(AnnouncementPostedType, a, CourseTag(a.CourseID), TokenTag(a.Token))
}
