package store

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// InstrumentationName is the OpenTelemetry tracer and meter name of the
// store and its sub-packages.
const InstrumentationName = "github.com/opossum-go/opossum"

// Attribute keys on the store's spans and metrics.
const (
	AttrStore      = attribute.Key("opossum.store")
	AttrEventCount = attribute.Key("opossum.event_count")
	AttrConflict   = attribute.Key("opossum.append.conflict")
	AttrGroupSize  = attribute.Key("opossum.commit.group_events")
	AttrQuery      = attribute.Key("opossum.query")
	AttrResult     = attribute.Key("opossum.result_count")
)

// telemetry holds the store's tracer and instruments. With the global
// providers left at their defaults every call is a no-op.
type telemetry struct {
	tracer    trace.Tracer
	store     attribute.KeyValue
	appendDur metric.Float64Histogram
	syncDur   metric.Float64Histogram
	groupSize metric.Int64Histogram
	conflicts metric.Int64Counter
}

func newTelemetry(name string, tp trace.TracerProvider, mp metric.MeterProvider) *telemetry {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(InstrumentationName)
	t := &telemetry{tracer: tp.Tracer(InstrumentationName), store: AttrStore.String(name)}
	// Instrument constructors only fail on invalid names; ours are constant.
	t.appendDur, _ = m.Float64Histogram("opossum.append.duration", metric.WithUnit("s"),
		metric.WithDescription("Time from Append's call to its return, for committed appends."))
	t.syncDur, _ = m.Float64Histogram("opossum.fsync.duration", metric.WithUnit("s"),
		metric.WithDescription("Time spent making one commit group durable."))
	t.groupSize, _ = m.Int64Histogram("opossum.commit.group_size", metric.WithUnit("{event}"),
		metric.WithDescription("Events written by one group commit."))
	t.conflicts, _ = m.Int64Counter("opossum.append.conflicts", metric.WithUnit("{append}"),
		metric.WithDescription("Appends rejected by their append condition."))
	return t
}

func (t *telemetry) start(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	return t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(append(attrs, t.store)...))
}

// end records err on span and ends it.
func end(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
