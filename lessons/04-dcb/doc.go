// Package dcb is lesson 04 of the Opossum workbook: Dynamic Consistency
// Boundaries. Read what a decision depends on, decide, and append only if
// none of it changed in between: unique emails, course seats and student
// limits across two entities, gap-free invoice numbers and idempotency
// tokens, each safe against racing writers.
//
// Start with README.md in this folder. Each function that panics
// with a TODO is yours to write; the specs in the *_test.go files say
// what it must do, and hints.md helps when you are stuck.
package dcb
