package coursemanagement

import (
	"slices"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// The definitions of the eight read models. Each is keyed by what
// readers look up: a course, a student or a book by its id, an invoice by
// its number. The runner keeps one file per key and rewrites them all on a
// rebuild, so a key nobody looks up (an event's position, a random id, a
// time) would only cost files.
var (
	// CourseShortInfoDefinition keys courses by their courseId tag and
	// indexes them by isFull (README step 5).
	CourseShortInfoDefinition = projection.Definition[courseapp.CourseShortInfo]{
		Name:       "CourseShortInfo",
		Version:    1,
		EventTypes: []string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType},
		Key:        projection.KeyByTag(CourseKey),
		Apply:      ApplyCourseShortInfo,
		Tags:       CourseShortInfoTags,
	}
	// StudentShortInfoDefinition keys students by their studentId tag and
	// indexes them by enrollmentTier and isMaxedOut (README step 5).
	StudentShortInfoDefinition = projection.Definition[courseapp.StudentShortInfo]{
		Name:       "StudentShortInfo",
		Version:    1,
		EventTypes: []string{StudentRegisteredType, StudentSubscriptionUpdatedType, StudentEnrolledToCourseType},
		Key:        projection.KeyByTag(StudentKey),
		Apply:      ApplyStudentShortInfo,
		Tags:       StudentShortInfoTags,
	}
	// StudentPurchasedBooksDefinition keys purchase histories by student
	// (README step 9).
	StudentPurchasedBooksDefinition = projection.Definition[courseapp.StudentPurchasedBooks]{
		Name:       "StudentPurchasedBooks",
		Version:    1,
		EventTypes: []string{CourseBookPurchasedType, CourseBooksOrderedType},
		Key:        projection.KeyByTag(StudentKey),
		Apply:      ApplyStudentPurchasedBooks,
	}
	// InvoiceDefinition keys invoices by number (README step 5).
	InvoiceDefinition = projection.Definition[courseapp.Invoice]{
		Name:       "Invoice",
		Version:    1,
		EventTypes: []string{InvoiceCreatedType},
		Key:        projection.KeyByTag(InvoiceKey),
		Apply:      ApplyInvoice,
	}
	// CourseDetailsDefinition keys courses by their courseId tag; an
	// enrollment brings the student's registration along as a related
	// event, for the student's name and email.
	CourseDetailsDefinition = projection.Definition[courseapp.CourseDetails]{
		Name:         "CourseDetails",
		Version:      1,
		EventTypes:   []string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType},
		Key:          projection.KeyByTag(CourseKey),
		Related:      relatedByType(StudentEnrolledToCourseType, StudentRegisteredType, StudentKey),
		ApplyRelated: applyCourseDetails,
	}
	// StudentDetailsDefinition keys students by their studentId tag; an
	// enrollment brings the course's creation along, for its name.
	StudentDetailsDefinition = projection.Definition[courseapp.StudentDetails]{
		Name:         "StudentDetails",
		Version:      1,
		EventTypes:   []string{StudentRegisteredType, StudentSubscriptionUpdatedType, StudentEnrolledToCourseType},
		Key:          projection.KeyByTag(StudentKey),
		Related:      relatedByType(StudentEnrolledToCourseType, CourseCreatedType, CourseKey),
		ApplyRelated: applyStudentDetails,
	}
	// CourseBookCatalogDefinition keys books by their bookId tag.
	CourseBookCatalogDefinition = projection.Definition[courseapp.CourseBook]{
		Name:       "CourseBookCatalog",
		Version:    1,
		EventTypes: []string{CourseBookDefinedType, CourseBookPriceChangedType},
		Key:        projection.KeyByTag(BookKey),
		Apply:      applyCourseBook,
	}
	// CourseBuyersDefinition keys course buyers by the courseId tag, which
	// each event it consumes carries exactly once: orders are recorded per
	// course (see CourseBooksOrdered).
	CourseBuyersDefinition = projection.Definition[courseapp.CourseBuyers]{
		Name:       "CourseBuyers",
		Version:    1,
		EventTypes: []string{CourseCreatedType, CourseBookDefinedType, CourseBookPurchasedType, CourseBooksOrderedType},
		Key:        projection.KeyByTag(CourseKey),
		Apply:      applyCourseBuyers,
	}
)

// relatedByType returns a Related function: for events of type on, the
// events of type want that carry the same value of the tag key.
func relatedByType(on, want, key string) func(store.StoredEvent) (store.Query, bool) {
	return func(e store.StoredEvent) (store.Query, bool) {
		v, ok := e.TagValue(key)
		if e.Type != on || !ok {
			return store.Query{}, false
		}
		return store.TypesTagged([]string{want}, store.NewTag(key, v)), true
	}
}

func applyCourseDetails(c *courseapp.CourseDetails, e store.StoredEvent, related []store.StoredEvent) (*courseapp.CourseDetails, error) {
	if e.Type == CourseCreatedType {
		created, err := store.Decode[CourseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		return &courseapp.CourseDetails{CourseID: created.CourseID, Name: created.Name, Description: created.Description,
			MaxStudentCount: created.MaxStudentCount, EnrolledStudents: []courseapp.EnrolledStudent{}}, nil
	}
	if c == nil {
		return nil, neverCreated(courseapp.ErrCourseNotFound, CourseKey, e)
	}
	switch e.Type {
	case CourseStudentLimitModifiedType:
		m, err := store.Decode[CourseStudentLimitModified](e.Event)
		if err != nil {
			return nil, err
		}
		c.MaxStudentCount = m.NewMaxStudentCount
	case StudentEnrolledToCourseType:
		en, err := store.Decode[StudentEnrolledToCourse](e.Event)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(c.EnrolledStudents, func(s courseapp.EnrolledStudent) bool { return s.StudentID == en.StudentID }) {
			return c, nil
		}
		if len(related) == 0 {
			return nil, neverCreated(courseapp.ErrStudentNotRegistered, StudentKey, e)
		}
		reg, err := store.Decode[StudentRegistered](related[len(related)-1].Event)
		if err != nil {
			return nil, err
		}
		c.EnrolledStudents = append(c.EnrolledStudents, courseapp.EnrolledStudent{StudentID: reg.StudentID,
			FirstName: reg.FirstName, LastName: reg.LastName, Email: reg.Email, EnrolledAt: e.Metadata.Timestamp})
		c.CurrentEnrollmentCount++
	}
	c.IsFull = c.CurrentEnrollmentCount >= c.MaxStudentCount
	return c, nil
}

func applyStudentDetails(s *courseapp.StudentDetails, e store.StoredEvent, related []store.StoredEvent) (*courseapp.StudentDetails, error) {
	if e.Type == StudentRegisteredType {
		r, err := store.Decode[StudentRegistered](e.Event)
		if err != nil {
			return nil, err
		}
		s = &courseapp.StudentDetails{StudentShortInfo: courseapp.StudentShortInfo{StudentID: r.StudentID, FirstName: r.FirstName,
			LastName: r.LastName, Email: r.Email, EnrollmentTier: courseapp.Basic}, EnrolledCourses: []courseapp.EnrolledCourse{}}
	}
	if s == nil {
		return nil, neverCreated(courseapp.ErrStudentNotRegistered, StudentKey, e)
	}
	switch e.Type {
	case StudentSubscriptionUpdatedType:
		u, err := store.Decode[StudentSubscriptionUpdated](e.Event)
		if err != nil {
			return nil, err
		}
		s.EnrollmentTier = u.EnrollmentTier
	case StudentEnrolledToCourseType:
		en, err := store.Decode[StudentEnrolledToCourse](e.Event)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(s.EnrolledCourses, func(c courseapp.EnrolledCourse) bool { return c.CourseID == en.CourseID }) {
			return s, nil
		}
		if len(related) == 0 {
			return nil, neverCreated(courseapp.ErrCourseNotFound, CourseKey, e)
		}
		created, err := store.Decode[CourseCreated](related[len(related)-1].Event)
		if err != nil {
			return nil, err
		}
		s.EnrolledCourses = append(s.EnrolledCourses, courseapp.EnrolledCourse{CourseID: created.CourseID, Name: created.Name})
		s.CurrentEnrollmentCount++
	}
	s.MaxEnrollmentCount = s.EnrollmentTier.MaxCourses()
	s.IsMaxedOut = s.CurrentEnrollmentCount >= s.MaxEnrollmentCount
	return s, nil
}

func applyCourseBook(b *courseapp.CourseBook, e store.StoredEvent) (*courseapp.CourseBook, error) {
	switch e.Type {
	case CourseBookDefinedType:
		d, err := store.Decode[CourseBookDefined](e.Event)
		if err != nil {
			return nil, err
		}
		return &courseapp.CourseBook{BookID: d.BookID, Title: d.Title, Author: d.Author, Isbn: d.Isbn, CourseID: d.CourseID, CurrentPrice: d.Price}, nil
	case CourseBookPriceChangedType:
		if b == nil {
			return nil, nil
		}
		c, err := store.Decode[CourseBookPriceChanged](e.Event)
		if err != nil {
			return nil, err
		}
		b.CurrentPrice = c.NewPrice
	}
	return b, nil
}

func applyCourseBuyers(c *courseapp.CourseBuyers, e store.StoredEvent) (*courseapp.CourseBuyers, error) {
	if e.Type == CourseCreatedType {
		created, err := store.Decode[CourseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		return &courseapp.CourseBuyers{CourseID: created.CourseID, CourseName: created.Name, BookIDs: []string{}, Buyers: []courseapp.BookBuyer{}}, nil
	}
	if c == nil {
		return nil, neverCreated(courseapp.ErrCourseNotFound, CourseKey, e)
	}
	switch e.Type {
	case CourseBookDefinedType:
		d, err := store.Decode[CourseBookDefined](e.Event)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(c.BookIDs, d.BookID) {
			c.BookIDs = append(c.BookIDs, d.BookID)
		}
	case CourseBookPurchasedType:
		p, err := store.Decode[CourseBookPurchased](e.Event)
		if err != nil {
			return nil, err
		}
		if slices.Contains(c.BookIDs, p.BookID) {
			c.Buyers = append(c.Buyers, courseapp.BookBuyer{StudentID: p.StudentID, BookID: p.BookID, PricePaid: p.PricePaid, PurchasedAt: e.Metadata.Timestamp})
		}
	case CourseBooksOrderedType:
		o, err := store.Decode[CourseBooksOrdered](e.Event)
		if err != nil {
			return nil, err
		}
		for _, it := range o.Items {
			if slices.Contains(c.BookIDs, it.BookID) {
				c.Buyers = append(c.Buyers, courseapp.BookBuyer{StudentID: o.StudentID, BookID: it.BookID, PricePaid: it.PricePaid, PurchasedAt: e.Metadata.Timestamp})
			}
		}
	}
	return c, nil
}
