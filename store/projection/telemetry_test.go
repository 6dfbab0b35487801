package projection_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("Runner telemetry", func() {
	var (
		v      *env
		spans  *tracetest.SpanRecorder
		reader *sdkmetric.ManualReader
	)
	BeforeEach(func() {
		v = newEnv()
		spans = tracetest.NewSpanRecorder()
		reader = sdkmetric.NewManualReader()
		v.opts.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
		v.opts.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	})

	// gauges collects the runner's metrics: each gauge's value for the
	// courses projection, and each metric's unit.
	gauges := func() (map[string]float64, map[string]string) {
		GinkgoHelper()
		var rm metricdata.ResourceMetrics
		Expect(reader.Collect(context.Background(), &rm)).To(Succeed())
		values, units := map[string]float64{}, map[string]string{}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				units[m.Name] = m.Unit
				switch d := m.Data.(type) {
				case metricdata.Gauge[float64]:
					for _, dp := range d.DataPoints {
						name, _ := dp.Attributes.Value(projection.AttrProjection)
						Expect(name.AsString()).To(Equal("courses"))
						values[m.Name] = dp.Value
					}
				case metricdata.Gauge[int64]:
					for _, dp := range d.DataPoints {
						values[m.Name] = float64(dp.Value)
					}
				}
			}
		}
		return values, units
	}

	It("reports its lag in events and seconds and a rebuild's progress while it runs, and no lag once caught up", func() {
		head := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), created("c2", "Rust", 1), created("c3", "Zig", 1), cancelled("c3"))
		def, reached, release := gated(courseDef("courses"), 3)
		DeferCleanup(release)
		r := v.runner()
		register(r, def)
		Expect(r.Start()).To(Succeed())
		Eventually(reached).Should(BeClosed())

		during, units := gauges()
		Expect(during).To(HaveKeyWithValue(projection.MetricLagEvents, float64(head)))
		Expect(during[projection.MetricLag]).To(BeNumerically(">", 0))
		Expect(during).To(HaveKeyWithValue(projection.MetricRebuildRemaining, float64(head)))
		Expect(during).To(HaveKey(projection.MetricRebuildProgress))
		Expect(during[projection.MetricRebuildProgress]).To(BeNumerically(">=", 0))
		Expect(during[projection.MetricRebuildProgress]).To(BeNumerically("<", 1))
		Expect(units).To(HaveKeyWithValue(projection.MetricLag, "s"))
		Expect(units).To(HaveKeyWithValue(projection.MetricLagEvents, "{event}"))
		Expect(units).To(HaveKeyWithValue(projection.MetricRebuildProgress, "1"))
		Expect(units).To(HaveKeyWithValue(projection.MetricRebuildRemaining, "{event}"))

		release()
		waitFor(r, "courses", head)
		Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Live))
		after, _ := gauges()
		Expect(after).To(HaveKeyWithValue(projection.MetricLagEvents, 0.0))
		Expect(after).To(HaveKeyWithValue(projection.MetricLag, 0.0))
		Expect(after).NotTo(HaveKey(projection.MetricRebuildProgress))
	})

	It("traces each batch of live updates with its size", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"))
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())

		var updates int
		events := int64(0)
		for _, sp := range spans.Ended() {
			attrs := map[string]any{}
			for _, kv := range sp.Attributes() {
				attrs[string(kv.Key)] = kv.Value.AsInterface()
			}
			Expect(attrs).To(HaveKeyWithValue(string(projection.AttrProjection), "courses"))
			if sp.Name() == "opossum.projection.update" {
				updates++
				events += attrs[string(projection.AttrEvents)].(int64)
			}
		}
		Expect(updates).To(BeNumerically(">=", 1))
		Expect(events).To(Equal(int64(2)))

		var rm metricdata.ResourceMetrics
		Expect(reader.Collect(context.Background(), &rm)).To(Succeed())
		var found bool
		for _, m := range rm.ScopeMetrics[0].Metrics {
			if m.Name == projection.MetricUpdateDuration {
				found = true
				Expect(m.Unit).To(Equal("s"))
				Expect(m.Data.(metricdata.Histogram[float64]).DataPoints[0].Bounds).To(Equal(store.DurationBuckets()))
			}
		}
		Expect(found).To(BeTrue(), "no %s", projection.MetricUpdateDuration)
	})
})
