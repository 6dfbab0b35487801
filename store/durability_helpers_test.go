package store_test

// Helpers shared by the fault-injection, power-cut, on-disk damage and
// child-process specs: batches whose events say which batch they belong
// to, so that a check after any crash can tell a whole batch from part of
// one, and hand-made store files (event files, head files) for damage.

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// batchEventType is the type of every event the durability specs append.
const batchEventType = "BatchEvent"

// batchPayload is the data of a batch event: the batch's id, the event's
// index in the batch and the batch size.
type batchPayload struct {
	B string `json:"b"`
	I int    `json:"i"`
	N int    `json:"n"`
}

// batchTag tags every event of the batch id.
func batchTag(id string) store.Tag { return store.NewTag("batch", id) }

// batchEvents returns the n events of the batch id.
func batchEvents(id string, n int) []store.Event {
	evs := make([]store.Event, n)
	for i := range evs {
		evs[i] = store.MustEvent(batchEventType, batchPayload{B: id, I: i, N: n}, batchTag(id))
	}
	return evs
}

// ack is an acknowledged batch: Append returned nil for it.
type ack struct {
	ID          string
	First, Last store.Position
}

// ackLog collects acknowledged batches from several goroutines.
type ackLog struct {
	mu   sync.Mutex
	list []ack
}

func (l *ackLog) add(a ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, a)
}

func (l *ackLog) all() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.list)
}

// appendBatch appends the batch id of n events and records it when acknowledged.
func appendBatch(ctx context.Context, s store.EventStore, acks *ackLog, id string, n int) error {
	last, err := s.Append(ctx, batchEvents(id, n), nil)
	if err != nil {
		return err
	}
	if acks != nil {
		acks.add(ack{ID: id, First: last - store.Position(n) + 1, Last: last})
	}
	return nil
}

// seenBatch is a batch found in a store.
type seenBatch struct {
	ID          string
	First, Last store.Position
}

// checkStore reads every event of s and checks the invariants every crash
// must keep: positions 1..head, contiguous; every event readable; every
// batch whole (all of its events, consecutive, in order) — never part of
// one; every acknowledged batch present at the positions Append returned;
// the index agrees with the files (a tag query per batch, ReadLast). It
// returns the batches in position order.
func checkStore(ctx context.Context, s store.EventStore, acked []ack) []seenBatch {
	GinkgoHelper()
	head, err := s.Head(ctx)
	Expect(err).NotTo(HaveOccurred())
	evs, err := store.ReadAll(ctx, s, store.All())
	Expect(err).NotTo(HaveOccurred(), "every committed event is readable")
	Expect(evs).To(HaveLen(int(head)), "Read(All) yields every position up to the head %d", head)
	var batches []seenBatch
	var cur *seenBatch
	var want batchPayload
	for i, e := range evs {
		Expect(e.Position).To(Equal(store.Position(i+1)), "positions are contiguous from 1")
		Expect(e.Type).To(Equal(batchEventType))
		var p batchPayload
		Expect(json.Unmarshal(e.Data, &p)).To(Succeed())
		Expect(e.Tags).To(ConsistOf(batchTag(p.B)))
		if cur == nil {
			Expect(p.I).To(Equal(0), "event %d (batch %s, %d of %d) starts no batch: the previous batch is partial", e.Position, p.B, p.I+1, p.N)
			Expect(p.N).To(BeNumerically(">", 0))
			batches = append(batches, seenBatch{ID: p.B, First: e.Position})
			cur, want = &batches[len(batches)-1], p
		} else {
			want.I++
			Expect(p).To(Equal(want), "event %d continues batch %s", e.Position, want.B)
		}
		if p.I == p.N-1 {
			cur.Last = e.Position
			cur = nil
		}
	}
	if cur != nil {
		Fail(fmt.Sprintf("the last batch %s is partial: %d of %d events", want.B, want.I+1, want.N))
	}
	byID := map[string]seenBatch{}
	for _, b := range batches {
		Expect(byID).NotTo(HaveKey(b.ID), "batch %s stored once", b.ID)
		byID[b.ID] = b
	}
	for _, a := range acked {
		b, ok := byID[a.ID]
		Expect(ok).To(BeTrue(), "acknowledged batch %s (positions %d..%d) is lost", a.ID, a.First, a.Last)
		Expect(b).To(Equal(seenBatch(a)), "acknowledged batch %s is where Append said", a.ID)
	}
	for _, b := range batches {
		got, err := store.ReadAll(ctx, s, store.Tagged(batchTag(b.ID)))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(got)).To(Equal(posSpan(b.First, b.Last)), "the index finds batch %s", b.ID)
	}
	last, err := s.ReadLast(ctx, store.All())
	Expect(err).NotTo(HaveOccurred())
	if head == 0 {
		Expect(last).To(BeNil())
	} else {
		Expect(last.Position).To(Equal(head))
	}
	return batches
}

// reopenAndCheck opens the store in dir with opts, checks it with
// checkStore and closes it.
func reopenAndCheck(ctx context.Context, dir string, opts *store.Options, acked []ack) []seenBatch {
	GinkgoHelper()
	s, err := store.Open(dir, opts)
	Expect(err).NotTo(HaveOccurred(), "reopening recovers")
	closed := false
	DeferCleanup(func() {
		if !closed { // a check failed
			_ = s.Close()
		}
	})
	batches := checkStore(ctx, s, acked)
	closed = true
	Expect(s.Close()).To(Succeed())
	return batches
}

// posSpan returns first..last.
func posSpan(first, last store.Position) []store.Position {
	var out []store.Position
	for p := first; p <= last; p++ {
		out = append(out, p)
	}
	return out
}

// specLogger returns a logger writing to the spec's output.
func specLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// logRecorder is an slog.Handler that keeps every record, for specs that
// assert what recovery logged. It also echoes to GinkgoWriter.
type logRecorder struct {
	mu    *sync.Mutex
	lines *[]string
	attrs []slog.Attr
}

func newLogRecorder() logRecorder {
	return logRecorder{mu: &sync.Mutex{}, lines: new([]string)}
}

func (r logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", rec.Level, rec.Message)
	add := func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range r.attrs {
		add(a)
	}
	rec.Attrs(add)
	r.mu.Lock()
	*r.lines = append(*r.lines, b.String())
	r.mu.Unlock()
	fmt.Fprintln(GinkgoWriter, b.String())
	return nil
}

func (r logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	r.attrs = append(slices.Clone(r.attrs), as...)
	return r
}

func (r logRecorder) WithGroup(string) slog.Handler { return r }

// Lines returns the records so far as "LEVEL message key=value ...".
func (r logRecorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(*r.lines)
}

// eventPath is where the event at p lives in the store dir (format 1).
func eventPath(dir string, p store.Position) string {
	return filepath.Join(dir, "events", fmt.Sprintf("%06d", uint64(p)/store.ShardSize), fmt.Sprintf("%012d.json", uint64(p)))
}

// eventFileJSON renders an event file of the batch id, as a writer of
// format 1 does, for specs that lay out what a crashed writer left.
func eventFileJSON(p, first, last store.Position, id string) []byte {
	n := int(last - first + 1)
	data, _ := json.Marshal(batchPayload{B: id, I: int(p - first), N: n})
	return fmt.Appendf(nil, `{
  "position": %d,
  "type": %q,
  "tags": [
    {"key":"batch","value":%q}
  ],
  "data": %s,
  "metadata": {"timestamp":"2025-01-02T03:04:05Z"},
  "batch": {"first": %d, "last": %d}
}
`, p, batchEventType, id, data, first, last)
}

// writeEventFiles writes the files of the batch id at first..last, except
// the positions in skip, directly on disk (as a crashed writer left them).
func writeEventFiles(dir string, first, last store.Position, id string, skip ...store.Position) {
	GinkgoHelper()
	for p := first; p <= last; p++ {
		if slices.Contains(skip, p) {
			continue
		}
		path := eventPath(dir, p)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, eventFileJSON(p, first, last, id), 0o644)).To(Succeed())
	}
}

// headFile renders the head file holding p (format 1).
func headFile(p store.Position) []byte {
	s := fmt.Sprintf("%020d", uint64(p))
	return fmt.Appendf(nil, "%s %08x\n", s, crc32.ChecksumIEEE([]byte(s)))
}

// readHeadFile returns the position in dir's head file.
func readHeadFile(dir string) store.Position {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join(dir, "head"))
	Expect(err).NotTo(HaveOccurred())
	var p uint64
	_, err = fmt.Sscanf(string(b), "%d", &p)
	Expect(err).NotTo(HaveOccurred())
	return store.Position(p)
}
