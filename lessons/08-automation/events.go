package automation

import (
	"strconv"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// Event types, as in the CourseManagement sample; InvoiceRefused is this
// lesson's.
const (
	StudentEnrolledToCourseType = "StudentEnrolledToCourse"
	InvoiceCreatedType          = "InvoiceCreated"
	InvoiceRefusedType          = "InvoiceRefused"
)

// Tag keys.
const (
	StudentKey   = "studentId"
	CourseKey    = "courseId"
	InvoiceKey   = "invoiceNumber"
	CausationKey = "causationId"
)

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// CourseTag links an event to a course.
func CourseTag(courseID string) store.Tag { return store.NewTag(CourseKey, courseID) }

// InvoiceTag links an event to an invoice number, in decimal.
func InvoiceTag(number int) store.Tag { return store.NewTag(InvoiceKey, strconv.Itoa(number)) }

// CausationTag links an event to the event that caused it, by that
// event's id: every event the reactor appends for an enrollment carries
// the enrollment's id in this tag, so "was this enrollment handled?" is a
// query.
func CausationTag(cause store.EventID) store.Tag { return store.NewTag(CausationKey, cause.String()) }

// StudentEnrolledToCourse: the student took a seat in the course.
type StudentEnrolledToCourse struct {
	CourseID  string `json:"courseId"`
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the course and the student.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, CourseTag(e.CourseID), StudentTag(e.StudentID))
}

// CoursePrice is what an enrollment costs: every course of this lesson
// has the same price.
const CoursePrice courseapp.Money = 250_00

// InvoiceCreated: invoice InvoiceNumber was issued to CustomerID, for
// Amount, dated IssuedAt; the CourseManagement sample's data. Numbers
// start at 1 and have no gaps.
type InvoiceCreated struct {
	InvoiceNumber int             `json:"invoiceNumber"`
	CustomerID    string          `json:"customerId"`
	Amount        courseapp.Money `json:"amount"`
	IssuedAt      time.Time       `json:"issuedAt"`
}

// Event returns the fact tagged with its number and with the enrollment
// that caused it, whose id is also its metadata's CausationID.
func (e InvoiceCreated) Event(cause store.EventID) store.Event {
	ev := store.MustEvent(InvoiceCreatedType, e, InvoiceTag(e.InvoiceNumber), CausationTag(cause))
	ev.Metadata.CausationID = cause.String()
	return ev
}

// InvoiceRefused: the reactor could not invoice the enrollment that caused
// it (a poison event) and parked it, so that it can go on with the next.
type InvoiceRefused struct {
	Reason string `json:"reason"`
}

// Event returns the fact tagged with the enrollment that caused it.
func (e InvoiceRefused) Event(cause store.EventID) store.Event {
	ev := store.MustEvent(InvoiceRefusedType, e, CausationTag(cause))
	ev.Metadata.CausationID = cause.String()
	return ev
}
