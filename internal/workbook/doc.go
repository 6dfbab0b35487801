// Package workbook is the harness behind the learning workbook: it finds the
// lessons, runs their Ginkgo specs, and proves that the workbook keeps its
// two promises.
//
// # Layout
//
// A workbook root holds two trees that mirror each other:
//
//	lessons/            a nested Go module, red by design
//	  NN-name/          one lesson: README.md, hints.md, given code, stubs, specs
//	solutions/          packages of the root module
//	  NN-name/          the lesson's non-test .go files, every TODO solved
//
// A stub marks the learner's work by calling todo.Implement (package
// specs/todo). A lesson file that calls it is a TODO file; every other
// non-test .go file is given code and must be byte-identical in the
// solution.
//
// # Verification
//
// [Verify] checks every lesson three ways:
//
//   - Files: README.md and hints.md exist, at least one TODO exists, every
//     lesson file has a solution counterpart (identical for given files,
//     gofmt-clean and free of TODO calls for solved ones), and no solution
//     file lacks a lesson counterpart.
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
