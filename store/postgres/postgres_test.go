package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// execSQL runs sql on the shared server's postgres database.
func execSQL(ctx context.Context, sql string, args ...any) {
	GinkgoHelper()
	conn, err := pgx.Connect(ctx, pgtest.Shared().ConnString(""))
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, args...)
	Expect(err).NotTo(HaveOccurred())
}

// open opens the store in schema on the shared server; it is closed when
// the spec ends and the schema dropped.
func open(ctx context.Context, schema string, opts *postgres.Options) (*postgres.Store, error) {
	GinkgoHelper()
	var o postgres.Options
	if opts != nil {
		o = *opts
	}
	o.Schema = schema
	s, err := postgres.Open(ctx, pgtest.Shared().ConnString(""), &o)
	if err == nil {
		DeferCleanup(s.Close)
	}
	return s, err
}

// newSchema returns a fresh schema name, dropped when the spec ends.
func newSchema() string {
	GinkgoHelper()
	schema := pgtest.NewSchema()
	srv := pgtest.Shared()
	DeferCleanup(func(ctx SpecContext) { pgtest.DropSchema(ctx, srv, schema) })
	return schema
}

func ev(typ string, tags ...store.Tag) store.Event { return store.Event{Type: typ, Tags: tags} }

var _ = Describe("The schema", func() {
	It("is created by the first Open and left as it is by the next ones", func(ctx SpecContext) {
		schema := newSchema()
		s, err := open(ctx, schema, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{ev("A")}, nil)
		Expect(err).NotTo(HaveOccurred())
		again, err := open(ctx, schema, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Head(ctx)).To(Equal(store.Position(1)))
	})

	It("is created once when eight handles open a new store at the same moment", func(ctx SpecContext) {
		schema := newSchema()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				defer GinkgoRecover()
				s, err := postgres.Open(ctx, pgtest.Shared().ConnString(""), &postgres.Options{Schema: schema})
				if err == nil {
					_, err = s.Append(ctx, []store.Event{ev("A")}, nil)
					Expect(s.Close()).To(Succeed())
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		s, err := open(ctx, schema, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Head(ctx)).To(Equal(store.Position(8)))
	})

	It("is refused, with the versions in the message, when a newer package migrated it", func(ctx SpecContext) {
		schema := newSchema()
		s, err := open(ctx, schema, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		execSQL(ctx, fmt.Sprintf("INSERT INTO %s.schema_version (version) VALUES (%d)", schema, postgres.SchemaVersion()+1))
		for _, readOnly := range []bool{false, true} {
			_, err = open(ctx, schema, &postgres.Options{ReadOnly: readOnly})
			Expect(err).To(MatchError(postgres.ErrSchemaTooNew))
			Expect(err.Error()).To(ContainSubstring(fmt.Sprintf("version %d, this package knows versions up to %d", postgres.SchemaVersion()+1, postgres.SchemaVersion())))
		}
	})

	It("is not created by a read-only Open, which fails with ErrNoStore", func(ctx SpecContext) {
		schema := newSchema()
		_, err := open(ctx, schema, &postgres.Options{ReadOnly: true})
		Expect(err).To(MatchError(postgres.ErrNoStore))
		_, err = open(ctx, schema, &postgres.Options{ReadOnly: true})
		Expect(err).To(MatchError(postgres.ErrNoStore), "the first read-only Open created nothing")
	})

	It("refuses a schema name that is not a plain identifier", func(ctx SpecContext) {
		_, err := postgres.Open(ctx, pgtest.Shared().ConnString(""), &postgres.Options{Schema: `x"; DROP TABLE y; --`})
		Expect(err).To(MatchError(store.ErrInvalidOption))
	})
})

var _ = Describe("A read-only handle", func() {
	It("reads what a writer appends and refuses to append", func(ctx SpecContext) {
		schema := newSchema()
		w, err := open(ctx, schema, nil)
		Expect(err).NotTo(HaveOccurred())
		r, err := open(ctx, schema, &postgres.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Append(ctx, []store.Event{ev("A"), ev("B")}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(store.ReadAll(ctx, r, store.All())).To(HaveLen(2))
		_, err = r.Append(ctx, []store.Event{ev("C")}, nil)
		Expect(err).To(MatchError(store.ErrReadOnly))
	})
})

var _ = Describe("A connection string", func() {
	const password = "s3cret-Pa55"

	DescribeTable("that is wrong is named in the error, never with its password",
		func(ctx SpecContext, conn func(srv *pgtest.Server) string, want error, says string) {
			ctx2, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			_, err := postgres.Open(ctx2, conn(pgtest.Shared()), nil)
			Expect(err).To(MatchError(want))
			Expect(err.Error()).To(ContainSubstring(says))
			Expect(err.Error()).NotTo(ContainSubstring(password))
		},
		Entry("a URL with a bad port", func(*pgtest.Server) string {
			return "postgres://ada:" + password + "@localhost:99999x/db"
		}, postgres.ErrConnString, "invalid port"),
		Entry("key=value pairs with an unknown sslmode", func(*pgtest.Server) string {
			return "host=localhost password=" + password + " sslmode=sometimes"
		}, postgres.ErrConnString, "sslmode"),
		Entry("a database that does not exist", func(srv *pgtest.Server) string {
			return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/nosuchdb", password, srv.Port())
		}, postgres.ErrConnect, `database "nosuchdb"`),
		Entry("a port where no server listens", func(srv *pgtest.Server) string {
			return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:1/db?connect_timeout=5", password)
		}, postgres.ErrConnect, "port 1"),
	)
})

var _ = Describe("Positions", func() {
	It("are gap-free after refused and failed appends", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		a := store.NewTag("k", "a")
		_, err := s.Append(ctx, []store.Event{ev("A", a)}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{ev("A", a)}, store.Guard(store.Tagged(a), 0))
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		_, err = s.Append(ctx, []store.Event{ev("B"), {Type: ""}}, nil)
		Expect(err).To(MatchError(store.ErrInvalidEvent))
		p, err := s.Append(ctx, []store.Event{ev("C"), ev("D")}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(p).To(Equal(store.Position(3)))
	})

	It("are gap-free and seen in order by a reader while 8 handles append concurrently", func(ctx SpecContext) {
		schema := newSchema()
		handles := make([]*postgres.Store, 8)
		for i := range handles {
			var err error
			handles[i], err = open(ctx, schema, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		stop := make(chan struct{})
		reads := make(chan []store.Position, 1)
		go func() {
			defer GinkgoRecover()
			checkReads(ctx, handles[0], stop, reads)
		}()
		var wg sync.WaitGroup
		for i, s := range handles {
			for g := range 2 {
				wg.Go(func() {
					defer GinkgoRecover()
					for k := range 15 {
						_, err := s.Append(ctx, []store.Event{ev(fmt.Sprintf("W%d.%d", i, g)), ev(fmt.Sprint(k))}, nil)
						Expect(err).NotTo(HaveOccurred())
					}
				})
			}
		}
		wg.Wait()
		close(stop)
		Eventually(reads).Should(Receive())
		all, err := store.ReadAll(ctx, handles[0], store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(HaveLen(8 * 2 * 15 * 2))
		for i, e := range all {
			Expect(e.Position).To(Equal(store.Position(i + 1)))
		}
	}, SpecTimeout(2*time.Minute))
})

// checkReads reads every event again and again until stop, failing the
// spec when a read is not 1..n without gap, or when the head or a read is
// behind an earlier one; it sends the lengths it saw on done.
func checkReads(ctx context.Context, s store.EventStore, stop <-chan struct{}, done chan<- []store.Position) {
	var seen []store.Position
	var last store.Position
	for {
		select {
		case <-stop:
			done <- seen
			return
		default:
		}
		head, err := s.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(head).To(BeNumerically(">=", last), "the head went back")
		events, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(len(events)).To(BeNumerically(">=", int(head)), "a read after Head returned misses events up to it")
		for i, e := range events {
			if e.Position != store.Position(i+1) {
				Fail(fmt.Sprintf("a reader saw position %d at index %d: a gap or a position out of order", e.Position, i))
			}
		}
		last = store.Position(len(events))
		seen = append(seen, last)
	}
}

var _ = Describe("An append whose connection breaks", func() {
	It("returns ErrConnectionLost before its commit, stores nothing, and succeeds when retried", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		_, err := s.Append(ctx, []store.Event{ev("First")}, nil)
		Expect(err).NotTo(HaveOccurred())

		// Another session holds the head row, so the append waits on it.
		holder, err := pgx.Connect(ctx, pgtest.Shared().ConnString(""))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(holder.Close)
		tx, err := holder.Begin(ctx)
		Expect(err).NotTo(HaveOccurred())
		_, err = tx.Exec(ctx, "SELECT position FROM "+s.Schema()+".head FOR UPDATE")
		Expect(err).NotTo(HaveOccurred())

		result := make(chan error, 1)
		go func() {
			_, err := s.Append(ctx, []store.Event{ev("Second")}, nil)
			result <- err
		}()
		var pid int
		// The only session waiting for a lock is the append's.
		Eventually(func() error {
			return holder.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'`).Scan(&pid)
		}).WithTimeout(10 * time.Second).Should(Succeed())
		_, err = holder.Exec(ctx, "SELECT pg_terminate_backend($1)", pid)
		Expect(err).NotTo(HaveOccurred())
		var appendErr error
		Eventually(result).WithTimeout(10 * time.Second).Should(Receive(&appendErr))
		Expect(appendErr).To(MatchError(postgres.ErrConnectionLost))
		Expect(tx.Rollback(ctx)).To(Succeed())

		Expect(s.Head(ctx)).To(Equal(store.Position(1)), "nothing was stored")
		p, err := s.Append(ctx, []store.Event{ev("Second")}, nil)
		Expect(err).NotTo(HaveOccurred(), "the retry")
		Expect(p).To(Equal(store.Position(2)))
	}, SpecTimeout(time.Minute))
})

var _ = Describe("A subscription", func() {
	It("goes on after the server ends every connection of the store", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		_, err := s.Append(ctx, []store.Event{ev("Before")}, nil)
		Expect(err).NotTo(HaveOccurred())
		got := make(chan store.Position, 10)
		sctx, cancel := context.WithCancel(ctx)
		DeferCleanup(cancel)
		go func() {
			defer GinkgoRecover()
			for e, err := range s.Subscribe(sctx, store.All(), 0) {
				if err != nil {
					Expect(sctx.Err()).To(HaveOccurred(), "the subscription ended with %v", err)
					return
				}
				got <- e.Position
			}
		}()
		Eventually(got).WithTimeout(5 * time.Second).Should(Receive(Equal(store.Position(1))))

		execSQL(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`)

		// Another handle appends: only the listener, reconnected, can say so.
		other, err := open(ctx, s.Schema(), nil)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() error {
			_, err := other.Append(ctx, []store.Event{ev("After")}, nil)
			return err
		}).WithTimeout(10 * time.Second).Should(Succeed())
		Eventually(got).WithTimeout(10 * time.Second).Should(Receive(Equal(store.Position(2))))
	}, SpecTimeout(time.Minute))
})

var _ = Describe("Data", func() {
	It("is kept as written, its key order too, which jsonb would not keep", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		data := `{"zeta":1,"alpha":{"b":2,"a":1},"mid":[3,1]}`
		_, err := s.Append(ctx, []store.Event{{Type: "A", Data: []byte(data)}}, nil)
		Expect(err).NotTo(HaveOccurred())
		e, err := s.ReadLast(ctx, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(string(e.Data)).To(Equal(data))
		Expect(strings.Index(string(e.Data), "zeta")).To(BeNumerically("<", strings.Index(string(e.Data), "alpha")))
	})
})
