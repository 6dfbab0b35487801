package coursemanagement

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// The 15 event types of the domain. The reference sample names its events
// after C# records (StudentRegisteredEvent); the store's type is the name of
// the fact, so the suffix is dropped.
const (
	StudentRegisteredType           = "StudentRegistered"
	StudentSubscriptionUpdatedType  = "StudentSubscriptionUpdated"
	CourseCreatedType               = "CourseCreated"
	CourseStudentLimitModifiedType  = "CourseStudentLimitModified"
	StudentEnrolledToCourseType     = "StudentEnrolledToCourse"
	InvoiceCreatedType              = "InvoiceCreated"
	CourseAnnouncementPostedType    = "CourseAnnouncementPosted"
	CourseAnnouncementRetractedType = "CourseAnnouncementRetracted"
	ExamTokenIssuedType             = "ExamRegistrationTokenIssued"
	ExamTokenRedeemedType           = "ExamRegistrationTokenRedeemed"
	ExamTokenRevokedType            = "ExamRegistrationTokenRevoked"
	CourseBookDefinedType           = "CourseBookDefined"
	CourseBookPriceChangedType      = "CourseBookPriceChanged"
	CourseBookPurchasedType         = "CourseBookPurchased"
	CourseBooksOrderedType          = "CourseBooksOrdered"
)

// Tag keys. A tag links an event to an entity or a value that decisions
// and read models select by.
const (
	StudentKey     = "studentId"
	EmailKey       = "studentEmail"
	CourseKey      = "courseId"
	InvoiceKey     = "invoiceNumber"
	IdempotencyKey = "idempotency"
	ExamTokenKey   = "examToken"
	ExamKey        = "examId"
	BookKey        = "bookId"
)

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// EmailTag links an event to an email address, normalized: surrounding
// spaces removed, lower case. "Ada@Example.com " and "ada@example.com" are
// one address, so they are one tag; tags compare exactly, so the
// normalization happens here, before tagging and before querying.
func EmailTag(email string) store.Tag { return store.NewTag(EmailKey, NormalizeEmail(email)) }

// NormalizeEmail trims spaces and lowers the case of an address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CourseTag links an event to a course.
func CourseTag(courseID string) store.Tag { return store.NewTag(CourseKey, courseID) }

// InvoiceTag links an event to an invoice number, in decimal.
func InvoiceTag(number int) store.Tag { return store.NewTag(InvoiceKey, strconv.Itoa(number)) }

// IdempotencyTag links an event to the idempotency token of the request
// that caused it.
func IdempotencyTag(token string) store.Tag { return store.NewTag(IdempotencyKey, token) }

// ExamTokenTag links an event to an exam registration token.
func ExamTokenTag(tokenID string) store.Tag { return store.NewTag(ExamTokenKey, tokenID) }

// ExamTag links an event to an exam.
func ExamTag(examID string) store.Tag { return store.NewTag(ExamKey, examID) }

// BookTag links an event to a course book.
func BookTag(bookID string) store.Tag { return store.NewTag(BookKey, bookID) }

// StudentRegistered: a student signed up. A new student is always on the
// Basic tier; the event carries no tier. Email keeps the address as it was
// typed (trimmed); the studentEmail tag carries its normalized form.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact tagged with the student and the normalized email.
func (e StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, e, StudentTag(e.StudentID), EmailTag(e.Email))
}

// StudentSubscriptionUpdated: the student's tier changed.
type StudentSubscriptionUpdated struct {
	StudentID      string         `json:"studentId"`
	EnrollmentTier courseapp.Tier `json:"enrollmentTier"`
}

// Event returns the fact tagged with the student.
func (e StudentSubscriptionUpdated) Event() store.Event {
	return store.MustEvent(StudentSubscriptionUpdatedType, e, StudentTag(e.StudentID))
}

// CourseCreated: a course opened with room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact tagged with the course.
func (e CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, e, CourseTag(e.CourseID))
}

// CourseStudentLimitModified: the course now has room for
// NewMaxStudentCount students.
type CourseStudentLimitModified struct {
	CourseID           string `json:"courseId"`
	NewMaxStudentCount int    `json:"newMaxStudentCount"`
}

// Event returns the fact tagged with the course.
func (e CourseStudentLimitModified) Event() store.Event {
	return store.MustEvent(CourseStudentLimitModifiedType, e, CourseTag(e.CourseID))
}

// StudentEnrolledToCourse: a student took a seat in a course. One fact
// about two entities, so it carries both tags: the course's seat count and
// the student's course count both change with it.
type StudentEnrolledToCourse struct {
	CourseID  string `json:"courseId"`
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the course and the student.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, CourseTag(e.CourseID), StudentTag(e.StudentID))
}

// InvoiceCreated: invoice InvoiceNumber was issued. Numbers start at 1 and
// have no gaps. The customer is any party with an id; it is not checked
// against the students.
type InvoiceCreated struct {
	InvoiceNumber int             `json:"invoiceNumber"`
	CustomerID    string          `json:"customerId"`
	Amount        courseapp.Money `json:"amount"`
	IssuedAt      time.Time       `json:"issuedAt"`
}

// Event returns the fact tagged with its number (and nothing else: the
// numbering boundary is "all invoices", selected by type).
func (e InvoiceCreated) Event() store.Event {
	return store.MustEvent(InvoiceCreatedType, e, InvoiceTag(e.InvoiceNumber))
}

// CourseAnnouncementPosted: an announcement was posted to a course.
// IdempotencyToken is the token the client generated for the request; a
// client that did not hear back sends the same request with the same token.
type CourseAnnouncementPosted struct {
	AnnouncementID   string `json:"announcementId"`
	CourseID         string `json:"courseId"`
	Title            string `json:"title"`
	Body             string `json:"body"`
	IdempotencyToken string `json:"idempotencyToken"`
}

// Event returns the fact tagged with the course and the token.
func (e CourseAnnouncementPosted) Event() store.Event {
	return store.MustEvent(CourseAnnouncementPostedType, e, CourseTag(e.CourseID), IdempotencyTag(e.IdempotencyToken))
}

// CourseAnnouncementRetracted: the announcement posted with the token was
// taken back, which frees the token for a new post.
type CourseAnnouncementRetracted struct {
	AnnouncementID   string `json:"announcementId"`
	CourseID         string `json:"courseId"`
	IdempotencyToken string `json:"idempotencyToken"`
}

// Event returns the fact tagged with the course and the token.
func (e CourseAnnouncementRetracted) Event() store.Event {
	return store.MustEvent(CourseAnnouncementRetractedType, e, CourseTag(e.CourseID), IdempotencyTag(e.IdempotencyToken))
}

// ExamRegistrationTokenIssued: a token that lets one student register for
// an exam of a course was issued. The event store is the registry of
// tokens: there is no table of valid tokens, only these events.
type ExamRegistrationTokenIssued struct {
	TokenID  string `json:"tokenId"`
	ExamID   string `json:"examId"`
	CourseID string `json:"courseId"`
}

// Event returns the fact tagged with the token, the exam and the course.
func (e ExamRegistrationTokenIssued) Event() store.Event {
	return store.MustEvent(ExamTokenIssuedType, e, ExamTokenTag(e.TokenID), ExamTag(e.ExamID), CourseTag(e.CourseID))
}

// ExamRegistrationTokenRedeemed: a student used the token.
type ExamRegistrationTokenRedeemed struct {
	TokenID   string `json:"tokenId"`
	ExamID    string `json:"examId"`
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the token, the exam and the student.
func (e ExamRegistrationTokenRedeemed) Event() store.Event {
	return store.MustEvent(ExamTokenRedeemedType, e, ExamTokenTag(e.TokenID), ExamTag(e.ExamID), StudentTag(e.StudentID))
}

// ExamRegistrationTokenRevoked: the token can no longer be used.
type ExamRegistrationTokenRevoked struct {
	TokenID string `json:"tokenId"`
	ExamID  string `json:"examId"`
}

// Event returns the fact tagged with the token and the exam.
func (e ExamRegistrationTokenRevoked) Event() store.Event {
	return store.MustEvent(ExamTokenRevokedType, e, ExamTokenTag(e.TokenID), ExamTag(e.ExamID))
}

// CourseBookDefined: a book for a course went on sale at Price.
type CourseBookDefined struct {
	BookID   string          `json:"bookId"`
	Title    string          `json:"title"`
	Author   string          `json:"author"`
	Isbn     string          `json:"isbn"`
	Price    courseapp.Money `json:"price"`
	CourseID string          `json:"courseId"`
}

// Event returns the fact tagged with the book and its course.
func (e CourseBookDefined) Event() store.Event {
	return store.MustEvent(CourseBookDefinedType, e, BookTag(e.BookID), CourseTag(e.CourseID))
}

// CourseBookPriceChanged: the book costs NewPrice since ChangedAt. The
// previous price stays valid for a grace period after ChangedAt (see
// PriceWithGracePeriod): the rule needs the time of the change, so the
// time is part of the fact, not only of the event's metadata.
type CourseBookPriceChanged struct {
	BookID    string          `json:"bookId"`
	NewPrice  courseapp.Money `json:"newPrice"`
	ChangedAt time.Time       `json:"changedAt"`
}

// Event returns the fact tagged with the book.
func (e CourseBookPriceChanged) Event() store.Event {
	return store.MustEvent(CourseBookPriceChangedType, e, BookTag(e.BookID))
}

// CourseBookPurchased: a student bought one book at PricePaid, the price
// the student was shown. CourseID is the book's course, copied from its
// definition when the purchase was decided.
type CourseBookPurchased struct {
	BookID    string          `json:"bookId"`
	StudentID string          `json:"studentId"`
	CourseID  string          `json:"courseId"`
	PricePaid courseapp.Money `json:"pricePaid"`
}

// Event returns the fact tagged with the book, the student and the course.
func (e CourseBookPurchased) Event() store.Event {
	return store.MustEvent(CourseBookPurchasedType, e, BookTag(e.BookID), StudentTag(e.StudentID), CourseTag(e.CourseID))
}

// OrderLine is one book of an order and the price paid for it.
type OrderLine struct {
	BookID    string          `json:"bookId"`
	PricePaid courseapp.Money `json:"pricePaid"`
}

// CourseBooksOrdered: a student ordered books of one course in a shopping
// cart order. An order whose books belong to several courses is recorded
// as one CourseBooksOrdered per course, appended together in one atomic
// batch and sharing OrderID; each part is about exactly one course, so a
// read model keyed by course sees every course of the order (see the
// README's decision on the reference's CourseBuyers limitation).
type CourseBooksOrdered struct {
	OrderID   string      `json:"orderId"`
	StudentID string      `json:"studentId"`
	CourseID  string      `json:"courseId"`
	Items     []OrderLine `json:"items"`
}

// Event returns the fact tagged with the student, each distinct book (in
// item order) and the course.
func (e CourseBooksOrdered) Event() store.Event {
	tags := []store.Tag{StudentTag(e.StudentID)}
	for _, it := range e.Items {
		t := BookTag(it.BookID)
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	tags = append(tags, CourseTag(e.CourseID))
	return store.MustEvent(CourseBooksOrderedType, e, tags...)
}
