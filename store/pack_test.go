package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("Packs", Ordered, func() {
	ctx := context.Background()
	var dir string
	var before []store.StoredEvent // every event, read from the files

	packPath := func(shard int, suffix string) string {
		return filepath.Join(dir, "packs", fmt.Sprintf("%06d%s.pack", shard, suffix))
	}
	open := func(opts *store.Options) *store.FileStore {
		GinkgoHelper()
		s, err := store.Open(dir, opts)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}
	// garble overwrites the event file at p: only a pack can still give
	// its event.
	garble := func(p store.Position) func() {
		GinkgoHelper()
		path := eventPath(dir, p)
		b, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(path, []byte("{not json"), 0o644)).To(Succeed())
		return func() { Expect(os.WriteFile(path, b, 0o644)).To(Succeed()) }
	}

	BeforeAll(func() {
		dir = GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		// Two whole shards and part of a third.
		for b := range 25 {
			batch := make([]store.Event, 1000)
			for i := range batch {
				n := b*1000 + i
				batch[i] = store.Event{Type: fmt.Sprintf("T%d", n%3), Tags: []store.Tag{store.NewTag("n", fmt.Sprint(n))}, Data: fmt.Appendf(nil, `{"n":%d}`, n)}
			}
			_, err := s.Append(ctx, batch, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		before, err = store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(HaveLen(25000))
		Expect(s.Close()).To(Succeed())
	})

	It("packs every whole shard, once", func() {
		s := open(nil)
		res, err := s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Packed).To(Equal(2))
		Expect(res.Events).To(Equal(19999), "shard 0 holds 1..9999, shard 1 10000..19999")
		Expect(res.Bytes).To(BeNumerically(">", 19999*100))
		Expect(packPath(0, "")).To(BeAnExistingFile())
		Expect(packPath(1, "")).To(BeAnExistingFile())
		Expect(packPath(2, "")).NotTo(BeAnExistingFile(), "shard 2 is not whole")

		st, err := s.Stats(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Packs).To(Equal(2))
		Expect(st.PackBytes).To(Equal(res.Bytes))

		res, err = s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal(store.PackResult{Kept: 2}))
	})

	It("reads the same events as the files, from the packs", func() {
		restore := garble(123)
		defer restore()
		s := open(nil)
		after, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before))
		last, err := s.ReadLast(ctx, store.Tagged(store.NewTag("n", "122")))
		Expect(err).NotTo(HaveOccurred())
		Expect(last.Position).To(Equal(store.Position(123)))
	})

	It("sets aside a damaged pack and reads the files, with a warning", func() {
		b, err := os.ReadFile(packPath(1, ""))
		Expect(err).NotTo(HaveOccurred())
		defer func() { Expect(os.WriteFile(packPath(1, ""), b, 0o644)).To(Succeed()) }()
		bad := append([]byte(nil), b...)
		bad[len(bad)-30] ^= 0xff // an offset: the checksum no longer matches
		Expect(os.WriteFile(packPath(1, ""), bad, 0o644)).To(Succeed())

		logs := newLogRecorder()
		s := open(&store.Options{Logger: slog.New(logs)})
		after, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before))
		Expect(strings.Join(logs.Lines(), "\n")).To(ContainSubstring("checksum mismatch"))

		By("Pack replaces it")
		res, err := s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Packed).To(Equal(1))
		Expect(res.Kept).To(Equal(1))
	})

	It("never takes one shard's pack for another's, nor an event from the wrong place", func() {
		b0, err := os.ReadFile(packPath(0, ""))
		Expect(err).NotTo(HaveOccurred())
		b1, err := os.ReadFile(packPath(1, ""))
		Expect(err).NotTo(HaveOccurred())
		defer func() { Expect(os.WriteFile(packPath(1, ""), b1, 0o644)).To(Succeed()) }()
		Expect(os.WriteFile(packPath(1, ""), b0, 0o644)).To(Succeed())
		s := open(nil)
		after, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before))
	})

	It("is ignored once tags are added, and packed again at the new epoch", func() {
		s := open(nil)
		added, err := s.AddTags(ctx, "T1", func(e store.StoredEvent) []store.Tag { return []store.Tag{store.NewTag("odd", "yes")} })
		Expect(err).NotTo(HaveOccurred())
		Expect(added.EventsChanged).To(Equal(25000 / 3))
		got, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("odd", "yes")))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(25000 / 3))
		for _, e := range got {
			Expect(e.Tags).To(ContainElement(store.NewTag("odd", "yes")), "position %d read from a stale pack", e.Position)
		}

		res, err := s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Packed).To(Equal(2))
		Expect(res.Removed).To(Equal(2), "the packs of epoch 0")
		Expect(packPath(0, "")).NotTo(BeAnExistingFile())
		matches, err := filepath.Glob(filepath.Join(dir, "packs", "000000.*.pack"))
		Expect(err).NotTo(HaveOccurred())
		Expect(matches).To(HaveLen(1))

		restore := garble(5) // n=4, a T1 event: its new tag is in the new pack
		defer restore()
		other := open(nil)
		e, err := other.ReadLast(ctx, store.Tagged(store.NewTag("n", "4")))
		Expect(err).NotTo(HaveOccurred())
		Expect(e.Tags).To(ContainElement(store.NewTag("odd", "yes")))
	})

	It("keeps reads exact while another handle packs, adds tags and packs again", func() {
		reader := open(nil)
		writer := open(nil)
		stop := make(chan struct{})
		errs := make(chan error, 1)
		go func() {
			defer GinkgoRecover()
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				got, err := store.ReadAll(ctx, reader, store.Types("T2"))
				if err != nil {
					errs <- err
					return
				}
				if len(got) != 25000/3 {
					errs <- fmt.Errorf("read %d events of T2", len(got))
					return
				}
				for _, e := range got {
					if e.Type != "T2" || e.Position%3 != 0 {
						errs <- fmt.Errorf("position %d: %s", e.Position, e.Type)
						return
					}
				}
			}
		}()
		for range 2 {
			_, err := writer.AddTags(ctx, "T2", func(e store.StoredEvent) []store.Tag { return []store.Tag{store.NewTag("three", "yes")} })
			Expect(err).NotTo(HaveOccurred())
			_, err = writer.Pack(ctx)
			Expect(err).NotTo(HaveOccurred())
		}
		close(stop)
		Expect(<-errs).To(Succeed())
		got, err := store.ReadAll(ctx, reader, store.Tagged(store.NewTag("three", "yes")))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(25000 / 3))
	})

	It("is refused by read-only and closed handles", func() {
		ro := open(&store.Options{ReadOnly: true})
		_, err := ro.Pack(ctx)
		Expect(err).To(MatchError(store.ErrReadOnly))
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		_, err = s.Pack(ctx)
		Expect(err).To(MatchError(store.ErrClosed))
	})

	It("is checked by Verify against the event files, byte for byte", func() {
		s := open(nil)
		rep, err := s.Verify(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())

		By("a pack whose bytes differ from a file's, though they still parse")
		matches, err := filepath.Glob(filepath.Join(dir, "packs", "000000.*.pack"))
		Expect(err).NotTo(HaveOccurred())
		Expect(matches).To(HaveLen(1))
		b, err := os.ReadFile(matches[0])
		Expect(err).NotTo(HaveOccurred())
		defer func() { Expect(os.WriteFile(matches[0], b, 0o644)).To(Succeed()) }()
		i := bytes.Index(b, []byte(`{"n":4321}`))
		Expect(i).To(BeNumerically(">", 0))
		bad := bytes.Clone(b)
		copy(bad[i:], `{"n":4329}`)
		Expect(os.WriteFile(matches[0], bad, 0o644)).To(Succeed())
		rep, err = open(nil).Verify(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Damaged()).To(BeTrue())
		Expect(rep.Problems).To(ConsistOf(MatchFields(IgnoreExtras, Fields{
			"Kind": Equal(store.ProblemPack), "Position": Equal(store.Position(4322)),
		})))

		By("a pack of an earlier tag epoch and a temporary file are reported, not as damage")
		Expect(os.WriteFile(filepath.Join(dir, "packs", "000001.pack"), b, 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "packs", ".000001.pack.1.tmp"), nil, 0o644)).To(Succeed())
		Expect(os.WriteFile(matches[0], b, 0o644)).To(Succeed())
		rep, err = open(nil).Verify(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Damaged()).To(BeFalse())
		Expect(rep.Problems).To(ConsistOf(
			MatchFields(IgnoreExtras, Fields{"Kind": Equal(store.ProblemStrayFile)}),
			MatchFields(IgnoreExtras, Fields{"Kind": Equal(store.ProblemTempFile)}),
		))
		res, err := s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Removed).To(Equal(1), "the pack of the earlier epoch; the temporary file is too recent")
	})
})

var _ = Describe("Packs and power cuts", func() {
	ctx := context.Background()
	// oneShardAndABit is a batch that fills shard 0 and begins shard 1.
	oneShardAndABit := func() []store.Event {
		batch := make([]store.Event, 10_500)
		for i := range batch {
			batch[i] = store.Event{Type: "A", Data: fmt.Appendf(nil, `{"n":%d}`, i)}
		}
		return batch
	}
	fill := func(dir string, opts *store.Options) []store.StoredEvent {
		GinkgoHelper()
		s, err := store.Open(dir, opts)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, oneShardAndABit(), nil)
		Expect(err).NotTo(HaveOccurred())
		all, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return all
	}

	It("refuses to pack a shard with a damaged event file, and leaves nothing behind", func() {
		dir := GinkgoT().TempDir()
		w, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = w.Append(ctx, oneShardAndABit(), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Close()).To(Succeed()) // with its index snapshot
		Expect(os.WriteFile(eventPath(dir, 5), []byte(`{"position": 5, "ty`), 0o644)).To(Succeed())
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		res, err := s.Pack(ctx)
		var corrupt *store.CorruptionError
		Expect(errors.As(err, &corrupt)).To(BeTrue(), "%v %+v", err, res)
		Expect(corrupt.Position).To(Equal(store.Position(5)))
		Expect(corrupt.Path).To(Equal(eventPath(dir, 5)))
		Expect(res.Packed).To(BeZero())
		left, err := os.ReadDir(filepath.Join(dir, "packs"))
		Expect(err).NotTo(HaveOccurred())
		Expect(left).To(BeEmpty(), "no pack, no temporary file")
	})

	It("makes the events of a NoSync handle durable before it packs them", func() {
		dir := GinkgoT().TempDir()
		fsys, err := faultfs.New(dir)
		Expect(err).NotTo(HaveOccurred())
		fsys.SetRealSync(false)
		s, err := store.Open(dir, &store.Options{FS: fsys, NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, oneShardAndABit(), nil)
		Expect(err).NotTo(HaveOccurred())
		res, err := s.Pack(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Packed).To(Equal(1))
		Expect(fsys.Cut()).To(Succeed())
		s.Close()

		after, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(after.Close)
		got, err := store.ReadAll(ctx, after, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(len(got)).To(BeNumerically(">=", 9999), "the packed events survive the cut")
		Expect(filepath.Join(dir, "packs", "000000.pack")).To(BeAnExistingFile())
		for i, e := range got[:9999] {
			Expect(string(e.Data)).To(Equal(fmt.Sprintf(`{"n":%d}`, i)))
		}
	})

	It("leaves, at any point a power cut stops it, a store that reads as before", func() {
		template := GinkgoT().TempDir()
		before := fill(template, nil)
		for _, kind := range []faultfs.Kind{faultfs.OpWrite, faultfs.OpSync, faultfs.OpRename, faultfs.OpSyncDir} {
			dir := filepath.Join(GinkgoT().TempDir(), "store")
			Expect(os.CopyFS(dir, os.DirFS(template))).To(Succeed())
			fsys, err := faultfs.New(dir)
			Expect(err).NotTo(HaveOccurred())
			fsys.SetRealSync(false)
			s, err := store.Open(dir, &store.Options{FS: fsys})
			Expect(err).NotTo(HaveOccurred())
			fsys.CutAtNth(kind, 1)
			_, _ = s.Pack(ctx)
			if !fsys.Fired() {
				Expect(fsys.Cut()).To(Succeed())
			}
			s.Close()

			after, err := store.Open(dir, nil)
			Expect(err).NotTo(HaveOccurred())
			got, err := store.ReadAll(ctx, after, store.All())
			Expect(err).NotTo(HaveOccurred(), "cut at the first %s", kind)
			Expect(got).To(Equal(before), "cut at the first %s", kind)
			Expect(after.Close()).To(Succeed())
		}
	})
})
