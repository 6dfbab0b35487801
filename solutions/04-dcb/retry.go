package dcb

import (
	"time"

	"github.com/opossum-go/opossum/store/decision"
)

// Retry is the retry policy of the decisions of this lesson that use
// decision.Execute (README step 5). A decision that lost a race is decided
// again on fresh state, after a short, jittered wait that doubles each
// time.
//
// The specs let 20 writers race for one consistency boundary, and every
// round of a race has one winner, so the policy allows more attempts than
// there are writers. An application with less contention keeps the
// default of decision.Execute (5 attempts).
var Retry = &decision.Policy{
	Attempts:  40,
	BaseDelay: time.Millisecond,
	MaxDelay:  20 * time.Millisecond,
}
