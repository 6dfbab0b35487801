package projection

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
)

// Attribute keys and metric names of the runner's telemetry. Every span
// and data point carries the projection's name; none carries a read
// model's key or tags.
const (
	// AttrProjection is the projection's name.
	AttrProjection = attrProjection
	// AttrEvents is the number of events in a batch of live updates.
	AttrEvents = attribute.Key("opossum.event_count")

	// MetricLag is the age, in seconds, of the oldest event a projection
	// has not applied yet (by the event's timestamp), 0 when it is caught
	// up with the store's head.
	MetricLag = "opossum.projection.lag"
	// MetricLagEvents is the number of positions between a projection's
	// position and the store's head.
	MetricLagEvents = "opossum.projection.lag.events"
	// MetricRebuildProgress is the share of a running rebuild done, from 0
	// to 1; it is reported only while a projection rebuilds.
	MetricRebuildProgress = "opossum.projection.rebuild.progress"
	// MetricRebuildRemaining is how many positions a running rebuild has
	// still to cover up to the head it aims at.
	MetricRebuildRemaining = "opossum.projection.rebuild.remaining"
	// MetricUpdateDuration is the time to apply and write one batch of
	// live events.
	MetricUpdateDuration = "opossum.projection.update.duration"
)

// telemetry reports a runner's projections: a span per batch of live
// updates (INTERNAL: the work happens in this process; the rebuild span is
// the worker's), and gauges read from Status when the SDK collects.
type telemetry struct {
	tracer    trace.Tracer
	updateDur metric.Float64Histogram
	reg       metric.Registration
}

func newTelemetry(r *Runner) *telemetry {
	_, mopts := store.InstrumentationOptions()
	m := r.opts.MeterProvider.Meter(store.InstrumentationName, mopts...)
	t := &telemetry{tracer: r.tracer}
	// Instrument constructors only fail on invalid names; ours are constant.
	t.updateDur, _ = m.Float64Histogram(MetricUpdateDuration, metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(store.DurationBuckets()...),
		metric.WithDescription("Time to apply and write one batch of live events."))
	lag, _ := m.Float64ObservableGauge(MetricLag, metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest event a projection has not applied yet; 0 when caught up."))
	lagEvents, _ := m.Int64ObservableGauge(MetricLagEvents, metric.WithUnit("{event}"),
		metric.WithDescription("Positions between a projection's position and the store's head."))
	progress, _ := m.Float64ObservableGauge(MetricRebuildProgress, metric.WithUnit("1"),
		metric.WithDescription("Share of a running rebuild done, from 0 to 1."))
	remaining, _ := m.Int64ObservableGauge(MetricRebuildRemaining, metric.WithUnit("{event}"),
		metric.WithDescription("Positions a running rebuild has still to cover."))
	t.reg, _ = m.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		head := store.Position(r.head.Load())
		for _, s := range r.Status() {
			at := metric.WithAttributes(AttrProjection.String(s.Name))
			o.ObserveInt64(lagEvents, int64(head-min(head, s.Position)), at)
			o.ObserveFloat64(lag, r.lagSeconds(ctx, s.Position, head), at)
			if s.State == Rebuilding {
				done, total := s.Rebuild.Position-s.Rebuild.From, s.Rebuild.Target-s.Rebuild.From
				ratio := 1.0
				if total > 0 {
					ratio = min(float64(done)/float64(total), 1)
				}
				o.ObserveFloat64(progress, ratio, at)
				o.ObserveInt64(remaining, int64(s.Rebuild.Target-min(s.Rebuild.Target, s.Rebuild.Position)), at)
			}
		}
		return nil
	}, lag, lagEvents, progress, remaining)
	return t
}

// lagSeconds returns the age of the first event after pos, or 0 when pos
// is at the head or the event cannot be read.
func (r *Runner) lagSeconds(ctx context.Context, pos, head store.Position) float64 {
	if pos >= head {
		return 0
	}
	for e, err := range r.st.Read(ctx, store.All(), store.After(pos), store.Limit(1)) {
		if err != nil {
			return 0
		}
		return max(time.Since(e.Metadata.Timestamp).Seconds(), 0)
	}
	return 0
}

// close stops the gauges' callback.
func (t *telemetry) close() {
	if t.reg != nil {
		_ = t.reg.Unregister()
	}
}

// update is the span and timer of one batch of live events.
type update struct {
	t     *telemetry
	span  trace.Span
	name  string
	start time.Time
}

// startUpdate begins a batch of n live events of the named projection.
func (t *telemetry) startUpdate(ctx context.Context, name string, n int) *update {
	_, span := t.tracer.Start(ctx, "opossum.projection.update", trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(AttrProjection.String(name), AttrEvents.Int(n)))
	return &update{t: t, span: span, name: name, start: time.Now()}
}

// end finishes the batch, failed when err is not nil.
func (u *update) end(err error) {
	u.t.updateDur.Record(context.Background(), time.Since(u.start).Seconds(),
		metric.WithAttributes(AttrProjection.String(u.name)))
	finish(u.span, err)
}

// finish ends span, failed when err is not nil. A failure is described by
// its error.type only: a fold error names a read model's key, which can
// be personal data.
func finish(span trace.Span, err error) {
	if err != nil {
		et := store.ErrorType(err)
		span.SetAttributes(attribute.String("error.type", et))
		span.SetStatus(codes.Error, et)
	}
	span.End()
}
