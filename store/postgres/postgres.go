package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/opossum-go/opossum/internal/notify"
	"github.com/opossum-go/opossum/store"
)

// DefaultSchema is the schema a store lives in when Options.Schema is empty.
const DefaultSchema = "opossum"

// Options configure a store. The zero value (and a nil *Options) is safe
// and durable: durability is the server's (synchronous_commit on, its
// default, makes a commit durable before Append returns).
type Options struct {
	// Schema is the PostgreSQL schema holding the store's tables; several
	// stores can share a database in different schemas. Empty means
	// DefaultSchema. It must be a plain identifier of at most 54 characters: letters, digits and
	// '_', starting with a letter or '_'.
	Schema string

	// ReadOnly opens an existing store for reading only: Open creates and
	// migrates nothing (it fails with ErrNoStore when the schema holds no
	// store) and Append returns store.ErrReadOnly.
	ReadOnly bool

	// MaxEventSize is the largest accepted event, in bytes of its encoded
	// form. Zero means store.DefaultMaxEventSize.
	MaxEventSize int

	// MaxBatchEvents caps how many events one group commit writes; appends
	// of this handle that arrive while a commit runs share the next one.
	// Zero means 4096.
	MaxBatchEvents int

	// MaxConns caps the connections the store's pool opens for reads. The
	// store uses up to two more: one for appends, one for subscriptions.
	// Zero means 8.
	MaxConns int32

	// ReconnectTimeout bounds how long an append whose connection was lost
	// keeps reconnecting to learn whether its commit happened. Zero means
	// 10 seconds.
	ReconnectTimeout time.Duration

	// Logger receives reconnection messages. Nil discards them.
	Logger *slog.Logger

	// Now replaces the clock used for zero timestamps. Nil means time.Now.
	Now func() time.Time
}

func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Schema == "" {
		c.Schema = DefaultSchema
	}
	if !identifier.MatchString(c.Schema) {
		return c, fmt.Errorf("%w: schema name %q is not a plain identifier (letters, digits, '_')", store.ErrInvalidOption, c.Schema)
	}
	if c.MaxEventSize < 0 || c.MaxBatchEvents < 0 || c.MaxConns < 0 || c.ReconnectTimeout < 0 {
		return c, fmt.Errorf("%w: negative value in Options", store.ErrInvalidOption)
	}
	if c.MaxEventSize == 0 {
		c.MaxEventSize = store.DefaultMaxEventSize
	}
	if c.MaxBatchEvents == 0 {
		c.MaxBatchEvents = 4096
	}
	if c.MaxConns == 0 {
		c.MaxConns = 8
	}
	if c.ReconnectTimeout == 0 {
		c.ReconnectTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,53}$`)

// Store is a store.EventStore in a PostgreSQL schema. All methods are safe
// for concurrent use; see the package documentation for its guarantees.
type Store struct {
	opts   Options
	pool   *pgxpool.Pool
	config *pgx.ConnConfig // for the append and listen connections
	sql    queries
	where  string // "database d on host h:p", for messages

	cmu    sync.RWMutex
	closed bool

	committer *committer
	note      *notify.Notifier
	listen    listener
}

var _ store.EventStore = (*Store)(nil)

// Open connects to the PostgreSQL server that connString names (a URL,
// postgres://user:password@host:port/database?sslmode=..., or key=value
// pairs, as libpq reads them) and returns the store in Options.Schema (or,
// when that is empty, in the schema a URL's "schema" parameter names),
// creating or migrating its tables unless Options.ReadOnly. Two processes
// opening the same store at once are safe: migrations run under an
// advisory lock, each exactly once.
//
// Errors: ErrConnString for a connection string that cannot be parsed;
// ErrConnect when the server cannot be reached or refuses the login (the
// message names host, port, database and user, never the password);
// ErrSchemaTooNew when the schema was migrated by a newer version of this
// package; ErrNoStore for a read-only open of a schema without a store;
// store.ErrInvalidOption for bad Options.
func Open(ctx context.Context, connString string, opts *Options) (*Store, error) {
	var base Options
	if opts != nil {
		base = *opts
	}
	connString, schema := schemaParam(connString)
	if base.Schema == "" {
		base.Schema = schema
	}
	o, err := base.withDefaults()
	if err != nil {
		return nil, err
	}
	pc, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, connStringError(connString, err)
	}
	pc.MaxConns = o.MaxConns
	s := &Store{
		opts:   o,
		config: pc.ConnConfig.Copy(),
		sql:    newQueries(o.Schema),
		where:  describe(pc.ConnConfig),
		note:   notify.New(),
	}
	s.pool, err = pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, s.connectError(err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, s.connectError(err)
	}
	if o.ReadOnly {
		err = s.checkSchema(ctx)
	} else {
		err = s.migrate(ctx)
	}
	if err != nil {
		s.pool.Close()
		return nil, err
	}
	s.committer = newCommitter(s)
	s.listen.start(s)
	return s, nil
}

// schemaParam takes the "schema" parameter out of a connection URL; other
// strings are returned as they are.
func schemaParam(connString string) (string, string) {
	if !strings.HasPrefix(connString, "postgres://") && !strings.HasPrefix(connString, "postgresql://") {
		return connString, ""
	}
	u, err := url.Parse(connString)
	if err != nil || !u.Query().Has("schema") {
		// A bad URL is reported by the parser, without its password.
		return connString, ""
	}
	q := u.Query()
	schema := q.Get("schema")
	q.Del("schema")
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// describe names the server and database of c without its password.
func describe(c *pgx.ConnConfig) string {
	return fmt.Sprintf("database %q on %s port %d as user %q", c.Database, c.Host, c.Port, c.User)
}

func (s *Store) connectError(err error) error {
	return fmt.Errorf("%w: %s: %v", ErrConnect, s.where, redact(err.Error(), s.config.Password))
}

// connStringError reports what is wrong with connString without the
// password it may hold.
func connStringError(connString string, err error) error {
	msg := err.Error()
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		// The parse error quotes the (redacted) string; keep only its reason.
		if inner := errors.Unwrap(pe); inner != nil {
			msg = inner.Error()
		} else if _, after, ok := strings.Cut(msg, "`: "); ok {
			msg = after
		}
	}
	return fmt.Errorf("%w: %s", ErrConnString, redact(msg, passwordOf(connString)))
}

// passwordOf extracts the password connString holds, best effort, so that
// messages can be scrubbed of it.
func passwordOf(connString string) string {
	if u, err := url.Parse(connString); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			return p
		}
	}
	if m := regexp.MustCompile(`password\s*=\s*('[^']*'|\S+)`).FindStringSubmatch(connString); m != nil {
		return strings.Trim(m[1], "'")
	}
	if _, rest, ok := strings.Cut(connString, "://"); ok {
		if userinfo, _, ok := strings.Cut(rest, "@"); ok {
			if _, p, ok := strings.Cut(userinfo, ":"); ok {
				return p
			}
		}
	}
	return ""
}

func redact(msg, password string) string {
	if password == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, password, "xxxxx")
	return strings.ReplaceAll(msg, url.QueryEscape(password), "xxxxx")
}

// Schema returns the schema the store lives in.
func (s *Store) Schema() string { return s.opts.Schema }

func (s *Store) isClosed() bool {
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return s.closed
}

// Close waits for the appends in progress, ends subscriptions (they yield
// store.ErrClosed) and closes every connection. Later calls of the other
// methods return store.ErrClosed; a second Close returns nil.
func (s *Store) Close() error {
	s.cmu.Lock()
	if s.closed {
		s.cmu.Unlock()
		return nil
	}
	s.closed = true
	s.cmu.Unlock()
	s.committer.close()
	s.note.Close()
	s.listen.stop()
	s.pool.Close()
	return nil
}
