package store_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// The damage fixture: batches 1..3, 4..5, 6..8 and 9..11 (ids b1..b4),
// head file 11, index snapshot covering 1..5 (as if the last snapshot was
// taken after b2). snap11 is a snapshot covering all 11 events.
type damageFixture struct {
	dir    string
	snap11 []byte
}

func (f damageFixture) path(p store.Position) string { return eventPath(f.dir, p) }
func (f damageFixture) head() string                 { return filepath.Join(f.dir, "head") }
func (f damageFixture) snapshot() string             { return filepath.Join(f.dir, "index", "snapshot.bin") }

func (f damageFixture) write(path string, b []byte) {
	GinkgoHelper()
	Expect(os.WriteFile(path, b, 0o644)).To(Succeed())
}

func (f damageFixture) remove(paths ...string) {
	GinkgoHelper()
	for _, p := range paths {
		Expect(os.Remove(p)).To(Succeed())
	}
}

func (f damageFixture) truncate(path string, size int64) {
	GinkgoHelper()
	Expect(os.Truncate(path, size)).To(Succeed())
}

func (f damageFixture) size(path string) int64 {
	GinkgoHelper()
	fi, err := os.Stat(path)
	Expect(err).NotTo(HaveOccurred())
	return fi.Size()
}

func (f damageFixture) setHead(p store.Position) { f.write(f.head(), headFile(p)) }

func newDamageFixture() damageFixture {
	GinkgoHelper()
	ctx := context.Background()
	dir := filepath.Join(GinkgoT().TempDir(), "store")
	opts := &store.Options{} // durable: every committed event is covered by the durable prefix
	s, err := store.Open(dir, opts)
	Expect(err).NotTo(HaveOccurred())
	Expect(appendBatch(ctx, s, nil, "b1", 3)).To(Succeed())
	Expect(appendBatch(ctx, s, nil, "b2", 2)).To(Succeed())
	Expect(s.Close()).To(Succeed())
	f := damageFixture{dir: dir}
	snap5, err := os.ReadFile(f.snapshot())
	Expect(err).NotTo(HaveOccurred())
	s, err = store.Open(dir, opts)
	Expect(err).NotTo(HaveOccurred())
	Expect(appendBatch(ctx, s, nil, "b3", 3)).To(Succeed())
	Expect(appendBatch(ctx, s, nil, "b4", 3)).To(Succeed())
	Expect(s.Close()).To(Succeed())
	f.snap11, err = os.ReadFile(f.snapshot())
	Expect(err).NotTo(HaveOccurred())
	f.write(f.snapshot(), snap5)
	Expect(readHeadFile(dir)).To(Equal(store.Position(11)))
	return f
}

// eventFilesOnDisk lists the positions of the event files in dir, and
// the other files in its shard folders.
func eventFilesOnDisk(dir string) (positions []store.Position, others []string) {
	GinkgoHelper()
	shards, err := os.ReadDir(filepath.Join(dir, "events"))
	Expect(err).NotTo(HaveOccurred())
	for _, sh := range shards {
		files, err := os.ReadDir(filepath.Join(dir, "events", sh.Name()))
		Expect(err).NotTo(HaveOccurred())
		for _, fl := range files {
			if p, ok := parsePosition(fl.Name()); ok {
				positions = append(positions, p)
			} else {
				others = append(others, filepath.Join(sh.Name(), fl.Name()))
			}
		}
	}
	return positions, others
}

func parsePosition(name string) (store.Position, bool) {
	var n uint64
	if len(name) != 17 || !strings.HasSuffix(name, ".json") {
		return 0, false
	}
	for _, c := range name[:12] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return store.Position(n), true
}

// damageCase says what Open must make of a damaged fixture.
type damageCase struct {
	damage func(f damageFixture)
	noSync bool
	// survivors: Open succeeds and exactly the positions 1..survivors
	// remain, on disk and through the store.
	survivors store.Position
	// corrupt: Open fails with a *CorruptionError naming the file of this
	// position (survivors is then ignored, and nothing may change on disk).
	corrupt store.Position
	// logs are substrings of the messages recovery must log, in any order.
	logs []string
	// gone are files (relative to the store) recovery must remove.
	gone []string
	// extra are batches beyond the fixture's that must survive too.
	extra []seenBatch
}

var damageBatches = []seenBatch{{"b1", 1, 3}, {"b2", 4, 5}, {"b3", 6, 8}, {"b4", 9, 11}}

// batchesUpTo returns the fixture batches that end at or before p.
func batchesUpTo(p store.Position) []seenBatch {
	var out []seenBatch
	for _, b := range damageBatches {
		if b.Last <= p {
			out = append(out, b)
		}
	}
	return out
}

// damageEntry is a table entry with a timeout: Open could wait on a lock.
func damageEntry(description string, c damageCase) TableEntry {
	return Entry(description, SpecTimeout(time.Minute), c)
}

var _ = Describe("Recovery from on-disk damage", Label("recovery"), func() {
	DescribeTable("Open repairs what a crash can leave and refuses what it cannot",
		func(ctx SpecContext, c damageCase) {
			f := newDamageFixture()
			c.damage(f)
			before, _ := eventFilesOnDisk(f.dir)
			logs := newLogRecorder()
			opts := &store.Options{NoSync: c.noSync, Logger: slog.New(logs)}
			s, err := store.Open(f.dir, opts)
			if c.corrupt > 0 {
				Expect(err).To(MatchError(store.ErrCorrupt))
				var ce *store.CorruptionError
				Expect(errors.As(err, &ce)).To(BeTrue())
				Expect(ce.Path).To(Equal(f.path(c.corrupt)), "the error names the damaged file")
				Expect(ce.Position).To(Equal(c.corrupt))
				Expect(err.Error()).To(ContainSubstring(f.path(c.corrupt)))
				after, _ := eventFilesOnDisk(f.dir)
				Expect(after).To(Equal(before), "a refused Open removes no event file")
				return
			}
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() { _ = s.Close() })
			batches := checkStore(ctx, s, nil)
			Expect(batches).To(Equal(append(batchesUpTo(c.survivors), c.extra...)), "the whole batches up to %d survive", c.survivors)
			Expect(s.Head(ctx)).To(Equal(c.survivors))
			for _, want := range c.logs {
				Expect(logs.Lines()).To(ContainElement(ContainSubstring(want)), "recovery logs %q", want)
			}
			Expect(s.Close()).To(Succeed())
			files, others := eventFilesOnDisk(f.dir)
			Expect(files).To(Equal(posSpan(1, c.survivors)), "no event file after the survivors is left")
			Expect(others).To(BeEmpty(), "nothing but event files is left in the shard folders")
			Expect(readHeadFile(f.dir)).To(Equal(c.survivors), "the head file is rewritten")
			for _, g := range c.gone {
				Expect(filepath.Join(f.dir, g)).NotTo(BeAnExistingFile())
			}

			By("opening once more: nothing left to repair")
			again := newLogRecorder()
			opts.Logger = slog.New(again)
			s2, err := store.Open(f.dir, opts)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() { _ = s2.Close() })
			Expect(checkStore(ctx, s2, nil)).To(Equal(batches))
			Expect(again.Lines()).NotTo(ContainElement(HavePrefix("WARN")))
			Expect(s2.Close()).To(Succeed())
		},
		damageEntry("no damage: every batch, nothing to log", damageCase{
			damage:    func(f damageFixture) {},
			survivors: 11,
		}),
		damageEntry("a torn last batch (its last file cut short, the head before it): the batch is removed, earlier ones kept", damageCase{
			damage: func(f damageFixture) {
				f.setHead(8)
				f.truncate(f.path(11), f.size(f.path(11))/2)
			},
			survivors: 8,
			logs:      []string{"discarding a torn batch left by a crashed append", "removed event files after the last whole batch"},
		}),
		damageEntry("a torn last batch (its last file empty: data never synced): removed", damageCase{
			damage: func(f damageFixture) {
				f.setHead(8)
				f.truncate(f.path(11), 0)
			},
			survivors: 8,
			logs:      []string{"discarding a torn batch left by a crashed append"},
		}),
		damageEntry("a middle file of the last batch missing, the head before it: the batch is removed", damageCase{
			damage: func(f damageFixture) {
				f.setHead(8)
				f.remove(f.path(10))
			},
			survivors: 8,
			logs:      []string{"discarding a torn batch left by a crashed append", "removed event files after the last whole batch"},
		}),
		damageEntry("a torn batch with a whole batch after it: both removed (nothing after the first incomplete batch is kept)", damageCase{
			damage: func(f damageFixture) {
				f.setHead(5)
				f.remove(f.path(7))
			},
			survivors: 5,
			logs:      []string{"discarding a torn batch left by a crashed append", "removed event files after the last whole batch"},
		}),
		damageEntry("garbage in the head file: recomputed from the event files, every whole batch kept", damageCase{
			damage:    func(f damageFixture) { f.write(f.head(), []byte("this is not a head file at all\n")) },
			survivors: 11,
			logs:      []string{"head file unreadable; recomputing it from the event files", "kept whole batches written by an append that did not finish"},
		}),
		damageEntry("a head file with a bad checksum: recomputed", damageCase{
			damage: func(f damageFixture) {
				b := headFile(11)
				b[25] ^= 1
				f.write(f.head(), b)
			},
			survivors: 11,
			logs:      []string{"head file unreadable; recomputing it from the event files"},
		}),
		damageEntry("the head file missing: recreated, every whole batch kept", damageCase{
			damage:    func(f damageFixture) { f.remove(f.head()) },
			survivors: 11,
			logs:      []string{"kept whole batches written by an append that did not finish"},
		}),
		damageEntry("a stale head (5, lower than the files, as after a power cut): the whole batches after it are kept", damageCase{
			damage:    func(f damageFixture) { f.setHead(5) },
			survivors: 11,
			logs:      []string{"kept whole batches written by an append that did not finish", "moved head after recovery"},
		}),
		damageEntry("the index snapshot missing: rebuilt from the event files", damageCase{
			damage:    func(f damageFixture) { f.remove(f.snapshot()) },
			survivors: 11,
			logs:      []string{"index snapshot missing; rebuilding the index from the event files"},
		}),
		damageEntry("the index snapshot corrupt (one byte flipped): rebuilt", damageCase{
			damage: func(f damageFixture) {
				b, err := os.ReadFile(f.snapshot())
				Expect(err).NotTo(HaveOccurred())
				b[len(b)/2] ^= 0x40
				f.write(f.snapshot(), b)
			},
			survivors: 11,
			logs:      []string{"index snapshot corrupt; rebuilding the index from the event files"},
		}),
		damageEntry("the index snapshot cut short: rebuilt", damageCase{
			damage:    func(f damageFixture) { f.truncate(f.snapshot(), 7) },
			survivors: 11,
			logs:      []string{"index snapshot corrupt; rebuilding the index from the event files"},
		}),
		damageEntry("the index snapshot ahead of the events (the store copied back to an older state): rebuilt", damageCase{
			damage: func(f damageFixture) {
				f.write(f.snapshot(), f.snap11)
				f.remove(f.path(9), f.path(10), f.path(11))
				f.setHead(8)
			},
			survivors: 8,
			logs:      []string{"index snapshot is ahead of the event files; rebuilding the index"},
		}),
		damageEntry("temporary files left by a crash: removed", damageCase{
			damage: func(f damageFixture) {
				f.write(filepath.Join(f.dir, ".opossum.json.0badf00d.tmp"), []byte(`{"format":`))
				f.write(filepath.Join(f.dir, "index", ".snapshot.bin.0badf00d.tmp"), []byte("OPOSS"))
				f.write(filepath.Join(f.dir, "events", "000000", ".000000000012.json.0badf00d.tmp"), []byte("{"))
			},
			survivors: 11,
			logs:      []string{"removed temporary file left by a crash", "removed event files after the last whole batch"},
			gone:      []string{".opossum.json.0badf00d.tmp", "index/.snapshot.bin.0badf00d.tmp", "events/000000/.000000000012.json.0badf00d.tmp"},
		}),
		damageEntry("orphan files beyond a gap (positions 14..15, the head at 11): removed", damageCase{
			damage:    func(f damageFixture) { writeEventFiles(f.dir, 14, 15, "orphan") },
			survivors: 11,
			logs:      []string{"removed event files after the last whole batch"},
			gone:      []string{"events/000000/000000000014.json", "events/000000/000000000015.json"},
		}),
		damageEntry("a whole batch a crashed writer left after the head (12..13): kept", damageCase{
			damage:    func(f damageFixture) { writeEventFiles(f.dir, 12, 13, "b5") },
			survivors: 13,
			extra:     []seenBatch{{"b5", 12, 13}},
			logs:      []string{"kept whole batches written by an append that did not finish"},
		}),
		damageEntry("a damaged event file in the middle of the committed range: Open fails with a CorruptionError naming it", damageCase{
			damage:  func(f damageFixture) { f.write(f.path(7), []byte("{\"position\": 7, \"type\": ")) },
			corrupt: 7,
		}),
		damageEntry("a committed event file missing in the middle: Open fails naming it", damageCase{
			damage:  func(f damageFixture) { f.remove(f.path(7)) },
			corrupt: 7,
		}),
		damageEntry("a committed event file holding another position: Open fails naming it", damageCase{
			damage: func(f damageFixture) {
				b, err := os.ReadFile(f.path(10))
				Expect(err).NotTo(HaveOccurred())
				f.write(f.path(11), b)
			},
			corrupt: 11,
		}),
		damageEntry("a damaged event file the index snapshot covers, the snapshot missing: Open fails naming it", damageCase{
			damage: func(f damageFixture) {
				f.write(f.path(2), []byte("garbage"))
				f.remove(f.snapshot())
			},
			corrupt: 2,
		}),
		damageEntry("the head beyond the last event file: Open fails naming the first missing one", damageCase{
			damage:  func(f damageFixture) { f.setHead(14) },
			corrupt: 12,
		}),
		damageEntry("committed files after the durable prefix lost (a NoSync handle wrote them): a durable Open keeps the whole batches before them, with a warning", damageCase{
			damage: func(f damageFixture) {
				f.write(f.head(), slices.Concat(headFile(11), headFile(0), headFile(8)))
				f.remove(f.path(10), f.path(11))
			},
			survivors: 8,
			logs:      []string{"committed events lost (the store ran without fsync); dropping them"},
		}),
		damageEntry("a committed file at the durable prefix lost: Open fails naming it, although later events came from a NoSync handle", damageCase{
			damage: func(f damageFixture) {
				f.write(f.head(), slices.Concat(headFile(11), headFile(0), headFile(8)))
				f.remove(f.path(8))
			},
			corrupt: 8,
		}),
		damageEntry("with NoSync, committed files lost in a power cut: the whole batches before them are kept", damageCase{
			damage:    func(f damageFixture) { f.remove(f.path(10), f.path(11)) },
			noSync:    true,
			survivors: 8,
			logs:      []string{"committed events lost (the store ran without fsync); dropping them"},
		}),
		damageEntry("with NoSync, a committed file torn in a power cut: its batch and everything after it dropped", damageCase{
			damage:    func(f damageFixture) { f.truncate(f.path(7), 20) },
			noSync:    true,
			survivors: 5,
			logs:      []string{"committed events lost (the store ran without fsync); dropping them"},
		}),
		damageEntry("with NoSync, the head beyond the last event file: the head comes back to the files", damageCase{
			damage:    func(f damageFixture) { f.setHead(14) },
			noSync:    true,
			survivors: 11,
			logs:      []string{"committed events lost (the store ran without fsync); dropping them"},
		}),
	)

	It("reports a damaged event file the index snapshot covers when it is read, naming it", SpecTimeout(time.Minute), func(ctx SpecContext) {
		f := newDamageFixture()
		f.write(f.path(2), []byte("garbage"))
		s, err := store.Open(f.dir, nil)
		Expect(err).NotTo(HaveOccurred(), "the snapshot covers position 2, so Open does not read it")
		DeferCleanup(func() { _ = s.Close() })
		_, err = store.ReadAll(ctx, s, store.All())
		Expect(err).To(MatchError(store.ErrCorrupt))
		var ce *store.CorruptionError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Path).To(Equal(f.path(2)))
		evs, err := store.ReadAll(ctx, s, store.Tagged(batchTag("b3")))
		Expect(err).NotTo(HaveOccurred(), "events in other files still read")
		Expect(positionsOf(evs)).To(Equal(posSpan(6, 8)))
	})
})
