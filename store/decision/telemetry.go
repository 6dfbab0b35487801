package decision

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
)

// Attribute keys and metric names of Execute's telemetry.
const (
	// AttrAttempts is how many times Execute ran the decision.
	AttrAttempts = attribute.Key("opossum.decision.attempts")

	// MetricConflicts counts the attempts whose append lost to a
	// concurrent write (store.ErrAppendConditionFailed), the last one of
	// an exhausted Execute included.
	MetricConflicts = "opossum.decision.conflicts"
	// MetricRetries counts the attempts after the first.
	MetricRetries = "opossum.decision.retries"
)

// telemetry is Execute's tracer and counters for one pair of providers.
type telemetry struct {
	tracer    trace.Tracer
	conflicts metric.Int64Counter
	retries   metric.Int64Counter
}

type providers struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// telemetries caches the instruments per pair of providers, so that
// Execute does not create them on every call.
var telemetries sync.Map // providers -> *telemetry

func telemetryFor(p Policy) *telemetry {
	key := providers{p.TracerProvider, p.MeterProvider}
	if key.tp == nil {
		key.tp = otel.GetTracerProvider()
	}
	if key.mp == nil {
		key.mp = otel.GetMeterProvider()
	}
	if t, ok := telemetries.Load(key); ok {
		return t.(*telemetry)
	}
	topts, mopts := store.InstrumentationOptions()
	m := key.mp.Meter(store.InstrumentationName, mopts...)
	t := &telemetry{tracer: key.tp.Tracer(store.InstrumentationName, topts...)}
	// Instrument constructors only fail on invalid names; ours are constant.
	t.conflicts, _ = m.Int64Counter(MetricConflicts, metric.WithUnit("{conflict}"),
		metric.WithDescription("Execute attempts whose append lost to a concurrent write."))
	t.retries, _ = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Execute attempts after the first."))
	actual, _ := telemetries.LoadOrStore(key, t)
	return actual.(*telemetry)
}

// run is the span of one Execute.
type run struct {
	t        *telemetry
	span     trace.Span
	attempts int
}

// startExecute begins the span of one Execute.
func startExecute(ctx context.Context, p Policy) (context.Context, *run) {
	t := telemetryFor(p)
	ctx, span := t.tracer.Start(ctx, "execute", trace.WithSpanKind(trace.SpanKindInternal))
	return ctx, &run{t: t, span: span}
}

// attempt notes that attempt n (1 for the first) begins.
func (r *run) attempt(ctx context.Context, n int) {
	r.attempts = n
	if n > 1 {
		r.t.retries.Add(ctx, 1)
	}
}

// conflict notes that the current attempt lost to a concurrent write.
func (r *run) conflict(ctx context.Context) {
	r.t.conflicts.Add(ctx, 1)
}

// end finishes the span with Execute's outcome. A failure is described
// by its error.type only: domain errors and conflicts can quote tag
// values, which can be personal data.
func (r *run) end(err error) {
	r.span.SetAttributes(AttrAttempts.Int(r.attempts))
	if err != nil {
		et := store.ErrorType(err)
		r.span.SetAttributes(attribute.String("error.type", et))
		r.span.SetStatus(codes.Error, et)
	}
	r.span.End()
}
