// Command coursemanagement runs the CourseManagement sample application of
// the Opossum workbook (the complete solution of lesson 05) on a local
// event store folder.
//
// Start it from the root of the repository:
//
//	go run ./cmd/coursemanagement serve
//
// It listens on http://localhost:8080 and keeps its events and read models
// in ./data/coursemanagement (created when missing). The API describes
// itself at http://localhost:8080/openapi.json. Ctrl-C stops it gracefully:
// requests in progress finish, the read models write their checkpoints and
// the store closes.
//
// With OPOSSUM_STORE set to a PostgreSQL connection URL, serve keeps the
// events in that database instead (package store/postgres) and the read
// models in the -data folder:
//
//	OPOSSUM_STORE='postgres://app@localhost/app?schema=courses' go run ./cmd/coursemanagement serve
//
// Fill an empty store with sample data, through the application's command
// handlers:
//
//	go run ./cmd/coursemanagement seed --preset small
//
// Usage:
//
//	coursemanagement serve [-addr localhost:8080] [-data ./data/coursemanagement] [-nosync] [-v]
//	coursemanagement seed [-preset small|medium|large|prod] [-data ./data/coursemanagement] [-reset | -add] [-workers 4] [-seed 1]
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

	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// DefaultData is the store folder when -data is not given. The
// repository's .gitignore ignores /data/.
const DefaultData = "data/coursemanagement"

// storeEnv names the environment variable that puts serve's events in a
// PostgreSQL store: a postgres:// URL (its "schema" parameter names the
// schema, default opossum).
const storeEnv = "OPOSSUM_STORE"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "seed":
		err = seedCommand(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "coursemanagement: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "coursemanagement: %v\n", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  coursemanagement serve [-addr localhost:8080] [-data ./data/coursemanagement] [-nosync] [-v]
      Serve the HTTP API. Ctrl-C (SIGINT) or SIGTERM stops it gracefully.
      OPOSSUM_STORE=postgres://... keeps the events in PostgreSQL (read models in -data).
  coursemanagement seed [-preset small|medium|large|prod] [-data ./data/coursemanagement] [-reset | -add] [-workers 4] [-seed 1]
      Fill an empty store with sample data through the command handlers.
`)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "address to listen on (port 0 picks a free one)")
	data := fs.String("data", DefaultData, "store folder")
	noSync := fs.Bool("nosync", false, "skip fsync: faster, may lose the latest events on power loss")
	verbose := fs.Bool("v", false, "log the store's and the read models' messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Catch the signals before anything is announced, so that a signal
	// sent as soon as the address is printed still stops gracefully.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	opts := &courseapp.Options{NoSync: *noSync, Logger: logger}
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
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errors.Join(err, app.Close())
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "coursemanagement: serving http://%s (store %s); the API is described at /openapi.json\n", ln.Addr(), where)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return errors.Join(err, app.Close())
	case <-ctx.Done():
	}
	stop()
	fmt.Fprintln(stdout, "coursemanagement: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	<-served // http.ErrServerClosed once Shutdown began
	if err = errors.Join(err, app.Close()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "coursemanagement: stopped")
	return nil
}
