package sqlitestore_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/sqlitestore"
	"github.com/opossum-go/opossum/specs/conformance"
	"github.com/opossum-go/opossum/store"
)

// The peer does the same job as the file store: it passes the same
// specification, durable (synchronous=FULL) as the benchmarks run it.
var _ = conformance.DescribeEventStore("SQLite peer store", func(ctx context.Context) store.EventStore {
	s, err := sqlitestore.Open(filepath.Join(GinkgoT().TempDir(), "events.db"), nil)
	Expect(err).NotTo(HaveOccurred())
	return s
})
