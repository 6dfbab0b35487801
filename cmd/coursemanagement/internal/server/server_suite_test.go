package server_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestServer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cmd/coursemanagement/internal/server")
}

// The global providers, installed once for the suite: the handler reports
// through them, as the command's does after server.Telemetry.
var (
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
)

var _ = BeforeSuite(func() {
	spans = tracetest.NewSpanRecorder()
	reader = sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	DeferCleanup(tp.Shutdown)
	DeferCleanup(mp.Shutdown)
})
