// Command pgproc is the child process of store/postgres's cross-process
// specs. It opens the store in -schema of the server -conn names and, by
// -mode:
//
//	writer   append -n batches (0: until killed) of 1..-max events, each
//	         event of type BatchEvent with data {"b": id, "i": index} and
//	         the tag batch:<id>, printing "ack <id> <first> <last>" after
//	         each Append returned; a failed Append prints "error <message>"
//	         and the writer goes on with the next batch
//	invoice  take -n invoice numbers: read the last InvoiceCreated, append
//	         the next number guarded by that read, retry on a conflict;
//	         prints "invoice <number> <position>"
//
// It exits 0 when done, 1 on an error it cannot go on after.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

type payload struct {
	B string `json:"b"`
	I int    `json:"i"`
}

type invoice struct {
	Number int `json:"number"`
}

func main() {
	var (
		mode   = flag.String("mode", "writer", "writer or invoice")
		conn   = flag.String("conn", "", "connection string")
		schema = flag.String("schema", "", "schema of the store")
		id     = flag.String("id", "w", "prefix of batch ids")
		n      = flag.Int("n", 10, "batches or invoices; 0 = until killed (writer)")
		maxN   = flag.Int("max", 4, "largest batch (writer)")
		seed   = flag.Uint64("seed", 1, "seed for batch sizes")
	)
	flag.Parse()
	ctx := context.Background()
	s, err := postgres.Open(ctx, *conn, &postgres.Options{Schema: *schema, ReconnectTimeout: 30 * time.Second})
	if err != nil {
		fail(err)
	}
	defer s.Close()
	switch *mode {
	case "writer":
		rng := rand.New(rand.NewPCG(*seed, 7))
		for k := 0; *n == 0 || k < *n; k++ {
			bid := fmt.Sprintf("%s-%d", *id, k)
			events := make([]store.Event, 1+rng.IntN(*maxN))
			for i := range events {
				events[i] = store.MustEvent("BatchEvent", payload{B: bid, I: i}, store.NewTag("batch", bid))
			}
			last, err := s.Append(ctx, events, nil)
			if err != nil {
				fmt.Printf("error %s\n", oneLine(err))
				time.Sleep(20 * time.Millisecond)
				continue
			}
			fmt.Printf("ack %s %d %d\n", bid, last-store.Position(len(events))+1, last)
		}
	case "invoice":
		q := store.Types("InvoiceCreated")
		for range *n {
			for {
				last, err := s.ReadLast(ctx, q)
				if err != nil {
					fail(err)
				}
				next, after := 1, store.Position(0)
				if last != nil {
					inv, err := store.Decode[invoice](last.Event)
					if err != nil {
						fail(err)
					}
					next, after = inv.Number+1, last.Position
				}
				e := store.MustEvent("InvoiceCreated", invoice{next}, store.NewTag("invoice", fmt.Sprint(next)))
				p, err := s.Append(ctx, []store.Event{e}, store.Guard(q, after))
				if errors.Is(err, store.ErrAppendConditionFailed) {
					continue
				}
				if err != nil {
					fail(err)
				}
				fmt.Printf("invoice %d %d\n", next, p)
				break
			}
		}
	default:
		fail(fmt.Errorf("unknown mode %q", *mode))
	}
}

func oneLine(err error) string {
	b, _ := json.Marshal(err.Error())
	return string(b)
}

func fail(err error) {
	fmt.Printf("error %s\n", oneLine(err))
	os.Exit(1)
}
