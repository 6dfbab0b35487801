// Package appending is lesson 01 of the Opossum workbook: events as facts,
// appending them to a file-system event store, and reading them back.
//
// Start with README.md in this folder. Each function that panics
// with a TODO is yours to write; the specs in the *_test.go files say
// what it must do, and hints.md helps when you are stuck.
package appending
