package bench

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// kindPostgres is store/postgres on a throw-away PostgreSQL server that
// this test binary starts (internal/pgtest: fsync on, synchronous_commit
// on, the server's defaults), on the same disk as the other stores. Its
// no-sync mode sets synchronous_commit=off for the store's sessions:
// commits are acknowledged before their WAL is flushed.
const kindPostgres = "postgres"

// pgKinds are the stores of the benchmarks that also measure PostgreSQL:
// appends (single, batches, concurrent, conditional) and reads.
var pgKinds = append(slices.Clone(kinds), kindPostgres)

var pgServer struct {
	once sync.Once
	srv  *pgtest.Server
	err  error
}

// skipWithoutPostgres skips a PostgreSQL benchmark when no server can be
// started (no binaries installed).
func skipWithoutPostgres(b *testing.B, kind string) {
	b.Helper()
	if kind != kindPostgres {
		return
	}
	pgServer.once.Do(func() { pgServer.srv, pgServer.err = pgtest.Start(context.Background(), nil) })
	if pgServer.err != nil {
		b.Skip(pgServer.err)
	}
}

// openPostgres opens the store of dir: each folder name maps to a schema
// of its own on the run's server.
func openPostgres(dir string, nosync bool) (store.EventStore, error) {
	if pgServer.srv == nil {
		return nil, fmt.Errorf("no PostgreSQL server: %v", pgServer.err)
	}
	conn := pgServer.srv.ConnString("")
	if nosync {
		conn += " options='-c synchronous_commit=off'"
	}
	return postgres.Open(context.Background(), conn, &postgres.Options{Schema: schemaOf(dir)})
}

// analyzePostgres runs ANALYZE on the events of the store of dir after a
// bulk load, as autovacuum does within its naptime (a minute) and as a
// bulk import should (docs/postgres.md): the planner needs statistics on
// the tags array to choose the GIN index.
func analyzePostgres(dir string) error {
	conn, err := pgx.Connect(context.Background(), pgServer.srv.ConnString(""))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "ANALYZE "+schemaOf(dir)+".events")
	return err
}

// schemaOf is the schema of the store of dir.
func schemaOf(dir string) string {
	h := fnv.New64a()
	h.Write([]byte(dir))
	return fmt.Sprintf("b%x", h.Sum64())
}

func stopPostgres() {
	if pgServer.srv != nil {
		pgServer.srv.Stop()
	}
}
