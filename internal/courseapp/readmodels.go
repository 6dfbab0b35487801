package courseapp

import (
	"time"
)

// The states of the eight read models. Each is stored as the JSON of one
// file per instance by store/projection and served by the HTTP API as it is.
type (
	// CourseShortInfo is a course in the course list.
	CourseShortInfo struct {
		CourseID               string `json:"courseId"`
		Name                   string `json:"name"`
		MaxStudentCount        int    `json:"maxStudentCount"`
		CurrentEnrollmentCount int    `json:"currentEnrollmentCount"`
		IsFull                 bool   `json:"isFull"`
	}
	// CourseDetails is a course with its students.
	CourseDetails struct {
		CourseID               string            `json:"courseId"`
		Name                   string            `json:"name"`
		Description            string            `json:"description"`
		MaxStudentCount        int               `json:"maxStudentCount"`
		CurrentEnrollmentCount int               `json:"currentEnrollmentCount"`
		IsFull                 bool              `json:"isFull"`
		EnrolledStudents       []EnrolledStudent `json:"enrolledStudents"`
	}
	// EnrolledStudent is a student of CourseDetails, as registered, and
	// when the student enrolled.
	EnrolledStudent struct {
		StudentID  string    `json:"studentId"`
		FirstName  string    `json:"firstName"`
		LastName   string    `json:"lastName"`
		Email      string    `json:"email"`
		EnrolledAt time.Time `json:"enrolledAt"`
	}
	// StudentShortInfo is a student in the student list.
	StudentShortInfo struct {
		StudentID              string `json:"studentId"`
		FirstName              string `json:"firstName"`
		LastName               string `json:"lastName"`
		Email                  string `json:"email"`
		EnrollmentTier         Tier   `json:"enrollmentTier"`
		CurrentEnrollmentCount int    `json:"currentEnrollmentCount"`
		MaxEnrollmentCount     int    `json:"maxEnrollmentCount"`
		IsMaxedOut             bool   `json:"isMaxedOut"`
	}
	// StudentDetails is a student with the courses the student is in.
	StudentDetails struct {
		StudentShortInfo
		EnrolledCourses []EnrolledCourse `json:"enrolledCourses"`
	}
	// EnrolledCourse is a course of StudentDetails.
	EnrolledCourse struct {
		CourseID string `json:"courseId"`
		Name     string `json:"name"`
	}
	// Invoice is an issued invoice.
	Invoice struct {
		InvoiceNumber int       `json:"invoiceNumber"`
		CustomerID    string    `json:"customerId"`
		Amount        Money     `json:"amount"`
		IssuedAt      time.Time `json:"issuedAt"`
	}
	// CourseBook is a book in the catalog.
	CourseBook struct {
		BookID       string `json:"bookId"`
		Title        string `json:"title"`
		Author       string `json:"author"`
		Isbn         string `json:"isbn"`
		CourseID     string `json:"courseId"`
		CurrentPrice Money  `json:"currentPrice"`
	}
	// CourseBuyers lists who bought the books of a course.
	CourseBuyers struct {
		CourseID   string      `json:"courseId"`
		CourseName string      `json:"courseName"`
		BookIDs    []string    `json:"bookIds"`
		Buyers     []BookBuyer `json:"buyers"`
	}
	// BookBuyer is one purchase of a book of the course: a single purchase,
	// or one line of an order.
	BookBuyer struct {
		StudentID   string    `json:"studentId"`
		BookID      string    `json:"bookId"`
		PricePaid   Money     `json:"pricePaid"`
		PurchasedAt time.Time `json:"purchasedAt"`
	}
	// StudentPurchasedBooks is a student's purchase history, one entry per
	// book however often it was bought.
	StudentPurchasedBooks struct {
		StudentID string          `json:"studentId"`
		Books     []PurchasedBook `json:"books"`
	}
	// PurchasedBook is one book of a student's purchase history.
	PurchasedBook struct {
		BookID           string    `json:"bookId"`
		TotalPaid        Money     `json:"totalPaid"`
		PurchaseCount    int       `json:"purchaseCount"`
		FirstPurchasedAt time.Time `json:"firstPurchasedAt"`
		LastPurchasedAt  time.Time `json:"lastPurchasedAt"`
	}
)

// Tag keys of the read models, which the list endpoints filter by.
const (
	IsFullKey         = "isFull"
	EnrollmentTierKey = "enrollmentTier"
	IsMaxedOutKey     = "isMaxedOut"
)
