package evolving

import "errors"

// The business errors of Enroll.
var (
	// ErrCourseNotFound means no CourseCreated event names the course.
	ErrCourseNotFound = errors.New("the course does not exist")
	// ErrAlreadyEnrolled means the student already holds a seat in the course.
	ErrAlreadyEnrolled = errors.New("the student is already enrolled in this course")
	// ErrCourseFull means every seat of the course is taken.
	ErrCourseFull = errors.New("the course is full")
)
