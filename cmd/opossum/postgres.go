package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// isPostgres reports whether a STORE argument is a PostgreSQL connection
// URL (postgres:// or postgresql://) rather than a store folder.
func isPostgres(arg string) bool {
	return strings.HasPrefix(arg, "postgres://") || strings.HasPrefix(arg, "postgresql://")
}

// openEvents opens the STORE argument of a reading command (ls, show,
// query, tail): a store folder, read-only (see open), or the PostgreSQL
// store a connection URL names, read-only too. A "schema" parameter of the
// URL names the store's schema (default opossum).
func (e *env) openEvents(ctx context.Context, arg string, sf *storeFlags) (store.EventStore, error) {
	if !isPostgres(arg) {
		return e.open(arg, sf, false)
	}
	return openPostgres(ctx, arg)
}

func openPostgres(ctx context.Context, arg string) (*postgres.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, arg, &postgres.Options{ReadOnly: true})
	if errors.Is(err, postgres.ErrNoStore) || errors.Is(err, postgres.ErrSchemaTooNew) {
		return nil, fmt.Errorf("%w: %w", store.ErrNotAStore, err)
	}
	return s, err
}

// postgresStats is the stats command on a PostgreSQL store.
func (e *env) postgresStats(ctx context.Context, arg string, asJSON, values bool) error {
	s, err := openPostgres(ctx, arg)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	c := countTags(st.Tags)
	if asJSON {
		return printJSON(e.stdout, struct {
			postgres.Stats
			TagKeys map[string]*keyStat `json:"tagKeys"`
			Tags    map[string]int      `json:"tags,omitempty"`
		}{st, c.keys, c.values(values)})
	}
	w := e.stdout
	fmt.Fprintf(w, "store        PostgreSQL schema %s (version %d)\n", st.Schema, st.SchemaVersion)
	fmt.Fprintf(w, "head         %d\n", st.Head)
	fmt.Fprintf(w, "table        %s with its indexes\n", bytesText(st.TableBytes))
	c.print(w, st.Types, values)
	return nil
}
