package server_test

import (
	"context"
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel"

	"github.com/opossum-go/opossum/cmd/coursemanagement/internal/server"
)

var _ = Describe("Telemetry from the OTEL_* environment", func() {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}

	DescribeTable("installs nothing unless an exporter is asked for",
		func(getenv func(string) string) {
			tp, mp := otel.GetTracerProvider(), otel.GetMeterProvider()
			shutdown, err := server.Telemetry(context.Background(), getenv, io.Discard)
			Expect(err).NotTo(HaveOccurred())
			Expect(shutdown(context.Background())).To(Succeed())
			Expect(otel.GetTracerProvider()).To(BeIdenticalTo(tp))
			Expect(otel.GetMeterProvider()).To(BeIdenticalTo(mp))
		},
		Entry("no variables", env()),
		Entry("none", env("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none")),
		Entry("the SDK disabled", env("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "console")),
	)

	DescribeTable("refuses what it cannot do, saying what it can",
		func(getenv func(string) string, want string) {
			tp := otel.GetTracerProvider()
			_, err := server.Telemetry(context.Background(), getenv, io.Discard)
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(otel.GetTracerProvider()).To(BeIdenticalTo(tp))
		},
		Entry("an unknown trace exporter", env("OTEL_TRACES_EXPORTER", "zipkin"), "use otlp, console or none"),
		Entry("an unknown metric exporter", env("OTEL_METRICS_EXPORTER", "prometheus"), "use otlp, console or none"),
		Entry("OTLP over gRPC", env("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "use http/protobuf"),
	)
})
