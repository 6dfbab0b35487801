// Package coursemanagement is the domain of lesson 05 of the Opossum
// workbook, the capstone: the events, decisions and read-model folds of
// the CourseManagement sample. Students register and choose a tier,
// courses open with a number of seats, students enroll, invoices get
// gap-free numbers; exam tokens, announcements and course books are
// optional katas.
//
// Every command is a Dynamic Consistency Boundary decision: decision
// projections read what it depends on, a pure decide function checks the
// rules in a fixed order and returns the new events, and the append is
// guarded by the query that was read. The application around this package
// (its commands, errors, HTTP API and read-model runner) is
// internal/courseapp; Domain hands it this package's code:
//
//	go run ./cmd/coursemanagement serve
package coursemanagement
