package postgres

import "errors"

// Sentinel errors of the PostgreSQL store, besides those of package store
// it shares with every implementation. Match them with errors.Is.
var (
	// ErrConnString means the connection string could not be parsed; the
	// message says why and never contains the password.
	ErrConnString = errors.New("postgres: invalid connection string")
	// ErrConnect means the server could not be reached or refused the
	// login; the message names host, port, database and user.
	ErrConnect = errors.New("postgres: cannot connect")
	// ErrSchemaTooNew means the store's schema was migrated by a newer
	// version of this package; upgrade the package to open it.
	ErrSchemaTooNew = errors.New("postgres: store schema is newer than this package")
	// ErrNoStore means a read-only Open found no store in the schema.
	ErrNoStore = errors.New("postgres: no store in this schema")
	// ErrConnectionLost means the connection broke during an append before
	// it committed: nothing was stored and retrying is safe.
	ErrConnectionLost = errors.New("postgres: connection lost during append; nothing was stored, retrying is safe")
	// ErrUnknownOutcome means the connection broke while an append
	// committed and the store could not learn, within
	// Options.ReconnectTimeout, whether the commit happened: the events may
	// or may not be stored. Appending the same events again, with the ids
	// they were given (set Event.ID before the first attempt), is safe: a
	// stored batch is recognised and its positions returned.
	ErrUnknownOutcome = errors.New("postgres: connection lost while committing; the append may or may not be stored (retry with the same event ids)")
)
