// Package writingspecs is lesson 06: you write the specs.
//
// The deciders of this package are given and correct: RegisterStudent
// keeps email addresses unique, Enroll enforces a course's seats and a
// student's course limit. Your work is in scenarios.go: each function there
// is the body of one spec, a Given/When/Then scenario (package specs/gwt)
// that the lesson's enrollment_test.go and register_test.go run.
//
// When every spec passes, the workbook runs your specs again against faulty
// versions of the deciders, one fault at a time. Your specs must fail on
// each of them; the workbook names every fault they did not notice.
package writingspecs
