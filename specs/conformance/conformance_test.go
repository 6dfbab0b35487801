package conformance_test

import (
	"context"

	"github.com/opossum-go/opossum/specs/conformance"
	"github.com/opossum-go/opossum/store"
)

var _ = conformance.DescribeEventStore("memory store", func(context.Context) store.EventStore {
	return store.NewMemory()
})
