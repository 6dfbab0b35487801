package dcb

import "errors"

// The business rules of the lesson, as errors. A decision that breaks a
// rule returns one of them (wrapped or not); the specs match them with
// errors.Is. Deciding again would decide the same, so they are never
// retried.
var (
	// ErrEmailTaken means another student registered with the email.
	ErrEmailTaken = errors.New("a student with this email is already registered")
	// ErrCourseNotFound means no CourseCreated event exists for the course.
	ErrCourseNotFound = errors.New("the course does not exist")
	// ErrStudentNotFound means no StudentRegistered event exists for the student.
	ErrStudentNotFound = errors.New("the student is not registered")
	// ErrAlreadyEnrolled means the student already has a seat in the course.
	ErrAlreadyEnrolled = errors.New("the student is already enrolled in this course")
	// ErrCourseFull means every seat of the course is taken.
	ErrCourseFull = errors.New("the course is full")
	// ErrCourseLimitReached means the student joined MaxCoursesPerStudent courses.
	ErrCourseLimitReached = errors.New("the student has reached the course limit")
	// ErrAlreadySubmitted means a request with the same idempotency token
	// was already processed.
	ErrAlreadySubmitted = errors.New("this request was already processed")
)
