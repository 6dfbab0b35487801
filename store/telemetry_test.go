package store_test

import (
	"context"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("OpenTelemetry", func() {
	var (
		ctx    context.Context
		s      *store.FileStore
		spans  *tracetest.SpanRecorder
		reader *sdkmetric.ManualReader
	)

	BeforeEach(func() {
		ctx = context.Background()
		spans = tracetest.NewSpanRecorder()
		reader = sdkmetric.NewManualReader()
		var err error
		s, err = store.Open(GinkgoT().TempDir(), &store.Options{
			Name:           "orders",
			TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
			MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
	})

	attrs := func(span sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
		m := map[attribute.Key]attribute.Value{}
		for _, kv := range span.Attributes() {
			m[kv.Key] = kv.Value
		}
		return m
	}
	spanNamed := func(name string) []sdktrace.ReadOnlySpan {
		var out []sdktrace.ReadOnlySpan
		for _, sp := range spans.Ended() {
			if sp.Name() == name {
				out = append(out, sp)
			}
		}
		return out
	}
	metric := func(name string) metricdata.Aggregation {
		GinkgoHelper()
		var rm metricdata.ResourceMetrics
		Expect(reader.Collect(ctx, &rm)).To(Succeed())
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if m.Name == name {
					return m.Data
				}
			}
		}
		Fail("no metric " + name)
		return nil
	}

	It("traces an append with its event count, store name and conflict flag", func() {
		_, err := s.Append(ctx, []store.Event{{Type: "A"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{{Type: "B"}}, &store.AppendCondition{FailIfEventsMatch: store.Types("A")})
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))

		appends := spanNamed("opossum.append")
		Expect(appends).To(HaveLen(2))
		first, second := attrs(appends[0]), attrs(appends[1])
		Expect(first[store.AttrEventCount].AsInt64()).To(Equal(int64(2)))
		Expect(first[store.AttrStore].AsString()).To(Equal("orders"))
		Expect(first[store.AttrConflict].AsBool()).To(BeFalse())
		Expect(second[store.AttrConflict].AsBool()).To(BeTrue())
	})

	It("traces reads and read-lasts with the query and the number of events", func() {
		_, err := s.Append(ctx, []store.Event{{Type: "A"}, {Type: "B"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = store.ReadAll(ctx, s, store.Types("A"))
		Expect(err).NotTo(HaveOccurred())
		_, err = s.ReadLast(ctx, store.Types("B"))
		Expect(err).NotTo(HaveOccurred())

		reads := spanNamed("opossum.read")
		Expect(reads).To(HaveLen(1))
		Expect(attrs(reads[0])[store.AttrResult].AsInt64()).To(Equal(int64(2)))
		Expect(attrs(reads[0])[store.AttrQuery].AsString()).To(Equal("(A)"))
		Expect(spanNamed("opossum.read_last")).To(HaveLen(1))
	})

	It("records a failed read as an error span", func() {
		Expect(s.Close()).To(Succeed())
		_, err := store.ReadAll(ctx, s, store.All())
		Expect(errors.Is(err, store.ErrClosed)).To(BeTrue())
		reads := spanNamed("opossum.read")
		Expect(reads).To(HaveLen(1))
		Expect(reads[0].Status().Description).To(ContainSubstring("closed"))
	})

	It("measures append latency, fsync time, group size and conflicts", func() {
		for range 3 {
			_, err := s.Append(ctx, []store.Event{{Type: "A"}}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		_, err := s.Append(ctx, []store.Event{{Type: "B"}}, &store.AppendCondition{FailIfEventsMatch: store.Types("A")})
		Expect(err).To(HaveOccurred())

		Expect(metric("opossum.append.duration").(metricdata.Histogram[float64]).DataPoints[0].Count).To(Equal(uint64(3)))
		Expect(metric("opossum.fsync.duration").(metricdata.Histogram[float64]).DataPoints[0].Count).To(Equal(uint64(3)))
		Expect(metric("opossum.commit.group_size").(metricdata.Histogram[int64]).DataPoints[0].Sum).To(Equal(int64(3)))
		Expect(metric("opossum.append.conflicts").(metricdata.Sum[int64]).DataPoints[0].Value).To(Equal(int64(1)))
	})
})
