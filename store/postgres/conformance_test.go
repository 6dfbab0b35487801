package postgres_test

import (
	"context"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/specs/conformance"
	"github.com/opossum-go/opossum/store"
)

// The PostgreSQL store passes the same specification as the file store,
// each spec in a schema of its own on a throw-away server.
var _ = conformance.DescribeEventStore("PostgreSQL store", func(ctx context.Context) store.EventStore {
	return pgtest.OpenStore(ctx, nil)
})
