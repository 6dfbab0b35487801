package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/opossum-go/opossum/internal/sqlitestore"
	"github.com/opossum-go/opossum/store"
)

// Store kinds under measurement.
const (
	kindFile   = "file"
	kindSQLite = "sqlite"
	// kindFilePacked is the file store with every whole shard packed
	// (FileStore.Pack), for the cold reads.
	kindFilePacked = "file-packed"
)

var kinds = []string{kindFile, kindSQLite}

// Sync modes.
const (
	durable = "durable"
	noSync  = "nosync"
)

var syncModes = []string{durable, noSync}

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role))
	}
	code := m.Run()
	closeFixtures()
	stopPostgres()
	if fixtureTemp != "" {
		os.RemoveAll(fixtureTemp)
	}
	os.Exit(code)
}

// openStore opens a store of kind in dir (created when missing).
func openStore(kind, dir string, nosync bool) (store.EventStore, error) {
	switch kind {
	case kindFile, kindFilePacked:
		return store.Open(dir, &store.Options{NoSync: nosync})
	case kindSQLite:
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		return sqlitestore.Open(filepath.Join(dir, "events.db"), &sqlitestore.Options{NoSync: nosync})
	case kindPostgres:
		return openPostgres(dir, nosync)
	}
	return nil, fmt.Errorf("unknown store kind %q", kind)
}

// newStore opens a fresh store for one benchmark; it is closed at cleanup.
func newStore(b *testing.B, kind, mode string) store.EventStore {
	b.Helper()
	skipWithoutPostgres(b, kind)
	s, err := openStore(kind, b.TempDir(), mode == noSync)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// payload is a typical small event body (about 120 bytes).
func payload(i int) []byte {
	return fmt.Appendf(nil, `{"studentId":"s-%d","courseId":"c-%d","name":"Student number %d","email":"student%d@example.com"}`, i, i%100, i, i)
}

// fixtureEvent is event i (0-based) of a read fixture of n events: ten types
// of n/10 events each; an entity tag shared by exactly 10 events (so a tag
// query has a fixed-size result at every n); a group tag shared by n/100.
func fixtureEvent(i, n int) store.Event {
	return store.Event{
		Type: fmt.Sprintf("Type%d", i%10),
		Data: payload(i),
		Tags: []store.Tag{
			store.NewTag("entity", fmt.Sprintf("e-%d", i%(n/10))),
			store.NewTag("group", fmt.Sprintf("g-%d", i%100)),
		},
	}
}

var (
	fixtureMu   sync.Mutex
	fixtureTemp string
	fixtures    = map[string]store.EventStore{}
)

// fixture returns an open store of kind holding n fixture events, building
// it once per run (or once per OPOSSUM_BENCH_DIR) with sync off.
func fixture(b *testing.B, kind string, n int) store.EventStore {
	b.Helper()
	skipWithoutPostgres(b, kind)
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	key := fmt.Sprint(kind, n)
	if s, ok := fixtures[key]; ok {
		return s
	}
	dir := fixtureDir(b, kind, n)
	s, err := openStore(kind, dir, false)
	if err != nil {
		b.Fatal(err)
	}
	fixtures[key] = s
	return s
}

// fixtureDir returns the folder of a built fixture, building it if needed.
func fixtureDir(b *testing.B, kind string, n int) string {
	b.Helper()
	root := os.Getenv("OPOSSUM_BENCH_DIR")
	if root == "" {
		if fixtureTemp == "" {
			d, err := os.MkdirTemp("", "opossum-bench-")
			if err != nil {
				b.Fatal(err)
			}
			fixtureTemp = d
		}
		root = fixtureTemp
	}
	dir := filepath.Join(root, fmt.Sprintf("%s-%d", kind, n))
	done := filepath.Join(root, fmt.Sprintf("%s-%d.complete", kind, n))
	if kind == kindPostgres {
		// The server lives as long as this process: build in every run.
		done = filepath.Join(root, fmt.Sprintf("%s-%d-%d.complete", kind, n, os.Getpid()))
	}
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	b.Logf("building a %s store of %d events in %s", kind, n, dir)
	s, err := openStore(kind, dir, true)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const chunk = 1000
	batch := make([]store.Event, 0, chunk)
	for i := range n {
		batch = append(batch, fixtureEvent(i, n))
		if len(batch) == chunk || i == n-1 {
			if _, err := s.Append(ctx, batch, nil); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if kind == kindFilePacked {
		if _, err := s.(*store.FileStore).Pack(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if kind == kindPostgres {
		if err := analyzePostgres(dir); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func closeFixtures() {
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	for k, s := range fixtures {
		s.Close()
		delete(fixtures, k)
	}
}

// sizes returns the read-fixture sizes of this run.
func sizes() []int {
	if os.Getenv("OPOSSUM_BENCH_1M") == "1" {
		return []int{10_000, 100_000, 1_000_000}
	}
	return []int{10_000, 100_000}
}

func ctxb() context.Context { return context.Background() }

// timeout bounds a wait that should end quickly, so that a hang fails the
// benchmark instead of blocking the run.
const timeout = 30 * time.Second
