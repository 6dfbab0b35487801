// Package projections is lesson 03 of the Opossum workbook: state from
// events. A fold turns the history of a course into its current state;
// the store/projection package keeps that state as a read model on disk,
// up to date with the store, findable by key and by tag, rebuilt when the
// fold changes.
//
// Start with README.md in this folder. Each function that panics
// with a TODO is yours to write; the specs in the *_test.go files say
// what it must do, and hints.md helps when you are stuck. The code of
// lessons 01 and 02 is already here (events.go, record.go), so you can
// start with this lesson.
package projections
