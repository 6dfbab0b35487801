// Package bench holds the performance suite of the event store: go test
// benchmarks that run the same work on the file store (package store) and
// on its SQLite peer (internal/sqlitestore), beside the raw floor of the
// disk measured in the same run, so that every figure has a reference that
// suffered the same noise.
//
// The package has no code of its own; everything is in its _test files:
//
//	go test -run '^$' -bench . -benchmem ./internal/bench
//
// or, for the table of docs/performance.md,
//
//	go run ./internal/bench/cmd/perftable
//
// Benchmark names carry their parameters as key=value parts (store=file or
// store=sqlite, sync=durable or sync=nosync, events=N, batch=N, writers=N),
// which is what cmd/perftable reads.
//
// Environment:
//
//	OPOSSUM_BENCH_1M=1     also build and measure stores of 1,000,000 events
//	                       (several GB of disk and a few minutes to build)
//	OPOSSUM_BENCH_DIR=dir  keep the prebuilt read stores in dir and reuse
//	                       them in later runs (default: a temporary folder
//	                       removed when the run ends)
//	OPOSSUM_BENCH_ALL_1M=1 also read all 1,000,000 events (slow)
package bench
