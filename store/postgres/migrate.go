package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// migrations holds the schema versions, applied in order of their number:
// NNNN_name.sql is version NNNN. A released migration never changes; a new
// schema is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("postgres: migration %s has no version number", base)
		}
		b, err := migrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migrations are not numbered 1, 2, ...: %s", m.name)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this package writes and reads.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// migrate creates the schema or brings it to SchemaVersion, in one
// transaction under an advisory lock named after the schema, so that
// processes opening the store at once apply each migration exactly once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.connectError(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('opossum.migrate'), hashtext($1))`, s.opts.Schema); err != nil {
		return fmt.Errorf("postgres: lock for migration of schema %s: %w", s.opts.Schema, err)
	}
	schema := pgx.Identifier{s.opts.Schema}.Sanitize()
	if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
		return fmt.Errorf("postgres: create schema %s: %w", s.opts.Schema, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+schema+`.schema_version (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("postgres: create %s.schema_version: %w", s.opts.Schema, err)
	}
	current, err := s.version(ctx, tx)
	if err != nil {
		return err
	}
	if current > len(ms) {
		return s.tooNew(current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.sql, "{{schema}}", schema)); err != nil {
			return fmt.Errorf("postgres: migration %s of schema %s: %w", m.name, s.opts.Schema, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+schema+`.schema_version (version) VALUES ($1)`, m.version); err != nil {
			return fmt.Errorf("postgres: record migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit the migrations of schema %s: %w", s.opts.Schema, err)
	}
	return nil
}

func (s *Store) tooNew(current, known int) error {
	return fmt.Errorf("%w: schema %s of %s is at version %d, this package knows versions up to %d; use a newer version of the package",
		ErrSchemaTooNew, s.opts.Schema, s.where, current, known)
}

type queryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// version returns the schema's version; 0 when it has none.
func (s *Store) version(ctx context.Context, q queryer) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+pgx.Identifier{s.opts.Schema, "schema_version"}.Sanitize()).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: read the schema version of %s: %w", s.opts.Schema, err)
	}
	return v, nil
}

// checkSchema is a read-only Open's check: a store exists, of a version
// this package reads.
func (s *Store) checkSchema(ctx context.Context) error {
	v, err := s.version(ctx, s.pool)
	if err != nil {
		return err
	}
	if v == 0 {
		return fmt.Errorf("%w: schema %s of %s has no opossum tables", ErrNoStore, s.opts.Schema, s.where)
	}
	if n := SchemaVersion(); v > n {
		return s.tooNew(v, n)
	} else if v < n {
		return fmt.Errorf("%w: schema %s of %s is at version %d and needs migrating to %d: open it once without ReadOnly", ErrNoStore, s.opts.Schema, s.where, v, n)
	}
	return nil
}
