package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/store/postgres"
)

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns the test binary's server, started on first use without
// fsync (Options.NoSync): it serves specs of behaviour, not of durability. The
// suite stops it with StopShared in an AfterSuite. Without PostgreSQL
// binaries it skips the spec with a message saying how to install them,
// and under CI=true it fails the spec instead.
func Shared() *Server {
	GinkgoHelper()
	shared.once.Do(func() {
		// Specs open many stores and never crash the machine: fsync
		// off. Durability specs start a server of their own.
		shared.srv, shared.err = Start(context.Background(), &Options{NoSync: true})
	})
	if errors.Is(shared.err, ErrNoBinaries) {
		if InCI() {
			Fail(fmt.Sprintf("CI=true and %v", shared.err))
		}
		Skip(shared.err.Error())
	}
	Expect(shared.err).NotTo(HaveOccurred(), "starting the test PostgreSQL server")
	return shared.srv
}

// StopShared stops the server Shared started, if it did.
func StopShared() {
	if shared.srv != nil {
		Expect(shared.srv.Stop()).To(Succeed())
	}
}

var schemas atomic.Int64

// NewSchema returns a schema name no other call returned in this process
// or another one running now: it holds the process id and a counter.
func NewSchema() string {
	return fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
}

// OpenStore opens an empty store in a new schema of the shared server,
// with opts (nil for defaults; its Schema is replaced). The store is
// closed and its schema dropped when the spec ends.
func OpenStore(ctx context.Context, opts *postgres.Options) *postgres.Store {
	GinkgoHelper()
	srv := Shared()
	var o postgres.Options
	if opts != nil {
		o = *opts
	}
	o.Schema = NewSchema()
	s, err := postgres.Open(ctx, srv.ConnString(""), &o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) {
		Expect(s.Close()).To(Succeed())
		DropSchema(ctx, srv, o.Schema)
	})
	return s
}

// OpenStoreIn opens the store in schema of the shared server (creating
// it when missing); it is closed when the spec ends, and the schema left.
func OpenStoreIn(ctx context.Context, schema string) *postgres.Store {
	GinkgoHelper()
	s, err := postgres.Open(ctx, Shared().ConnString(""), &postgres.Options{Schema: schema})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Close)
	return s
}

// DropSchema drops a store's schema of srv and everything in it.
func DropSchema(ctx context.Context, srv *Server, schema string) {
	GinkgoHelper()
	DropSchemaAt(ctx, srv.ConnString(""), schema)
}

// DropSchemaAt drops a store's schema on the server connString names.
func DropSchemaAt(ctx context.Context, connString, schema string) {
	GinkgoHelper()
	conn, err := pgx.Connect(ctx, connString)
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	Expect(err).NotTo(HaveOccurred())
}
