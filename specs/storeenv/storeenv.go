// Package storeenv opens the event store a spec suite runs on, chosen by
// the environment variable OPOSSUM_STORE, so that the same specs run on
// the file store and on PostgreSQL:
//
//	unset or empty          a file store in the folder the suite gives (the default)
//	postgres                a PostgreSQL store on a throw-away server that the test
//	                        binary starts (PostgreSQL 15's binaries must be installed)
//	postgres://... URL      a PostgreSQL store on that server
//
// Each PostgreSQL store lives in a new schema of its own, dropped when the
// spec that opened it ends. Open must be called from a spec (or a node
// that runs in one); Close, from an AfterSuite or a DeferCleanup in a
// BeforeSuite, stops the throw-away server.
package storeenv

import (
	"context"
	"fmt"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// Env names the environment variable that chooses the store.
const Env = "OPOSSUM_STORE"

// KeepEnv names the environment variable that keeps the folders of the
// specs' file stores: when it is set, Dir returns a folder that outlives
// the spec, and the spec's report says where it is, so that its event
// files can be looked at.
const KeepEnv = "KEEP_STORES"

// Dir returns dir, the spec's own folder for a store, or, when
// KEEP_STORES is set, a new folder named with prefix that outlives the
// spec and is named in its report. Call it from a spec.
func Dir(dir, prefix string) string {
	GinkgoHelper()
	if os.Getenv(KeepEnv) == "" {
		return dir
	}
	kept, err := os.MkdirTemp("", prefix)
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("store folder (kept because "+KeepEnv+" is set)", kept)
	return kept
}

// Postgres reports whether OPOSSUM_STORE chooses PostgreSQL.
func Postgres() bool { return os.Getenv(Env) != "" }

// Open returns a new, empty store for the current spec: a file store in
// dir opened with opts, or a PostgreSQL store when OPOSSUM_STORE says so
// (opts.NoSync, Now and Logger carry over; durability is the server's).
// The caller closes the store.
func Open(dir string, opts *store.Options) (store.EventStore, error) {
	v := os.Getenv(Env)
	if v == "" {
		return store.Open(dir, opts)
	}
	var conn string
	switch {
	case v == "postgres":
		conn = pgtest.Shared().ConnString("")
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		conn = v
	default:
		return nil, fmt.Errorf("%s=%q: use postgres (a throw-away server) or a postgres:// URL, or leave it unset for the file store", Env, v)
	}
	var o postgres.Options
	if opts != nil {
		o.Now, o.Logger = opts.Now, opts.Logger
	}
	o.Schema = pgtest.NewSchema()
	s, err := postgres.Open(context.Background(), conn, &o)
	if err != nil {
		return nil, err
	}
	DeferCleanup(func(ctx SpecContext) {
		// The store may still be open here: Close is idempotent.
		Expect(s.Close()).To(Succeed())
		pgtest.DropSchemaAt(ctx, conn, o.Schema)
	})
	return s, nil
}

// Close stops the throw-away server, when OPOSSUM_STORE=postgres started one.
func Close() {
	pgtest.StopShared()
}
