// Package workbook is the harness behind the learning workbook: it finds the
// lessons, runs their Ginkgo specs, and proves that the workbook keeps its
// two promises.
//
// # Layout
//
// A workbook root holds two trees that mirror each other:
//
//	lessons/            a nested Go module, red by design
//	  NN-name/          one lesson: README.md, hints.md, specs, and the
//	                    Go files and assets gen writes from the solution
//	solutions/          packages of the root module, the one source
//	  NN-name/          the lesson's non-test .go files, every exercise
//	                    solved and marked, and the assets they embed
//
// # Generating the lessons
//
// A solution marks each exercise with a directive (see [GenerateGo]):
// "//workbook:todo step N: text" in a function's doc comment, or around a
// region of a body closed by "//workbook:end". [Workbook.Generate] (the
// CLI's gen command) writes the lesson's Go files from the solution: given
// code copied, each exercise replaced by a stub, a "// TODO: text" comment
// and a panic whose value is a TODO marker (the text of a specs/todo Error), and
// imports only the solution used removed. [Workbook.CheckGenerated] (gen
// -check, run by go test ./...) fails when a lesson is not what gen writes.
// Gen never overwrites a lesson a learner has solved in place
// ([Workbook.SolvedInPlace]).
//
// # Verification
//
// [Verify] checks every lesson three ways:
//
//   - Files: README.md and hints.md exist, at least one TODO exists, the
//     solution is gofmt-clean with no stub left, and the lesson is what gen
//     writes from it. A lesson solved in place is said to be so, once, and
//     is not run as shipped.
//   - Solved: the specs run with every solution file swapped in by a Go build
//     overlay (go test -overlay, absolute paths only, validated before use),
//     under the race detector when cgo makes it available.
//     Every declared spec must run and pass: no failure, no pending, no
//     skipped spec, and no TODO marker reached.
//   - Unsolved: the specs run as shipped. The lesson must compile, at least
//     one spec must fail, and every failure must be a TODO marker failure.
//     Anything else (a compile error, a nil dereference in a spec, a timeout,
//     an assertion that fails for another reason) is a defect of the lesson.
//
// Specs run with go test and a Ginkgo JSON report (-ginkgo.json-report);
// the report, not the console output, is what the checks read. Lessons run
// in parallel, bounded by GOMAXPROCS, and share Go's build cache.
package workbook
