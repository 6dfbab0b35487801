// Command storeproc is the child process of the store's cross-process
// specs (store/process_test.go). It opens a store and, by -mode:
//
//	writer  append batches (-batches, 0 = until killed) of 1..-max events,
//	        printing "ack <id> <first> <last>" after each Append returns
//	serve   open, print "opened", then run commands read from stdin:
//	        "append <n> <id>" (prints an ack or an error line),
//	        "last" (prints "last <position>" from ReadLast(All)),
//	        "check" (reads everything, checks positions and batches,
//	        prints "checked <events>")
//	open    try to open, print "opened" or an error line, exit
//	hold    take the store's writer lock directly, print "locked", and
//	        hold it until stdin closes
//
// Error lines read "error <kind> <message>", kind being lock-timeout,
// corrupt or other; the exit status is 2 for a lock timeout, 1 otherwise.
// The events are those the specs check: type BatchEvent, data
// {"b": id, "i": index, "n": size}, tag batch:<id>.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store"
)

type payload struct {
	B string `json:"b"`
	I int    `json:"i"`
	N int    `json:"n"`
}

func batch(id string, n int) []store.Event {
	evs := make([]store.Event, n)
	for i := range evs {
		evs[i] = store.MustEvent("BatchEvent", payload{B: id, I: i, N: n}, store.NewTag("batch", id))
	}
	return evs
}

func main() {
	var (
		mode    = flag.String("mode", "writer", "writer, serve, open or hold")
		dir     = flag.String("dir", "", "store folder")
		id      = flag.String("id", "w", "prefix of batch ids")
		batches = flag.Int("batches", 0, "batches to append (writer); 0 = until killed")
		maxN    = flag.Int("max", 5, "largest batch (writer)")
		seed    = flag.Uint64("seed", 1, "seed for batch sizes")
		noSync  = flag.Bool("nosync", false, "open with NoSync")
		timeout = flag.Duration("lock-timeout", 0, "Options.LockTimeout")
	)
	flag.Parse()
	opts := &store.Options{NoSync: *noSync, LockTimeout: *timeout}
	switch *mode {
	case "writer":
		writer(*dir, opts, *id, *batches, *maxN, *seed)
	case "serve":
		serve(*dir, opts)
	case "open":
		s, err := store.Open(*dir, opts)
		check(err)
		fmt.Println("opened")
		check(s.Close())
	case "hold":
		l := flock.New(filepath.Join(*dir, ".lock"))
		ok, err := l.TryLock()
		if err == nil && !ok {
			err = errors.New("the lock is taken")
		}
		check(err)
		fmt.Println("locked")
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
		}
		check(l.Unlock())
	default:
		fail(fmt.Errorf("unknown mode %q", *mode))
	}
}

func writer(dir string, opts *store.Options, id string, batches, maxN int, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 3))
	s, err := store.Open(dir, opts)
	check(err)
	for i := 0; batches == 0 || i < batches; i++ {
		n := 1 + rng.IntN(maxN)
		bid := fmt.Sprintf("%s-%d", id, i)
		last, err := s.Append(ctx, batch(bid, n), nil)
		check(err)
		fmt.Printf("ack %s %d %d\n", bid, last-store.Position(n)+1, last)
	}
	check(s.Close())
	fmt.Println("done")
}

func serve(dir string, opts *store.Options) {
	ctx := context.Background()
	s, err := store.Open(dir, opts)
	check(err)
	fmt.Println("opened")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "append" && len(f) == 3:
			n, _ := strconv.Atoi(f[1])
			last, err := s.Append(ctx, batch(f[2], n), nil)
			if report(err) {
				fmt.Printf("ack %s %d %d\n", f[2], last-store.Position(n)+1, last)
			}
		case f[0] == "last":
			e, err := s.ReadLast(ctx, store.All())
			if report(err) {
				var p store.Position
				if e != nil {
					p = e.Position
				}
				fmt.Printf("last %d\n", p)
			}
		case f[0] == "check":
			n, err := checkAll(ctx, s)
			if report(err) {
				fmt.Printf("checked %d\n", n)
			}
		default:
			fmt.Printf("error other unknown command %q\n", sc.Text())
		}
	}
	check(s.Close())
}

// checkAll reads every event and checks that positions run 1..head and
// that every batch is whole.
func checkAll(ctx context.Context, s store.EventStore) (int, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return 0, err
	}
	evs, err := store.ReadAll(ctx, s, store.All())
	if err != nil {
		return 0, err
	}
	if len(evs) != int(head) {
		return 0, fmt.Errorf("read %d events, head is %d", len(evs), head)
	}
	var want payload
	for i, e := range evs {
		var p payload
		if err := json.Unmarshal(e.Data, &p); err != nil {
			return 0, err
		}
		switch {
		case e.Position != store.Position(i+1):
			return 0, fmt.Errorf("event %d has position %d", i+1, e.Position)
		case want.I < want.N-1 && p != (payload{B: want.B, I: want.I + 1, N: want.N}):
			return 0, fmt.Errorf("position %d: batch %s is partial", e.Position, want.B)
		case want.I >= want.N-1 && p.I != 0:
			return 0, fmt.Errorf("position %d starts no batch", e.Position)
		}
		want = p
	}
	if want.I < want.N-1 {
		return 0, fmt.Errorf("the last batch %s is partial", want.B)
	}
	return len(evs), nil
}

// report prints an error line for err and says whether err was nil.
func report(err error) bool {
	if err == nil {
		return true
	}
	kind := "other"
	switch {
	case errors.Is(err, store.ErrLockTimeout):
		kind = "lock-timeout"
	case errors.Is(err, store.ErrCorrupt):
		kind = "corrupt"
	}
	fmt.Printf("error %s %v\n", kind, err)
	return false
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	report(err)
	if errors.Is(err, store.ErrLockTimeout) {
		os.Exit(2)
	}
	os.Exit(1)
}
