package store_test

// Specs for the chain of groups a committer commits under one hold of the
// writer lock: the next group is written while the files of the group
// before it are being synced, and is answered only after that group.

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// holdFS is the OS's file system, except that the fdatasync of one chosen
// file blocks until the spec releases it.
type holdFS struct {
	vfs.FS
	mu      sync.Mutex
	name    string        // the base name whose Sync blocks
	syncing chan struct{} // closed when that Sync has started
	release chan struct{} // closing it lets that Sync go on
}

func newHoldFS(name string) *holdFS {
	return &holdFS{FS: vfs.OSFS(), name: name, syncing: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f, err := h.FS.OpenFile(name, flag, perm)
	if err != nil || filepath.Base(name) != h.name {
		return f, err
	}
	return &heldFile{File: f, h: h}, nil
}

type heldFile struct {
	vfs.File
	h *holdFS
}

func (f *heldFile) Sync() error {
	close(f.h.syncing)
	<-f.h.release
	return f.File.Sync()
}

// outcome is what one Append returned.
type outcome struct {
	last store.Position
	err  error
}

func appendAsync(ctx context.Context, s *store.FileStore, e store.Event, cond *store.AppendCondition) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		last, err := s.Append(ctx, []store.Event{e}, cond)
		out <- outcome{last, err}
	}()
	return out
}

var _ = Describe("A chain of groups", func() {
	It("writes the next group while the group before it syncs, answers it only after that group, and checks its conditions against it", SpecTimeout(time.Minute), func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		h := newHoldFS(filepath.Base(eventPath(dir, 2)))
		s, err := store.Open(dir, &store.Options{FS: h, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		store.QueueEveryAppend(s)
		course := store.NewTag("course", "c1")
		event := func(typ string, tags ...store.Tag) store.Event {
			e, err := store.NewEvent(typ, map[string]string{}, tags...)
			Expect(err).NotTo(HaveOccurred())
			return e
		}

		By("appending position 1, then position 2, whose fdatasync is held")
		Expect((<-appendAsync(ctx, s, event("StudentRegistered"), nil)).err).NotTo(HaveOccurred())
		created := appendAsync(ctx, s, event("CourseCreated", course), nil)
		Eventually(h.syncing).WithContext(ctx).Should(BeClosed())

		By("appending, while it syncs, one event that conflicts with it and one that does not")
		conflicting := appendAsync(ctx, s, event("CourseCreated", course), store.Guard(store.Tagged(course), 1))
		Consistently(conflicting, 100*time.Millisecond).ShouldNot(Receive(), "a refusal waits for the events it saw to be durable")
		other := appendAsync(ctx, s, event("StudentRegistered"), nil)
		Eventually(func() error { _, err := os.Stat(eventPath(dir, 3)); return err }).WithContext(ctx).Should(Succeed(),
			"the next group is written while the group before it syncs")
		Consistently(other, 100*time.Millisecond).ShouldNot(Receive(), "and is not answered before it")
		Expect(created).NotTo(Receive())

		By("releasing the sync")
		close(h.release)
		Eventually(created).WithContext(ctx).Should(Receive(Equal(outcome{last: 2})))
		var got outcome
		Eventually(conflicting).WithContext(ctx).Should(Receive(&got))
		Expect(got.err).To(MatchError(store.ErrAppendConditionFailed), "its condition saw position 2 before it was durable")
		Eventually(other).WithContext(ctx).Should(Receive(Equal(outcome{last: 3})))
		Expect(readHeadFile(dir)).To(Equal(store.Position(3)))
	})

	It("answers a retry of an append of the group being synced with that append's positions, once it lands, and writes nothing twice", SpecTimeout(time.Minute), func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		h := newHoldFS(filepath.Base(eventPath(dir, 2)))
		s, err := store.Open(dir, &store.Options{FS: h, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		store.QueueEveryAppend(s)
		e, err := store.NewEvent("StudentRegistered", map[string]string{})
		Expect(err).NotTo(HaveOccurred())
		Expect((<-appendAsync(ctx, s, e, nil)).err).NotTo(HaveOccurred())

		retried, err := store.NewEvent("CourseCreated", map[string]string{})
		Expect(err).NotTo(HaveOccurred())
		retried.ID = store.NewEventID()
		first := appendAsync(ctx, s, retried, nil)
		Eventually(h.syncing).WithContext(ctx).Should(BeClosed())
		retry := appendAsync(ctx, s, retried, nil)
		Consistently(retry, 100*time.Millisecond).ShouldNot(Receive(), "a retry waits for the append it repeats")

		close(h.release)
		Eventually(first).WithContext(ctx).Should(Receive(Equal(outcome{last: 2})))
		Eventually(retry).WithContext(ctx).Should(Receive(Equal(outcome{last: 2})))
		var n int
		for _, err := range s.Read(ctx, store.All()) {
			Expect(err).NotTo(HaveOccurred())
			n++
		}
		Expect(n).To(Equal(2))
		Expect(readHeadFile(dir)).To(Equal(store.Position(2)))
	})
})
