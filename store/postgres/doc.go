// Package postgres is a store.EventStore on PostgreSQL, through pgx: the
// same Dynamic Consistency Boundary store as the file store, for
// applications that outgrow one machine (several hosts, replicas, managed
// backups). Code written against store.EventStore (decisions, projections)
// runs on it unchanged; only the call that opens the store differs:
//
//	s, err := postgres.Open(ctx, "postgres://app@db.example.com/app", nil)
//
// It passes the executable specification of specs/conformance, as the file
// store does.
//
// # Schema
//
// Open creates the store's tables in Options.Schema (default "opossum")
// and migrates them to the version this package writes: embedded,
// numbered SQL files applied in one transaction under an advisory lock, so
// two processes that open a new store at once are safe and each migration
// runs once. A schema of a newer version is refused with ErrSchemaTooNew.
// The tables:
//
//	events          position bigint primary key, id uuid unique (the event's
//	                store.EventID), batch (the
//	                first position of its append), type, tags text[] of
//	                "key:value", data json (as written), metadata jsonb,
//	                appended_at; indexes (type, position) and GIN (tags)
//	head            one row: the last committed position
//	schema_version  the migrations applied
//
// data is json rather than jsonb because jsonb reorders an object's keys
// and the store keeps the payload as written.
//
// # Guarantees
//
// Every append locks the head row before it checks its condition and holds
// the lock until it commits, so the condition and the write are one atomic
// step for any number of writers on any number of hosts, and appends
// commit one after the other in position order. Hence:
//
//   - Positions are gap-free: the n-th committed event has position n. A
//     refused or failed append writes nothing and takes no position (no
//     sequence is involved).
//   - A reader never sees a position after a later one it already saw, nor
//     a gap: when position n is visible, so is every position below it.
//   - Head and a Read agree: the head row moves in the same transaction as
//     the events.
//
// An Append that returned nil is durable as the server's configuration
// makes a commit durable (synchronous_commit on, the default: flushed to
// the write-ahead log before the server acknowledges).
//
// # Concurrency and throughput
//
// Appends serialise on the head row's lock, held for one commit. Appends of
// one handle that arrive during a commit share the next one (group
// commit), so the goroutines of a process pay about one server commit per
// group; appends of different processes or hosts take turns. Reads take
// no lock and use a pool of connections (Options.MaxConns).
//
// # Faults
//
// A broken connection during an append is resolved before Append returns:
// the store reconnects, takes the head lock (so that a commit still in
// progress finishes first) and looks for the append's first event id. It
// returns the positions when the commit happened, an error wrapping
// ErrConnectionLost when it did not (nothing stored, retry safely), and
// ErrUnknownOutcome when the server stays unreachable for
// Options.ReconnectTimeout. Event ids make any retry safe: appending a
// batch whose ids are stored, as that same batch, returns its positions
// and writes nothing (store.EventStore.Append). Subscriptions and the listener reconnect by
// themselves. Connection errors name host, port, database and user, never
// the password.
package postgres
