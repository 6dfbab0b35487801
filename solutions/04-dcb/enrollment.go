package dcb

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Seats is what an enrollment needs to know about a course.
type Seats struct {
	// Defined is true once the course's CourseCreated event was seen.
	Defined bool
	// Capacity is the number of seats, as last defined or changed.
	Capacity int
	// Taken is the number of students enrolled.
	Taken int
}

// Full reports whether no seat is free.
func (s Seats) Full() bool { return s.Taken >= s.Capacity }

// Courses is what an enrollment needs to know about a student.
type Courses struct {
	// Registered is true once the student's StudentRegistered event was seen.
	Registered bool
	// Joined is the number of courses the student is enrolled in.
	Joined int
}

// AtLimit reports whether the student may join no more courses.
func (c Courses) AtLimit() bool { return c.Joined >= MaxCoursesPerStudent }

// AlreadyEnrolled is the decision projection "is this student enrolled in
// this course?". It is given, as the example to imitate: the query selects
// exactly the events that can change the answer, and the fold is a small
// pure function.
func AlreadyEnrolled(courseID, studentID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Initial: false,
		Query:   store.TypesTagged([]string{StudentEnrolledToCourseType}, CourseTag(courseID), StudentTag(studentID)),
		Apply: func(bool, store.StoredEvent) (bool, error) {
			return true, nil
		},
	}
}

// CourseSeats is the decision projection of a course's seats: its query
// selects the course's CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events, and its fold counts them into Seats.
//
//workbook:todo step 2: select this course's CourseCreated, CourseStudentLimitModified and StudentEnrolledToCourse events, and fold them into Seats. AlreadyEnrolled above is the example to imitate.
func CourseSeats(courseID string) decision.Projection[Seats] {
	return decision.Projection[Seats]{
		Query: store.TypesTagged(
			[]string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType},
			CourseTag(courseID)),
		Apply: func(s Seats, e store.StoredEvent) (Seats, error) {
			switch e.Type {
			case CourseCreatedType:
				c, err := store.Decode[CourseCreated](e.Event)
				if err != nil {
					return s, err
				}
				s.Defined, s.Capacity = true, c.MaxStudentCount
			case CourseStudentLimitModifiedType:
				c, err := store.Decode[CourseStudentLimitModified](e.Event)
				if err != nil {
					return s, err
				}
				s.Capacity = c.NewMaxStudentCount
			case StudentEnrolledToCourseType:
				s.Taken++
			}
			return s, nil
		},
	}
}

// StudentCourses is the decision projection of a student's courses: its
// query selects the student's StudentRegistered and StudentEnrolledToCourse
// events, and its fold counts them into Courses.
//
//workbook:todo step 2: select this student's StudentRegistered and StudentEnrolledToCourse events, and fold them into Courses.
func StudentCourses(studentID string) decision.Projection[Courses] {
	return decision.Projection[Courses]{
		Query: store.TypesTagged([]string{StudentRegisteredType, StudentEnrolledToCourseType}, StudentTag(studentID)),
		Apply: func(c Courses, e store.StoredEvent) (Courses, error) {
			switch e.Type {
			case StudentRegisteredType:
				c.Registered = true
			case StudentEnrolledToCourseType:
				c.Joined++
			}
			return c, nil
		},
	}
}

// DecideEnrollment decides whether the student may take a seat in the
// course. It builds CourseSeats, StudentCourses and AlreadyEnrolled in one
// read and checks, in this order: the course exists (ErrCourseNotFound),
// the student is registered (ErrStudentNotFound), the student is not
// enrolled yet (ErrAlreadyEnrolled), a seat is free (ErrCourseFull), the
// student is below the course limit (ErrCourseLimitReached). When every
// check passes, it returns the decision to append one StudentEnrolledToCourse
// event, guarded by the condition of the model it read.
//
// It appends nothing; Enroll does.
//
//workbook:todo step 4: build the three projections in ONE read (decision.Build3), check the rules in the order above, and return the model's Append of one StudentEnrolledToCourse event.
func DecideEnrollment(ctx context.Context, s store.EventStore, courseID, studentID string) (decision.Decision, error) {
	m, err := decision.Build3(ctx, s, CourseSeats(courseID), StudentCourses(studentID), AlreadyEnrolled(courseID, studentID))
	if err != nil {
		return decision.Decision{}, err
	}
	seats, courses, enrolled := m.First, m.Second, m.Third
	switch {
	case !seats.Defined:
		return decision.Decision{}, fmt.Errorf("course %s: %w", courseID, ErrCourseNotFound)
	case !courses.Registered:
		return decision.Decision{}, fmt.Errorf("student %s: %w", studentID, ErrStudentNotFound)
	case enrolled:
		return decision.Decision{}, fmt.Errorf("student %s, course %s: %w", studentID, courseID, ErrAlreadyEnrolled)
	case seats.Full():
		return decision.Decision{}, fmt.Errorf("course %s: %w (%d seats)", courseID, ErrCourseFull, seats.Capacity)
	case courses.AtLimit():
		return decision.Decision{}, fmt.Errorf("student %s: %w (%d courses)", studentID, ErrCourseLimitReached, MaxCoursesPerStudent)
	}
	return m.Append(StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()), nil
}

// Enroll enrolls the student in the course: it runs DecideEnrollment and
// appends its decision with decision.Execute and the Retry policy. A
// decision that lost a race to a concurrent write is decided again on
// fresh state, which usually turns the conflict into a clear business
// error (the last seat is gone: ErrCourseFull).
//
//workbook:todo step 5: run DecideEnrollment through decision.Execute with the Retry policy.
func Enroll(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	_, err := decision.Execute(ctx, s, func(ctx context.Context) (decision.Decision, error) {
		return DecideEnrollment(ctx, s, courseID, studentID)
	}, Retry)
	return err
}
