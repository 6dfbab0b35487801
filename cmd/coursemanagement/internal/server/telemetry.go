package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// Telemetry installs the OpenTelemetry SDK as the global tracer and meter
// providers when the standard environment variables ask for an exporter,
// and does nothing otherwise: telemetry is off by default.
//
//	OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER   otlp, console or none (the default)
//	OTEL_EXPORTER_OTLP_PROTOCOL (and _TRACES_, _METRICS_)  http/protobuf (the default; grpc is not built in)
//	OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, ...     read by the OTLP exporters
//	OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES    the resource (service.name defaults to coursemanagement)
//	OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_*        read by the SDK
//	OTEL_SDK_DISABLED=true                         nothing at all
//
// console writes to console, one JSON document per batch. getenv reads
// the environment (os.Getenv). The returned shutdown flushes and stops
// the exporters.
func Telemetry(ctx context.Context, getenv func(string) string, console io.Writer) (shutdown func(context.Context) error, err error) {
	none := func(context.Context) error { return nil }
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return none, nil
	}
	traces, metrics := exporterName(getenv, "TRACES"), exporterName(getenv, "METRICS")
	if traces == "none" && metrics == "none" {
		return none, nil
	}
	for _, signal := range []string{"TRACES", "METRICS"} {
		p := getenv("OTEL_EXPORTER_OTLP_" + signal + "_PROTOCOL")
		if p == "" {
			p = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
		}
		if p != "" && p != "http/protobuf" {
			return nil, fmt.Errorf("telemetry: OTLP protocol %q is not built in; use http/protobuf", p)
		}
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName("coursemanagement")),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	var shutdowns []func(context.Context) error
	shutdown = func(ctx context.Context) error {
		var errs []error
		for _, f := range shutdowns {
			errs = append(errs, f(ctx))
		}
		return errors.Join(errs...)
	}

	switch traces {
	case "otlp", "console":
		var exp sdktrace.SpanExporter
		if traces == "otlp" {
			exp, err = otlptracehttp.New(ctx)
		} else {
			exp, err = stdouttrace.New(stdouttrace.WithWriter(console))
		}
		if err != nil {
			return nil, fmt.Errorf("telemetry: trace exporter: %w", err)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
		shutdowns = append(shutdowns, tp.Shutdown)
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	case "none":
	default:
		return nil, fmt.Errorf("telemetry: OTEL_TRACES_EXPORTER=%s: use otlp, console or none", traces)
	}

	switch metrics {
	case "otlp", "console":
		var exp sdkmetric.Exporter
		if metrics == "otlp" {
			exp, err = otlpmetrichttp.New(ctx)
		} else {
			exp, err = stdoutmetric.New(stdoutmetric.WithWriter(console))
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("telemetry: metric exporter: %w", err), shutdown(ctx))
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)), sdkmetric.WithResource(res))
		shutdowns = append(shutdowns, mp.Shutdown)
		otel.SetMeterProvider(mp)
	case "none":
	default:
		return nil, errors.Join(fmt.Errorf("telemetry: OTEL_METRICS_EXPORTER=%s: use otlp, console or none", metrics), shutdown(ctx))
	}
	return shutdown, nil
}

// exporterName returns OTEL_<signal>_EXPORTER, "none" when unset: unlike
// the specification's default (otlp), telemetry is off unless asked for.
func exporterName(getenv func(string) string, signal string) string {
	v := strings.ToLower(strings.TrimSpace(getenv("OTEL_" + signal + "_EXPORTER")))
	if v == "" {
		return "none"
	}
	return v
}
