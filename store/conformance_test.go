package store_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/conformance"
	"github.com/opossum-go/opossum/store"
)

// The DCB event-store specification, run against every implementation in
// this package and each file-store sync mode.
var (
	_ = conformance.DescribeEventStore("the file store", func(ctx context.Context) store.EventStore {
		s, err := store.Open(GinkgoT().TempDir(), nil)
		Expect(err).NotTo(HaveOccurred())
		return s
	})
	_ = conformance.DescribeEventStore("the file store without fsync", func(ctx context.Context) store.EventStore {
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		return s
	})
	_ = conformance.DescribeEventStore("the memory store", func(ctx context.Context) store.EventStore {
		return store.NewMemory()
	})
)
