package projection

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/opossum-go/opossum/store"
)

// Span attributes of opossum.projection.rebuild.
const (
	attrProjection = attribute.Key("opossum.projection")
	attrReason     = attribute.Key("opossum.rebuild.reason")
	attrResumed    = attribute.Key("opossum.rebuild.resumed")
	attrFrom       = attribute.Key("opossum.rebuild.resume_from")
	attrEvents     = attribute.Key("opossum.events_processed")
)

// RebuildResult is what RebuildReport returns: the whole run and one
// outcome per projection.
type RebuildResult struct {
	// Duration is the time from the request to the last projection's end.
	Duration time.Duration
	// Events counts the events applied by all the rebuilds.
	Events int
	// Projections holds one outcome per projection, in the order named.
	Projections []RebuildOutcome
}

// Failed returns the names of the projections whose rebuild failed.
func (r RebuildResult) Failed() []string {
	var out []string
	for _, p := range r.Projections {
		if p.Err != nil {
			out = append(out, p.Name)
		}
	}
	return out
}

// RebuildOutcome is the rebuild of one projection.
type RebuildOutcome struct {
	// Name is the projection's.
	Name string
	// Err is why the rebuild failed; nil when it succeeded.
	Err error
	// Events counts the events the rebuild applied.
	Events int
	// Duration is how long the rebuild ran (not counting its wait for a
	// slot).
	Duration time.Duration
	// Position is the position the rebuilt read models reflect.
	Position store.Position
	// Resumed reports that the rebuild continued an interrupted one.
	Resumed bool
}

// RebuildReport is Rebuild, returning what each rebuild did. It waits for
// every named projection even when one fails; a failure is in its
// outcome, and the first one is also returned as the error. Errors as
// Rebuild; with ctx.Err() the result holds the rebuilds finished by then.
func (r *Runner) RebuildReport(ctx context.Context, names ...string) (RebuildResult, error) {
	start := time.Now()
	if len(names) == 0 {
		for _, s := range r.Status() {
			names = append(names, s.Name)
		}
	}
	err := r.Rebuild(ctx, names...)
	res := RebuildResult{Duration: time.Since(start)}
	for _, n := range names {
		w, werr := r.worker(n)
		if werr != nil {
			return res, werr
		}
		s := w.snapshot()
		_, last := w.servedRequests()
		o := RebuildOutcome{Name: n, Err: last, Events: s.Rebuild.Events, Resumed: s.Rebuild.Resumed,
			Position: s.Rebuild.Position}
		if !s.Rebuild.Started.IsZero() {
			end := s.Rebuild.Finished
			if end.IsZero() {
				end = time.Now()
			}
			o.Duration = end.Sub(s.Rebuild.Started)
		}
		res.Events += o.Events
		res.Projections = append(res.Projections, o)
	}
	return res, err
}
