package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/opossum-go/opossum/store"
)

// childEnv makes the test binary a helper process (see runChild).
const childEnv = "OPOSSUM_BENCH_CHILD"

var ping = store.Event{Type: "Ping", Data: []byte(`{}`), Tags: []store.Tag{store.NewTag("bench", "ping")}}

// subscribe starts a subscriber for Ping events after the head and returns
// the channel it forwards their positions to.
func subscribe(b *testing.B, s store.EventStore) <-chan store.Position {
	b.Helper()
	head, err := s.Head(ctxb())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	seen := make(chan store.Position, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e, err := range s.Subscribe(ctx, store.Types("Ping"), head) {
			if err != nil {
				return
			}
			select {
			case seen <- e.Position:
			case <-ctx.Done():
				return
			}
		}
	}()
	b.Cleanup(func() { cancel(); <-done })
	return seen
}

// BenchmarkSubscribeLatency measures the time from the start of an append
// to a subscriber receiving the event: in process (the append wakes the
// subscriber), and across processes (a child process appends; the
// subscriber notices by polling, every 20 ms by default on both stores).
func BenchmarkSubscribeLatency(b *testing.B) {
	for _, kind := range kinds {
		for _, mode := range syncModes {
			b.Run(fmt.Sprintf("via=process/store=%s/sync=%s", kind, mode), func(b *testing.B) {
				s := newStore(b, kind, mode)
				seen := subscribe(b, s)
				b.ReportAllocs()
				for b.Loop() {
					p, err := s.Append(ctxb(), []store.Event{ping}, nil)
					if err != nil {
						b.Fatal(err)
					}
					for got := <-seen; got < p; got = <-seen {
					}
				}
			})
		}
		b.Run(fmt.Sprintf("via=processes/store=%s/sync=nosync", kind), func(b *testing.B) {
			dir := b.TempDir()
			s, err := openStore(kind, dir, true)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			seen := subscribe(b, s)
			stdin, stdout := startChild(b, "append", kind, dir)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := io.WriteString(stdin, "append\n"); err != nil {
					b.Fatal(err)
				}
				if !stdout.Scan() {
					b.Fatal("child ended:", stdout.Err())
				}
				<-seen
			}
		})
	}
}

// startChild runs this test binary as a helper process with role; it is
// ready when this returns. The child ends when its stdin closes.
func startChild(b *testing.B, role, kind, dir string) (io.Writer, *bufio.Scanner) {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+role, "OPOSSUM_BENCH_KIND="+kind, "OPOSSUM_BENCH_STORE="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	if !sc.Scan() || sc.Text() != "ready" {
		b.Fatal("child did not start:", sc.Text(), sc.Err())
	}
	return stdin, sc
}

// runChild is the helper process: for "append", it appends one Ping event
// per line read from stdin (without sync: the figure is the propagation,
// not the disk) and answers each with a line once the append returned.
func runChild(role string) int {
	if run, ok := writePathChildren[role]; ok {
		return run()
	}
	if role != "append" {
		fmt.Fprintln(os.Stderr, "unknown child role", role)
		return 2
	}
	s, err := openStore(os.Getenv("OPOSSUM_BENCH_KIND"), os.Getenv("OPOSSUM_BENCH_STORE"), true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, "ready")
	w.Flush()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if _, err := s.Append(context.Background(), []store.Event{ping}, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintln(w, "ok")
		w.Flush()
	}
	return 0
}
