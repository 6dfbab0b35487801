// Command testwriter appends events to a store until it is stopped, for
// the specs of cmd/opossum that need another process writing to a store.
//
//	testwriter [-n count] [-nosync] STORE
//
// It appends batches of one to three "Written" events tagged writer:child,
// prints "appended N" after its first append, and exits 0 when it has
// appended count events (0: until SIGTERM or SIGINT).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/opossum-go/opossum/store"
)

func main() {
	n := flag.Int("n", 0, "events to append (0: until stopped)")
	noSync := flag.Bool("nosync", false, "append without fsync")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: testwriter [-n count] [-nosync] STORE")
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := store.Open(flag.Arg(0), &store.Options{NoSync: *noSync})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	written := 0
	for i := 0; ctx.Err() == nil && (*n == 0 || written < *n); i++ {
		batch := make([]store.Event, 1+i%3)
		for j := range batch {
			batch[j] = store.MustEvent("Written", map[string]int{"i": i, "j": j}, store.NewTag("writer", "child"))
		}
		if _, err := s.Append(ctx, batch, nil); err != nil {
			if ctx.Err() != nil {
				break
			}
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if written == 0 {
			fmt.Println("appended", len(batch))
		}
		written += len(batch)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
