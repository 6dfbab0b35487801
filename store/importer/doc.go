// Package importer copies an event store written by Opossum, the .NET
// file-system event store this project renders in Go, into a new store of
// this project, keeping every event's position, type, tags, payload and
// metadata. The opossum command runs it as opossum import-opossum.
//
// # The Opossum folder
//
// An Opossum store is a folder (<RootPath>/<StoreName>) holding
//
//	.ledger                      {"LastSequencePosition": n, "EventCount": n}; may be empty
//	.store.lock                  the writers' lock file (ignored)
//	events/0000000042.json       one event per file, named by its position (10 digits or more)
//	events/*.json.tmp.<guid>     temporary files (ignored)
//	Indices/EventType/<t>.json   {"Positions": [...]}: events of type t
//	Indices/Tags/<k>_<v>.json    {"Positions": [...]}: events tagged k:v
//	Projections/                 read models (not imported: rebuild them here)
//
// and each event file holds
//
//	{"event": {"eventType": "...", "event": {"$type": "<.NET type>", ...payload},
//	           "tags": [{"key": "...", "value": "..."}]},
//	 "position": 42,
//	 "metadata": {"timestamp": "...", "correlationId": "...", "causationId": "...",
//	              "operationId": "...", "userId": "..."}}
//
// # The mapping
//
//   - position: kept. Opossum numbers events without gaps, as this store
//     does; a folder with a gap (a missing event file) is refused unless
//     Options.Renumber, which closes the gaps and reports each move.
//   - type and tags: kept (a null tag value becomes "").
//   - payload: the object under event.event, kept as written, without its
//     "$type" member, which names the .NET class; that name goes to the
//     metadata's Extra["dotnetType"].
//   - metadata: timestamp, correlationId and causationId to the same
//     fields; operationId and userId to Extra["operationId"] and
//     Extra["userId"].
//
// Opossum's indices are derived data, as here: the new store derives its
// own. The import compares them with the events and reports the entries
// they lack (events Opossum's type and tag queries could not find, its
// pitfall 5) and the entries that name no event. The ledger is compared
// with the last event file, and event files beyond it (left by a crash
// before Opossum's reconciliation) are imported, as Opossum's next append
// would make them visible.
//
// # Safety
//
// The source is only read. Every event file is read and checked before
// anything is written; a damaged file stops the import with an error that
// names it, and the destination is not created. The destination must not
// exist or be an empty folder; on a failure while writing, what the
// import wrote is removed.
package importer
