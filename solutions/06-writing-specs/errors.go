package writingspecs

import "errors"

// The business errors of the deciders; a spec checks them with
// gwt's ThenError, which compares with errors.Is.
var (
	// ErrEmailTaken means another student registered with this address.
	ErrEmailTaken = errors.New("a student with this email is already registered")
	// ErrCourseNotFound means no CourseCreated event names the course.
	ErrCourseNotFound = errors.New("the course does not exist")
	// ErrAlreadyEnrolled means the student already holds a seat in the course.
	ErrAlreadyEnrolled = errors.New("the student is already enrolled in this course")
	// ErrCourseFull means every seat of the course is taken.
	ErrCourseFull = errors.New("the course is full")
	// ErrCourseLimitReached means the student joined MaxCoursesPerStudent courses.
	ErrCourseLimitReached = errors.New("the student has reached the course limit")
)
