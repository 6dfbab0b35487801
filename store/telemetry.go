package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/internal/buildinfo"
)

// InstrumentationName is the OpenTelemetry tracer and meter name of the
// store and its sub-packages. The instrumentation scope's version is the
// module's version in the running binary.
const InstrumentationName = "github.com/opossum-go/opossum"

// DBSystemName is the db.system.name of the file store's spans and metrics.
const DBSystemName = "opossum"

// The store follows the OpenTelemetry semantic conventions for database
// clients (schema 1.40.0) where they apply:
//
//   - every operation (append, read, read_last, subscribe, backup,
//     add_tags, verify, delete_store, pack) is a span of kind CLIENT named
//     "{db.operation.name} {db.namespace}", with db.system.name "opossum"
//     and db.namespace the store's name (Options.Name, by default the
//     folder's base name). The conventions allow INTERNAL only for
//     in-memory databases; a file store is not one.
//   - a failed operation sets error.type (see [ErrorType]) and the span's
//     status; a failed append condition is a failure of the append.
//   - every operation records its duration in db.client.operation.duration
//     (seconds, with the bounds of [DurationBuckets]).
//
// A query is recorded as db.query.text with every tag value replaced by
// "?", plus its number of items and tags: tag values can be personal data
// (an email address). Options.TelemetryTagValues records the values.
// Metrics never carry queries or tags.
const (
	AttrStore      = semconv.DBNamespaceKey
	AttrEventCount = attribute.Key("opossum.event_count")
	AttrConflict   = attribute.Key("opossum.append.conflict")
	AttrGroupSize  = attribute.Key("opossum.commit.group_events")
	AttrQuery      = semconv.DBQueryTextKey
	AttrQueryItems = attribute.Key("opossum.query.items")
	AttrQueryTags  = attribute.Key("opossum.query.tags")
	AttrResult     = attribute.Key("db.response.returned_rows")
	AttrAfter      = attribute.Key("opossum.after")
	AttrTagKeys    = attribute.Key("opossum.tag_keys")
	AttrTagCount   = attribute.Key("opossum.tag_count")
	AttrTags       = attribute.Key("opossum.tags")
)

// Metric names of the store.
const (
	MetricOperationDuration = "db.client.operation.duration"
	MetricSyncDuration      = "opossum.fsync.duration"
	MetricGroupSize         = "opossum.commit.group_size"
	MetricConflicts         = "opossum.append.conflicts"
)

// DurationBuckets returns the explicit bucket bounds, in seconds, of every
// duration histogram of the store and its sub-packages: from 100 µs (a
// read from the page cache) to 10 s (a rebuild batch on a slow disk).
// The SDK's default bounds (0, 5, 10, ... 10000) suit milliseconds and
// would put every sample in the first bucket.
func DurationBuckets() []float64 {
	return []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// InstrumentationOptions returns the tracer and meter options of the
// store and its sub-packages: the module's version and the semantic
// conventions' schema.
func InstrumentationOptions() ([]trace.TracerOption, []metric.MeterOption) {
	v := buildinfo.Version()
	return []trace.TracerOption{trace.WithInstrumentationVersion(v), trace.WithSchemaURL(semconv.SchemaURL)},
		[]metric.MeterOption{metric.WithInstrumentationVersion(v), metric.WithSchemaURL(semconv.SchemaURL)}
}

// ErrorType returns the error.type of err: the snake-case name of the
// store's sentinel error it wraps ("append_condition_failed", "closed",
// "broken", "lock_timeout", "corrupt", ...), "canceled" or
// "deadline_exceeded" for an ended context, and "_OTHER" otherwise (I/O
// errors included).
func ErrorType(err error) string {
	for _, k := range errorTypes {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

var errorTypes = []struct {
	err  error
	name string
}{
	{ErrAppendConditionFailed, "append_condition_failed"},
	{ErrInvalidQuery, "invalid_query"},
	{ErrEmptyBatch, "empty_batch"},
	{ErrInvalidEvent, "invalid_event"},
	{ErrEventTooLarge, "event_too_large"},
	{ErrClosed, "closed"},
	{ErrBroken, "broken"},
	{ErrLockTimeout, "lock_timeout"},
	{ErrCorrupt, "corrupt"},
	{ErrNotAStore, "not_a_store"},
	{ErrUnsupportedFormat, "unsupported_format"},
	{ErrInvalidOption, "invalid_option"},
	{ErrReadOnly, "read_only"},
	{ErrStoreInUse, "store_in_use"},
	{context.Canceled, "canceled"},
	{context.DeadlineExceeded, "deadline_exceeded"},
}

// telemetry holds the store's tracer and instruments. With the global
// providers left at their defaults every call is a no-op.
type telemetry struct {
	tracer    trace.Tracer
	namespace string
	base      []attribute.KeyValue // db.system.name, db.namespace
	baseSet   metric.MeasurementOption
	ops       map[string]*opTelemetry // the store's operations, made once
	tagValues bool
	opDur     metric.Float64Histogram
	syncDur   metric.Float64Histogram
	groupSize metric.Int64Histogram
	conflicts metric.Int64Counter
}

// newTelemetry returns the telemetry of the store named name, through o's
// providers (nil: the global ones).
func newTelemetry(name string, o Options) *telemetry {
	tp, mp := o.TracerProvider, o.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	topts, mopts := InstrumentationOptions()
	m := mp.Meter(InstrumentationName, mopts...)
	t := &telemetry{
		tracer:    tp.Tracer(InstrumentationName, topts...),
		namespace: name,
		base:      []attribute.KeyValue{semconv.DBSystemNameKey.String(DBSystemName), AttrStore.String(name)},
		tagValues: o.TelemetryTagValues,
	}
	t.baseSet = metric.WithAttributeSet(attribute.NewSet(t.base...))
	t.ops = map[string]*opTelemetry{}
	for _, op := range operations {
		t.ops[op] = t.newOp(op)
	}
	bounds := metric.WithExplicitBucketBoundaries(DurationBuckets()...)
	// Instrument constructors only fail on invalid names; ours are constant.
	t.opDur, _ = m.Float64Histogram(MetricOperationDuration, metric.WithUnit("s"), bounds,
		metric.WithDescription("Duration of the store's operations, from call to return (for reads, to the end of the iteration)."))
	t.syncDur, _ = m.Float64Histogram(MetricSyncDuration, metric.WithUnit("s"), bounds,
		metric.WithDescription("Time spent making one commit group durable."))
	t.groupSize, _ = m.Int64Histogram(MetricGroupSize, metric.WithUnit("{event}"),
		metric.WithDescription("Events written by one group commit."))
	t.conflicts, _ = m.Int64Counter(MetricConflicts, metric.WithUnit("{append}"),
		metric.WithDescription("Appends rejected by their append condition."))
	return t
}

// dirTelemetry is the telemetry of a store folder that is not open, for
// the functions that take a folder (VerifyDir, DeleteStore): the global
// providers, the folder's base name.
func dirTelemetry(dir string) *telemetry {
	return newTelemetry(filepath.Base(dir), Options{})
}

// attrs returns the attributes every metric of the store carries.
func (t *telemetry) attrs() metric.MeasurementOption { return t.baseSet }

// operations are the names of the store's operations, whose span names and
// attributes newTelemetry makes once: with the global providers left at
// their defaults, an operation then costs its span's context and nothing
// else.
var operations = []string{"append", "read", "read_last", "subscribe", "backup", "add_tags", "verify", "delete_store", "pack"}

// opTelemetry is what every span and duration of one operation shares.
type opTelemetry struct {
	span  string                   // the span name, "operation namespace"
	attrs []attribute.KeyValue     // the database attributes and db.operation.name
	start []trace.SpanStartOption  // kind CLIENT, with attrs
	ok    metric.MeasurementOption // the duration's attributes when it succeeds
}

func (t *telemetry) newOp(op string) *opTelemetry {
	o := &opTelemetry{
		span:  op + " " + t.namespace,
		attrs: slices.Clip(append(slices.Clip(t.base), semconv.DBOperationNameKey.String(op))),
	}
	o.start = clientSpan(o.attrs)
	o.ok = metric.WithAttributeSet(attribute.NewSet(o.attrs...))
	return o
}

// startOptions returns the options of a span of the operation with the
// attributes extra besides its own.
func (o *opTelemetry) startOptions(extra []attribute.KeyValue) []trace.SpanStartOption {
	if len(extra) == 0 {
		return o.start
	}
	return clientSpan(append(o.attrs, extra...)) // o.attrs is clipped: append copies
}

// clientSpan returns the options of a CLIENT span with attrs.
func clientSpan(attrs []attribute.KeyValue) []trace.SpanStartOption {
	return []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)}
}

// op returns the telemetry of operation op.
func (t *telemetry) op(op string) *opTelemetry {
	if o, ok := t.ops[op]; ok {
		return o
	}
	return t.newOp(op)
}

// operation is a span of one store operation; end records its duration.
type operation struct {
	trace.Span
	t     *telemetry
	op    *opTelemetry
	start time.Time
}

// start begins operation op: a CLIENT span named "op namespace" with the
// database attributes and attrs. Finish it with end. Attributes that take
// work to compute are better set afterwards, when the span records (see
// describeQuery).
func (t *telemetry) start(ctx context.Context, op string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	o := t.op(op)
	ctx, span := t.tracer.Start(ctx, o.span, o.startOptions(attrs)...)
	return ctx, &operation{Span: span, t: t, op: o, start: time.Now()}
}

// mark records operation op as a span that ends at once, for an
// operation that lasts as long as its caller wants (a subscription): the
// returned context makes the operation's later work its children.
func (t *telemetry) mark(ctx context.Context, op string, attrs ...attribute.KeyValue) context.Context {
	o := t.op(op)
	ctx, span := t.tracer.Start(ctx, o.span, o.startOptions(attrs)...)
	span.End()
	return ctx
}

// end finishes span; for a store operation it also records err's
// error.type and the operation's duration.
func end(span trace.Span, err error) {
	o, ok := span.(*operation)
	if !ok {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		return
	}
	took := time.Since(o.start).Seconds()
	if err == nil {
		o.t.opDur.Record(context.Background(), took, o.op.ok)
	} else {
		et := semconv.ErrorTypeKey.String(ErrorType(err))
		o.SetAttributes(et)
		o.SetStatus(codes.Error, o.t.describe(err))
		o.t.opDur.Record(context.Background(), took, metric.WithAttributes(append(o.op.attrs, et)...))
	}
	o.End()
}

// describe returns err's message for a span status, without tag values
// unless they were asked for: a failed condition names its query, and an
// invalid event may quote a tag.
func (t *telemetry) describe(err error) string {
	if t.tagValues {
		return err.Error()
	}
	var ce *ConditionError
	if errors.As(err, &ce) {
		return fmt.Sprintf("%v: event at position %d matches %s after position %d",
			ErrAppendConditionFailed, ce.Conflict, t.queryText(ce.Query), ce.After)
	}
	if errors.Is(err, ErrInvalidEvent) {
		return ErrInvalidEvent.Error()
	}
	return err.Error()
}

// query returns the span attributes describing q: its text (tag values
// replaced by "?" unless asked for) and its numbers of items and tags.
func (t *telemetry) query(q Query) []attribute.KeyValue {
	tags := 0
	for _, it := range q.items {
		tags += len(it.Tags)
	}
	return []attribute.KeyValue{AttrQuery.String(t.queryText(q)), AttrQueryItems.Int(len(q.items)), AttrQueryTags.Int(tags)}
}

// describeQuery puts the attributes of q on span, when the span records
// (a read with tracing off pays nothing for them).
func (t *telemetry) describeQuery(span trace.Span, q Query) {
	if span.IsRecording() {
		span.SetAttributes(t.query(q)...)
	}
}

// queryText is q.String(), with every tag value replaced by "?" unless
// the store records tag values.
func (t *telemetry) queryText(q Query) string {
	if t.tagValues || q.all {
		return q.String()
	}
	items := make([]QueryItem, len(q.items))
	for i, it := range q.items {
		items[i] = QueryItem{Types: it.Types, Tags: make([]Tag, len(it.Tags))}
		for j, tag := range it.Tags {
			items[i].Tags[j] = Tag{Key: tag.Key, Value: "?"}
		}
	}
	return Query{items: items}.String()
}

// batchSize returns db.operation.batch.size for an append of n events;
// the conventions define it for batches of two or more.
func batchSize(n int) []attribute.KeyValue {
	if n < 2 {
		return nil
	}
	return []attribute.KeyValue{semconv.DBOperationBatchSizeKey.Int(n)}
}

// events returns the span attributes describing an append's events:
// their number and their tags' distinct keys and count (and the tags
// themselves, key:value, when the store records tag values).
func (t *telemetry) events(events []Event) []attribute.KeyValue {
	var keys, tags []string
	seen := map[string]bool{}
	n := 0
	for _, e := range events {
		n += len(e.Tags)
		for _, tg := range e.Tags {
			if t.tagValues {
				tags = append(tags, tg.String())
			}
			if !seen[tg.Key] {
				seen[tg.Key] = true
				keys = append(keys, tg.Key)
			}
		}
	}
	attrs := append(batchSize(len(events)), AttrEventCount.Int(len(events)), AttrTagKeys.StringSlice(keys), AttrTagCount.Int(n))
	if t.tagValues {
		attrs = append(attrs, AttrTags.StringSlice(tags))
	}
	return attrs
}
