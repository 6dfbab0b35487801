package decision_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = Describe("Execute's telemetry", func() {
	var (
		ctx    context.Context
		s      store.EventStore
		spans  *tracetest.SpanRecorder
		reader *sdkmetric.ManualReader
		policy *decision.Policy
		calls  int
	)

	BeforeEach(func() {
		ctx = context.Background()
		s = store.NewMemory()
		DeferCleanup(s.Close)
		spans, reader = tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
		calls = 0
		policy = &decision.Policy{
			Sleep:          func(context.Context, time.Duration) error { return nil },
			Attempts:       3,
			TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
			MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		}
		given(s, defineCourse("c-1", 10))
	})

	// rivalled enrols s-1 while a rival enrols before the append of the
	// first `conflicts` runs.
	rivalled := func(conflicts int) decision.Decide {
		return func(ctx context.Context) (decision.Decision, error) {
			calls++
			d, err := enrol(s, "c-1", "s-1")(ctx)
			if calls <= conflicts {
				given(s, enrolment("c-1", "rival"))
			}
			return d, err
		}
	}

	counters := func() map[string]int64 {
		GinkgoHelper()
		var rm metricdata.ResourceMetrics
		Expect(reader.Collect(ctx, &rm)).To(Succeed())
		out := map[string]int64{}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
					out[m.Name+" "+m.Unit] += dp.Value
				}
			}
		}
		return out
	}

	It("counts each conflict and each retry, and traces the attempts", func() {
		_, err := decision.Execute(ctx, s, rivalled(2), policy)
		Expect(err).NotTo(HaveOccurred())

		Expect(counters()).To(Equal(map[string]int64{
			decision.MetricConflicts + " {conflict}": 2,
			decision.MetricRetries + " {retry}":      2,
		}))
		ended := spans.Ended()
		Expect(ended).To(HaveLen(1))
		Expect(ended[0].Name()).To(Equal("execute"))
		for _, kv := range ended[0].Attributes() {
			if kv.Key == decision.AttrAttempts {
				Expect(kv.Value.AsInt64()).To(Equal(int64(3)))
			}
		}
	})

	It("counts the last conflict of an exhausted Execute without a retry after it, and marks the span failed without quoting tags", func() {
		_, err := decision.Execute(ctx, s, rivalled(100), policy)
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))

		Expect(counters()).To(Equal(map[string]int64{
			decision.MetricConflicts + " {conflict}": 3,
			decision.MetricRetries + " {retry}":      2,
		}))
		span := spans.Ended()[0]
		Expect(span.Status().Description).To(Equal("append_condition_failed"))
		Expect(span.Status().Description).NotTo(ContainSubstring("c-1"))
	})
})
