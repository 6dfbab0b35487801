package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/opossum-go/opossum/cmd/coursemanagement/internal/server"
	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// AdminTokenEnv is the environment variable -admin-token defaults to.
const AdminTokenEnv = "COURSEMANAGEMENT_ADMIN_TOKEN"

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "localhost:8080", "address to listen on (port 0 picks a free one)")
	data := fs.String("data", DefaultData, "store folder")
	noSync := fs.Bool("nosync", false, "skip fsync: faster, may lose the latest events on power loss")
	verbose := fs.Bool("v", false, "log the store's and the read models' messages")
	token := fs.String("admin-token", os.Getenv(AdminTokenEnv), "token the /admin endpoints require (default $"+AdminTokenEnv+"); required off loopback")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	maxBody := fs.Int64("max-body", server.DefaultMaxBody, "largest request body in bytes; a larger one gets 413")
	healthzLag := fs.Uint64("healthz-lag", courseapp.DefaultHealthzLag, "events a read model may trail the head while /healthz answers 200")
	readHeader := fs.Duration("read-header-timeout", server.DefaultReadHeaderTimeout, "time a client has to send its request headers")
	read := fs.Duration("read-timeout", server.DefaultReadTimeout, "time a client has to send a whole request")
	write := fs.Duration("write-timeout", server.DefaultWriteTimeout, "time to write a response, from the end of the request headers")
	idle := fs.Duration("idle-timeout", server.DefaultIdleTimeout, "time a kept-alive connection may wait for its next request")
	shutdownWait := fs.Duration("shutdown-timeout", 15*time.Second, "how long a stop waits for requests in progress")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	var handler func(io.Writer, *slog.HandlerOptions) slog.Handler
	switch *logFormat {
	case "text":
		handler = func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }
	case "json":
		handler = func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }
	default:
		return &usageError{fmt.Errorf("-log-format %q: use text or json", *logFormat)}
	}
	// Catch the signals before anything is announced, so that a signal
	// sent as soon as the address is printed still stops gracefully.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(handler(stderr, &slog.HandlerOptions{Level: level}))
	access := slog.New(handler(stderr, nil))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if err := server.CheckExposure(ln.Addr(), *token); err != nil {
		return errors.Join(&usageError{err}, ln.Close())
	}
	stopTelemetry, err := server.Telemetry(ctx, os.Getenv, stdout)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	defer func() { _ = stopTelemetry(context.Background()) }()

	opts := &courseapp.Options{NoSync: *noSync, Logger: logger, HealthzLag: *healthzLag}
	where := *data
	if conn := os.Getenv(storeEnv); conn != "" {
		// The events in PostgreSQL; the read models stay in the folder.
		opts.OpenStore = func() (store.EventStore, error) {
			return postgres.Open(ctx, conn, &postgres.Options{Logger: logger})
		}
		where = "PostgreSQL, " + storeEnv + "; read models in " + *data
	}
	app, err := courseapp.Open(*data, coursemanagement.Domain(), opts)
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	h := server.Handler(app.Handler(), server.Config{AdminToken: *token, MaxBody: *maxBody, Log: access})
	srv := server.NewServer(h, *readHeader, *read, *write, *idle, logger)
	fmt.Fprintf(stdout, "coursemanagement: serving http://%s (store %s); the API reference is at /, its OpenAPI document at /openapi.json\n", ln.Addr(), where)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return errors.Join(err, app.Close())
	case <-ctx.Done():
	}
	stop()
	fmt.Fprintln(stdout, "coursemanagement: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *shutdownWait)
	defer cancel()
	err = srv.Shutdown(shutdownCtx) // requests in progress finish
	if e := <-served; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	// The exporters flush now, while the read models' gauges still
	// answer; then Close stops the read models, each writing its
	// checkpoint, and the store.
	err = errors.Join(err, stopTelemetry(shutdownCtx))
	if err = errors.Join(err, app.Close()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "coursemanagement: stopped")
	return nil
}
