package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("Event ids", func() {
	It("print as lower-case 8-4-4-4-12 text and parse back, in either case", func() {
		id := store.NewEventID()
		s := id.String()
		Expect(s).To(MatchRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`))
		Expect(store.ParseEventID(s)).To(Equal(id))
		Expect(store.ParseEventID(strings.ToUpper(s))).To(Equal(id))
		b, err := json.Marshal(map[string]store.EventID{"id": id})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal(`{"id":"` + s + `"}`))
		var back map[string]store.EventID
		Expect(json.Unmarshal(b, &back)).To(Succeed())
		Expect(back["id"]).To(Equal(id))
	})

	DescribeTable("refuse text that is not a UUID with ErrInvalidEvent",
		func(text string) {
			_, err := store.ParseEventID(text)
			Expect(err).To(MatchError(store.ErrInvalidEvent))
		},
		Entry("empty", ""),
		Entry("without hyphens", "0193a5c49b6e7c1d8f005e2a4b6c8d9e"),
		Entry("with braces", "{0193a5c4-9b6e-7c1d-8f00-5e2a4b6c8d9e}"),
		Entry("a digit that is not hexadecimal", "0193a5c4-9b6e-7c1d-8f00-5e2a4b6c8d9g"),
		Entry("hyphens in the wrong places", "0193a5c49-b6e-7c1d-8f00-5e2a4b6c8d9e"),
		Entry("a URN", "urn:uuid:0193a5c4-9b6e-7c1d-8f00-5e2a4b6c8d9e"),
	)

	It("are zero only as the nil UUID, and carry their time when of version 7", func() {
		var zero store.EventID
		Expect(zero.IsZero()).To(BeTrue())
		Expect(store.ParseEventID("00000000-0000-0000-0000-000000000000")).To(Equal(zero))
		id := store.NewEventID()
		Expect(id.IsZero()).To(BeFalse())
		Expect(id.Version()).To(Equal(7))
		Expect(id.Time()).To(BeTemporally("~", time.Now(), 2*time.Second))
		other, err := store.ParseEventID("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
		Expect(err).NotTo(HaveOccurred())
		Expect(other.Version()).To(Equal(1))
		Expect(other.Time()).To(BeZero())
	})

	It("increase strictly when generated within one millisecond, and when a store's clock stands still", func(ctx SpecContext) {
		prev := store.NewEventID()
		for range 10000 {
			id := store.NewEventID()
			Expect(id.Compare(prev)).To(Equal(1))
			prev = id
		}
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true, Now: func() time.Time { return clock }})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{{Type: "A"}, {Type: "A"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{{Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		all, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		for i := 1; i < len(all); i++ {
			Expect(all[i].ID.Compare(all[i-1].ID)).To(Equal(1))
		}
	})

	It("are written in the event file, on the line after the position", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		id := store.NewEventID()
		_, err = s.Append(ctx, []store.Event{{ID: id, Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		b, err := os.ReadFile(eventPath(dir, 1))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(HavePrefix("{\n  \"position\": 1,\n  \"id\": \"" + id.String() + "\",\n  \"type\": \"A\","))
	})
})

var _ = Describe("A retry in the same commit group as its first attempt", func() {
	It("is acknowledged with the first attempt's positions, and the batch is written once", func(ctx SpecContext) {
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		release := store.HoldCommits(s)
		held := true
		DeferCleanup(func() {
			if held {
				release()
			}
		})
		// Three copies each of two batches. The committer takes one append
		// and waits; the other five queue and form the next group, which
		// holds at least three copies of a batch not yet written.
		batches := [][]store.Event{withIDs(batchEvents("a", 2)), withIDs(batchEvents("b", 3))}
		const copies = 3
		results := make([][]store.Position, len(batches))
		errs := make([][]error, len(batches))
		finished := make(chan struct{}, len(batches)*copies)
		for b := range batches {
			results[b], errs[b] = make([]store.Position, copies), make([]error, copies)
			for c := range copies {
				go func() {
					defer GinkgoRecover()
					results[b][c], errs[b][c] = s.Append(ctx, batches[b], nil)
					finished <- struct{}{}
				}()
			}
		}
		// A guard against a hang, not a speed check: on a loaded machine the
		// goroutines may take a while to queue.
		Eventually(func() int { return store.QueuedAppends(s) }).WithTimeout(time.Minute).Should(Equal(len(batches)*copies - 1))
		held = false
		release()
		for range len(batches) * copies {
			Eventually(finished).WithTimeout(time.Minute).Should(Receive())
		}
		var acks []ack
		for b, id := range []string{"a", "b"} {
			for c := range copies {
				Expect(errs[b][c]).NotTo(HaveOccurred())
				Expect(results[b][c]).To(Equal(results[b][0]), "every copy of batch %s gets the same position", id)
			}
			n := store.Position(len(batches[b]))
			acks = append(acks, ack{ID: id, First: results[b][0] - n + 1, Last: results[b][0]})
		}
		Expect(s.Head(ctx)).To(Equal(store.Position(5)))
		checkStore(ctx, s, acks)
	}, SpecTimeout(30*time.Second))
})

var _ = Describe("A retry across a reopen of the file store", func() {
	var ctx context.Context
	var dir string
	var batch []store.Event

	// open opens the store in dir and closes it when the spec ends.
	open := func() *store.FileStore {
		GinkgoHelper()
		s, err := store.Open(dir, &store.Options{NoSync: true, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}
	snapshot := func() string { return filepath.Join(dir, "index", "snapshot.bin") }

	BeforeEach(func() {
		ctx = context.Background()
		dir = GinkgoT().TempDir()
		batch = withIDs(batchEvents("retried", 3))
	})

	// appendBatch appends two events, then the batch: positions 3..5.
	appendBatch := func(s store.EventStore) {
		GinkgoHelper()
		Expect(s.Append(ctx, batchEvents("before", 2), nil)).To(Equal(store.Position(2)))
		Expect(s.Append(ctx, batch, nil)).To(Equal(store.Position(5)))
	}

	DescribeTable("returns the original positions and stores nothing, with the ids",
		func(prepare func() *store.FileStore) {
			s := prepare()
			Expect(s.Append(ctx, batch, nil)).To(Equal(store.Position(5)))
			Expect(s.Append(ctx, batchEvents("after", 1), nil)).To(Equal(store.Position(6)))
			Expect(s.Append(ctx, batch, nil)).To(Equal(store.Position(5)))
			Expect(s.Head(ctx)).To(Equal(store.Position(6)))
			checkStore(ctx, s, nil)
		},
		Entry("loaded from the index snapshot", func() *store.FileStore {
			s := open()
			appendBatch(s)
			Expect(s.Close()).To(Succeed())
			Expect(snapshot()).To(BeAnExistingFile())
			return open()
		}),
		Entry("read from the event files when the snapshot is gone", func() *store.FileStore {
			s := open()
			appendBatch(s)
			Expect(s.Close()).To(Succeed())
			Expect(os.Remove(snapshot())).To(Succeed())
			return open()
		}),
		Entry("read from the event files after an older snapshot", func() *store.FileStore {
			s := open()
			Expect(s.Append(ctx, batchEvents("first", 1), nil)).To(Equal(store.Position(1)))
			Expect(s.Close()).To(Succeed())
			old, err := os.ReadFile(snapshot())
			Expect(err).NotTo(HaveOccurred())
			s = open()
			Expect(s.Append(ctx, batchEvents("before", 1), nil)).To(Equal(store.Position(2)))
			Expect(s.Append(ctx, batch, nil)).To(Equal(store.Position(5)))
			Expect(s.Close()).To(Succeed())
			Expect(os.WriteFile(snapshot(), old, 0o644)).To(Succeed())
			return open()
		}),
		Entry("appended through another handle after this one opened (the catch-up under the writer lock finds them)", func() *store.FileStore {
			s := open()
			other, err := store.Open(dir, &store.Options{NoSync: true})
			Expect(err).NotTo(HaveOccurred())
			appendBatch(other)
			Expect(other.Close()).To(Succeed())
			return s
		}),
	)
})

var _ = Describe("Events of a format-1 store, written without ids", func() {
	var ctx context.Context
	BeforeEach(func() { ctx = context.Background() })

	// fixture copies a format-1 fixture store.
	fixture := func(name string) string {
		GinkgoHelper()
		dir := GinkgoT().TempDir()
		Expect(os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "v1", name)))).To(Succeed())
		return dir
	}
	idsOf := func(s store.EventStore) []string {
		GinkgoHelper()
		all, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		out := make([]string, len(all))
		for i, e := range all {
			out[i] = e.ID.String()
		}
		return out
	}
	legacy := []string{
		"6f706f73-7375-8000-8000-000000000001", "6f706f73-7375-8000-8000-000000000002",
		"6f706f73-7375-8000-8000-000000000003", "6f706f73-7375-8000-8000-000000000004",
		"6f706f73-7375-8000-8000-000000000005", "6f706f73-7375-8000-8000-000000000006",
	}

	It("report ids of version 8 made of their positions, the same read-only, read-write, from a snapshot or rebuilt", func() {
		ro, err := store.Open(fixture("small"), &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ro.Close)
		Expect(idsOf(ro)).To(Equal(legacy))
		for _, name := range []string{"small", "no-snapshot"} {
			s, err := store.Open(fixture(name), nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(s.Close)
			Expect(idsOf(s)).To(Equal(legacy), name)
		}
	})

	It("refuse an append that reuses such an id for another event, and keep their ids when tags are added", func() {
		dir := fixture("small")
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		id, err := store.ParseEventID(legacy[4])
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{{ID: id, Type: "Other"}}, nil)
		Expect(err).To(MatchError(store.ErrDuplicateEventID))

		_, err = s.AddTags(ctx, "StudentEnrolled", func(store.StoredEvent) []store.Tag { return []store.Tag{store.NewTag("term", "t1")} })
		Expect(err).NotTo(HaveOccurred())
		Expect(idsOf(s)).To(Equal(legacy))
		b, err := os.ReadFile(eventPath(dir, 5))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"id": "` + legacy[4] + `"`))
	})

	It("move the manifest to format 2 at a read-write Open, and not at a read-only one", func() {
		manifestFormat := func(dir string) int {
			GinkgoHelper()
			b, err := os.ReadFile(filepath.Join(dir, "opossum.json"))
			Expect(err).NotTo(HaveOccurred())
			var m struct {
				Format    int       `json:"format"`
				CreatedAt time.Time `json:"createdAt"`
			}
			Expect(json.Unmarshal(b, &m)).To(Succeed())
			Expect(m.CreatedAt).To(BeTemporally("==", time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)), "the upgrade keeps the creation time")
			return m.Format
		}
		dir := fixture("small")
		ro, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.Close()).To(Succeed())
		Expect(manifestFormat(dir)).To(Equal(1))
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		Expect(manifestFormat(dir)).To(Equal(store.FormatVersion))
	})
})

// withIDs gives every event a new id.
func withIDs(events []store.Event) []store.Event {
	for i := range events {
		events[i].ID = store.NewEventID()
	}
	return events
}

var _ = Describe("A retry after an append with an unknown outcome", Label("faults"), func() {
	BeforeEach(expectNoLeakedGoroutines)

	// retryAfter is the second half of every run: the first attempt of
	// batch failed, and the process may or may not have lost power (opts
	// carries the file system to reopen through). It reopens, retries the
	// batch, checks that it is stored exactly once, at the positions the
	// retry returned, cuts the power and checks again. It reports whether
	// the first attempt had survived.
	retryAfter := func(ctx context.Context, e *faultEnv, fsys *faultfs.FS, batch []store.Event) (survived bool) {
		GinkgoHelper()
		o := e.opts()
		o.FS = fsys
		s, err := store.Open(e.dir, o)
		Expect(err).NotTo(HaveOccurred(), "reopening after the failed append recovers")
		DeferCleanup(func() { _ = s.Close() })
		head, err := s.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		survived = head >= 3+store.Position(len(batch))
		last, err := s.Append(ctx, batch, nil)
		Expect(err).NotTo(HaveOccurred(), "the retry succeeds")
		e.acks.add(ack{ID: "retried", First: last - store.Position(len(batch)) + 1, Last: last})
		after, err := s.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		if survived {
			Expect(after).To(Equal(head), "a retry of a stored batch stores nothing")
		}
		got, err := store.ReadAll(ctx, s, store.Tagged(batchTag("retried")))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(len(batch)), "exactly one copy of the batch")
		for i := range got {
			Expect(got[i].ID).To(Equal(batch[i].ID))
		}
		checkStore(ctx, s, e.acks.all())
		Expect(s.Close()).To(Succeed())
		Expect(fsys.Cut()).To(Succeed())
		reopenAndCheck(ctx, e.dir, &store.Options{FS: modelFS(e.root), Logger: specLogger()}, e.acks.all())
		return survived
	}

	// retryLoop appends a batch with ids while a fault armed by arm fires
	// at the n-th operation, for n = 1, 2, ... until the append completes
	// without it; after each fault it closes the handle and retries through
	// the file system after returns (the same one, or a new one after a
	// power cut). It returns how often the first attempt survived (true)
	// or was lost (false).
	retryLoop := func(ctx context.Context, arm func(f *faultfs.FS, n int), after func(e *faultEnv, err error) *faultfs.FS) map[bool]int {
		GinkgoHelper()
		outcomes := map[bool]int{}
		for n := 1; ; n++ {
			Expect(n).To(BeNumerically("<", 200), "the append never completes")
			e := newFaultEnv()
			e.mustOpenWithHistory(ctx)
			batch := withIDs(batchEvents("retried", 5))
			arm(e.ffs, n)
			_, err := e.s.Append(ctx, batch, nil)
			fired := e.ffs.Fired()
			e.ffs.Disarm()
			if !fired {
				Expect(err).NotTo(HaveOccurred())
				return outcomes
			}
			fsys := after(e, err)
			_ = e.close()
			outcomes[retryAfter(ctx, e, fsys, batch)]++
		}
	}

	DescribeTable("stores the batch exactly once when the N-th operation of the first attempt fails, N = 1..",
		func(ctx SpecContext, kind faultfs.Kind) {
			outcomes := retryLoop(ctx, func(f *faultfs.FS, n int) { f.FailNth(kind, n) }, func(e *faultEnv, err error) *faultfs.FS {
				Expect(err).To(MatchError(store.ErrBroken), "a failed %s leaves the outcome unknown", kind)
				return e.ffs
			})
			AddReportEntry("outcomes", fmt.Sprintf("failed %s: first attempt survived %d times, lost %d times", kind, outcomes[true], outcomes[false]))
			Expect(outcomes[true]+outcomes[false]).To(BeNumerically(">", 0), "the fault fired at least once")
		},
		Entry("a sync", faultfs.OpSync),
		Entry("a folder sync", faultfs.OpSyncDir),
		Entry("a write", faultfs.OpWrite),
	)

	It("stores the batch exactly once when the power goes before the N-th operation of the first attempt, N = 1..", func(ctx SpecContext) {
		outcomes := retryLoop(ctx, func(f *faultfs.FS, n int) { f.CutAtNth(faultfs.OpAny, n) }, func(e *faultEnv, err error) *faultfs.FS {
			Expect(err).To(HaveOccurred())
			return modelFS(e.root) // the reboot
		})
		AddReportEntry("outcomes", fmt.Sprintf("power cut: first attempt survived %d times, lost %d times", outcomes[true], outcomes[false]))
		Expect(outcomes[true]).To(BeNumerically(">", 0), "some cuts keep the first attempt")
		Expect(outcomes[false]).To(BeNumerically(">", 0), "some cuts lose it")
	}, SpecTimeout(3*time.Minute))
})
