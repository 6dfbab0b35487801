// Package sample is a tiny lesson that the workbook harness's tests run.
package sample

// Double returns twice n. It is given code, which gen copies from the solution.
func Double(n int) int { return 2 * n }
