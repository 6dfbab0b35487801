// Package coursemanagement is lesson 05 of the Opossum workbook, the
// capstone: the complete CourseManagement sample application on the file
// event store. Students register and choose a subscription tier, courses
// open with a number of seats, students enrol, invoices get gap-free
// numbers, announcements are posted once per idempotency token, exam
// registration tokens are issued, redeemed and revoked, and course books
// are sold at prices that stay valid for a grace period after a change.
//
// Every command is a Dynamic Consistency Boundary decision: decision
// projections read what the command depends on (store/decision), a pure
// decide function checks the rules in a fixed order and returns the new
// events, and the append is guarded by the query that was read. Eight
// persisted read models (store/projection) serve the queries of an HTTP API
// (net/http), with RFC 9457 problem details, admin endpoints and an OpenAPI
// description. An aggregate-based variant of two commands is kept beside
// the DCB one for contrast.
//
// Start with README.md in the lesson folder. Each function that panics
// with a TODO is yours to write; the specs in the *_test.go files say
// what it must do, and hints.md helps when you are stuck. The runnable
// application is cmd/coursemanagement in the repository root:
//
//	go run ./cmd/coursemanagement serve
package coursemanagement
