package gwt

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// UnexpectedError exposes the check a Scenario makes when its spec ends.
func (sc *Scenario) UnexpectedError() error { return sc.unexpectedError() }

// DescribeStore exposes the text a failed scenario adds to its report.
func DescribeStore(ctx context.Context, s store.EventStore, sc *Scenario) string {
	return describeStore(ctx, s, sc)
}
