package store_test

import (
	"context"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
)

// telemetryHarness opens a store whose spans and metrics go to in-memory
// SDK readers.
type telemetryHarness struct {
	s      *store.FileStore
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

func openTelemetryHarness(tagValues bool) *telemetryHarness {
	GinkgoHelper()
	h := &telemetryHarness{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	var err error
	h.s, err = store.Open(GinkgoT().TempDir(), &store.Options{
		Name:               "orders",
		TracerProvider:     sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans)),
		MeterProvider:      sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader)),
		TelemetryTagValues: tagValues,
	})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(h.s.Close)
	return h
}

func (h *telemetryHarness) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range h.spans.Ended() {
		if sp.Name() == name {
			out = append(out, sp)
		}
	}
	return out
}

func (h *telemetryHarness) metrics() map[string]metricdata.Metrics {
	GinkgoHelper()
	var rm metricdata.ResourceMetrics
	Expect(h.reader.Collect(context.Background(), &rm)).To(Succeed())
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		Expect(sm.Scope.Name).To(Equal(store.InstrumentationName))
		Expect(sm.Scope.Version).NotTo(BeEmpty())
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func spanAttrs(span sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range span.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// everything renders every span (name, attributes, status, events) and
// every metric data point's attributes, to search for a leaked value.
func (h *telemetryHarness) everything() string {
	var b strings.Builder
	for _, sp := range h.spans.Ended() {
		b.WriteString(sp.Name() + " " + sp.Status().Description + "\n")
		for _, kv := range sp.Attributes() {
			b.WriteString(string(kv.Key) + "=" + kv.Value.String() + "\n")
		}
		for _, ev := range sp.Events() {
			for _, kv := range ev.Attributes {
				b.WriteString(string(kv.Key) + "=" + kv.Value.String() + "\n")
			}
		}
	}
	for _, m := range h.metrics() {
		var sets []attribute.Set
		switch d := m.Data.(type) {
		case metricdata.Histogram[float64]:
			for _, dp := range d.DataPoints {
				sets = append(sets, dp.Attributes)
			}
		case metricdata.Histogram[int64]:
			for _, dp := range d.DataPoints {
				sets = append(sets, dp.Attributes)
			}
		case metricdata.Sum[int64]:
			for _, dp := range d.DataPoints {
				sets = append(sets, dp.Attributes)
			}
		}
		for _, set := range sets {
			b.WriteString(m.Name + " " + set.Encoded(attribute.DefaultEncoder()) + "\n")
		}
	}
	return b.String()
}

var _ = Describe("OpenTelemetry", func() {
	var (
		ctx context.Context
		h   *telemetryHarness
	)

	BeforeEach(func() {
		ctx = context.Background()
		h = openTelemetryHarness(false)
	})

	It("names each operation's span after the operation and the store, with the database conventions' attributes", func() {
		_, err := h.s.Append(ctx, []store.Event{{Type: "A"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())

		appends := h.named("append orders")
		Expect(appends).To(HaveLen(1))
		Expect(appends[0].SpanKind()).To(Equal(trace.SpanKindClient))
		a := spanAttrs(appends[0])
		Expect(a["db.system.name"].AsString()).To(Equal("opossum"))
		Expect(a["db.namespace"].AsString()).To(Equal("orders"))
		Expect(a["db.operation.name"].AsString()).To(Equal("append"))
		Expect(a["db.operation.batch.size"].AsInt64()).To(Equal(int64(2)))
		Expect(a[store.AttrEventCount].AsInt64()).To(Equal(int64(2)))
		Expect(a).NotTo(HaveKey(attribute.Key("error.type")))
		Expect(appends[0].InstrumentationScope().Name).To(Equal(store.InstrumentationName))
		Expect(appends[0].InstrumentationScope().Version).NotTo(BeEmpty())
	})

	It("marks a failed append condition with error.type and the conflict flag, and counts it", func() {
		_, err := h.s.Append(ctx, []store.Event{{Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = h.s.Append(ctx, []store.Event{{Type: "B"}}, &store.AppendCondition{FailIfEventsMatch: store.Types("A")})
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))

		appends := h.named("append orders")
		Expect(appends).To(HaveLen(2))
		first, second := spanAttrs(appends[0]), spanAttrs(appends[1])
		Expect(first[store.AttrConflict].AsBool()).To(BeFalse())
		Expect(second[store.AttrConflict].AsBool()).To(BeTrue())
		Expect(second["error.type"].AsString()).To(Equal("append_condition_failed"))
		Expect(appends[1].Status().Code.String()).To(Equal("Error"))
		Expect(h.metrics()[store.MetricConflicts].Data.(metricdata.Sum[int64]).DataPoints[0].Value).To(Equal(int64(1)))
	})

	It("traces reads and read-lasts with the query and the number of events returned", func() {
		_, err := h.s.Append(ctx, []store.Event{{Type: "A"}, {Type: "B"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = store.ReadAll(ctx, h.s, store.Types("A"))
		Expect(err).NotTo(HaveOccurred())
		_, err = h.s.ReadLast(ctx, store.Types("B"))
		Expect(err).NotTo(HaveOccurred())

		reads := h.named("read orders")
		Expect(reads).To(HaveLen(1))
		Expect(spanAttrs(reads[0])[store.AttrResult].AsInt64()).To(Equal(int64(2)))
		Expect(spanAttrs(reads[0])[store.AttrQuery].AsString()).To(Equal("(A)"))
		Expect(h.named("read_last orders")).To(HaveLen(1))
	})

	It("records a failed read as an error span with its error.type", func() {
		Expect(h.s.Close()).To(Succeed())
		_, err := store.ReadAll(ctx, h.s, store.All())
		Expect(errors.Is(err, store.ErrClosed)).To(BeTrue())
		reads := h.named("read orders")
		Expect(reads).To(HaveLen(1))
		Expect(reads[0].Status().Description).To(ContainSubstring("closed"))
		Expect(spanAttrs(reads[0])["error.type"].AsString()).To(Equal("closed"))
	})

	It("ends the subscribe span when the subscription starts, not when it ends", func(sctx SpecContext) {
		sub, cancel := context.WithCancel(sctx)
		defer cancel()
		got := make(chan store.StoredEvent)
		go func() {
			defer GinkgoRecover()
			for e, err := range h.s.Subscribe(sub, store.Types("A"), 0) {
				if err != nil {
					return
				}
				got <- e
			}
		}()
		_, err := h.s.Append(sctx, []store.Event{{Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		Eventually(got).WithContext(sctx).Should(Receive())

		// The subscription is still running: its span has ended all the same.
		subs := h.named("subscribe orders")
		Expect(subs).To(HaveLen(1))
		Expect(spanAttrs(subs[0])[store.AttrQuery].AsString()).To(Equal("(A)"))
	}, SpecTimeout(10e9))

	It("keeps tag values out of spans and metrics, recording tag keys and counts", func() {
		email := store.NewTag("email", "ada@example.com")
		_, err := h.s.Append(ctx, []store.Event{{Type: "Registered", Tags: []store.Tag{email, store.NewTag("studentId", "s-17")}}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = store.ReadAll(ctx, h.s, store.Tagged(email))
		Expect(err).NotTo(HaveOccurred())
		_, err = h.s.Append(ctx, []store.Event{{Type: "Registered"}}, &store.AppendCondition{FailIfEventsMatch: store.Tagged(email)})
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))

		all := h.everything()
		Expect(all).NotTo(ContainSubstring("ada@example.com"))
		Expect(all).NotTo(ContainSubstring("s-17"))
		read := spanAttrs(h.named("read orders")[0])
		Expect(read[store.AttrQuery].AsString()).To(Equal("[email:?]"))
		Expect(read[store.AttrQueryTags].AsInt64()).To(Equal(int64(1)))
		appended := spanAttrs(h.named("append orders")[0])
		Expect(appended[store.AttrTagKeys].AsStringSlice()).To(Equal([]string{"email", "studentId"}))
		Expect(appended[store.AttrTagCount].AsInt64()).To(Equal(int64(2)))
		Expect(h.named("append orders")[1].Status().Description).To(ContainSubstring("[email:?]"))
	})

	It("records tag values in spans only when Options.TelemetryTagValues asks for them", func() {
		h = openTelemetryHarness(true)
		email := store.NewTag("email", "ada@example.com")
		_, err := h.s.Append(ctx, []store.Event{{Type: "Registered", Tags: []store.Tag{email}}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = store.ReadAll(ctx, h.s, store.Tagged(email))
		Expect(err).NotTo(HaveOccurred())

		Expect(spanAttrs(h.named("read orders")[0])[store.AttrQuery].AsString()).To(Equal("[email:ada@example.com]"))
		Expect(spanAttrs(h.named("append orders")[0])[store.AttrTags].AsStringSlice()).To(Equal([]string{"email:ada@example.com"}))
	})

	It("measures operations, fsync time, group size and conflicts with names, units and second-sized buckets", func() {
		for range 3 {
			_, err := h.s.Append(ctx, []store.Event{{Type: "A"}}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		_, err := store.ReadAll(ctx, h.s, store.All())
		Expect(err).NotTo(HaveOccurred())

		ms := h.metrics()
		op := ms[store.MetricOperationDuration]
		Expect(op.Unit).To(Equal("s"))
		byOp := map[string]metricdata.HistogramDataPoint[float64]{}
		for _, dp := range op.Data.(metricdata.Histogram[float64]).DataPoints {
			name, _ := dp.Attributes.Value("db.operation.name")
			ns, _ := dp.Attributes.Value("db.namespace")
			Expect(ns.AsString()).To(Equal("orders"))
			byOp[name.AsString()] = dp
		}
		Expect(byOp["append"].Count).To(Equal(uint64(3)))
		Expect(byOp["read"].Count).To(Equal(uint64(1)))
		Expect(byOp["append"].Bounds).To(Equal(store.DurationBuckets()))
		Expect(byOp["append"].Bounds[0]).To(BeNumerically("~", 0.0001))
		Expect(byOp["append"].Bounds[len(byOp["append"].Bounds)-1]).To(BeNumerically("==", 10))

		sync := ms[store.MetricSyncDuration]
		Expect(sync.Unit).To(Equal("s"))
		Expect(sync.Data.(metricdata.Histogram[float64]).DataPoints[0].Count).To(Equal(uint64(3)))
		Expect(sync.Data.(metricdata.Histogram[float64]).DataPoints[0].Bounds).To(Equal(store.DurationBuckets()))

		group := ms[store.MetricGroupSize]
		Expect(group.Unit).To(Equal("{event}"))
		Expect(group.Data.(metricdata.Histogram[int64]).DataPoints[0].Sum).To(Equal(int64(3)))
	})
})

var _ = DescribeTable("ErrorType names the store's errors for error.type",
	func(err error, want string) {
		Expect(store.ErrorType(err)).To(Equal(want))
	},
	Entry("a failed condition", &store.ConditionError{Conflict: 3}, "append_condition_failed"),
	Entry("a wrapped sentinel", errors.Join(errors.New("x"), store.ErrClosed), "closed"),
	Entry("an ended context", context.DeadlineExceeded, "deadline_exceeded"),
	Entry("anything else", errors.New("disk on fire"), "_OTHER"),
)
