// Command opossum looks into, checks and maintains an opossum event store
// folder from a shell.
//
//	opossum COMMAND [flags] STORE [arguments]
//
// Flags may come before or after STORE; opossum COMMAND --help (or opossum
// help COMMAND) describes each command and its flags, with examples. Tables
// line up whatever the width of their cells.
//
//	ls STORE            list events (--type, --tag, --from, --to, --limit,
//	                    --backwards), as a table or --json lines
//	show STORE POS      one event in full (--json, --raw)
//	query STORE [Q]     a DCB query as text ("(A|B)[k:v] OR [k:v]", "all"),
//	                    as JSON, or as --type/--tag; --after, --limit,
//	                    --backwards, --last
//	tail STORE          the last -n events; -f follows new ones
//	stats STORE         head, sizes, counts by type and tag (--values, --json)
//	check STORE         verify the store (see store.VerifyDir) and the
//	                    projection checkpoints under STORE/projections
//	backup STORE DEST   hot backup to a new folder, a .tar.gz file, or - (stdout)
//	add-tags STORE      add tags to past events of --type (--tag key:value,
//	                    --tag-from key=data.field, --dry-run)
//	delete-store STORE  delete the store for good (asks; --yes, --force)
//	projections STORE   list the projections and read their read models; with
//	                    the application stopped, set a checkpoint, save or
//	                    delete one read model, mark one for a rebuild
//	import-opossum SRC DST  copy a store of Opossum (.NET) into a new store,
//	                    with a report (--renumber, --json)
//	ui STORE            explore the store in a web browser, live (--port);
//	                    see docs/explorer.md
//	version             this opossum's version (also --version) and the
//	                    store format version it reads
//
// For ls, show, query, tail and stats, STORE may also be a PostgreSQL store
// (package store/postgres) named by a connection URL, with its schema as
// the "schema" parameter (default opossum):
//
//	opossum ls 'postgres://app@db.example.com/app?schema=opossum' --type CourseCreated
//
// It is opened read-only: nothing is created or migrated.
//
// Only add-tags and delete-store write to the store. The other commands
// open it with store.Options.ReadOnly: they take no lock, run no recovery
// and write nothing (not even a lock file), so they may run while other
// processes write to the store, and they show what its head file covers.
//
// # Exit codes
//
//	0  success (check: no damage found; notes may have been printed)
//	1  I/O or other error
//	2  usage: unknown command, bad flag or argument, invalid query or tag
//	   (with a "did you mean" when a command or flag name is close)
//	3  in use: the writer lock is held past --lock-timeout (add-tags), or the
//	   store is open elsewhere (delete-store without --force)
//	4  damaged: check found damage, or a command met a damaged file
//	5  not a store: the folder is missing, holds no opossum.json, or has a
//	   newer format version than this opossum reads
//	6  not found: show found no event at that position
//	7  not confirmed: delete-store was not confirmed; nothing was deleted
//
// Errors are printed to stderr as "opossum COMMAND: message", often with a
// "hint:" line saying what to do next. docs/admin.md has examples.
package main
