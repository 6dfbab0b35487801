package explorer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/fstree"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// The seeded store, position by position:
//
//	1     CourseDefined      courseId:c-1
//	2..3  one batch, correlation "signup-1":
//	      StudentRegistered  studentId:s-1
//	      StudentSubscribed  courseId:c-1 studentId:s-1 (causation "cmd-7")
//	4     CourseDefined      courseId:c-2
//	5     StudentSubscribed  courseId:c-2 studentId:s-1 (causation "cmd-7")
//	6..12 Noted              note:n (one batch each)
const seededHead = 12

// seed fills a new store in a temporary folder and closes it.
func seed(ctx context.Context) string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), "store")
	st, err := store.Open(dir, &store.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(st.Close()).To(Succeed()) }()
	c1, c2 := store.NewTag("courseId", "c-1"), store.NewTag("courseId", "c-2")
	s1 := store.NewTag("studentId", "s-1")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ev := func(typ string, meta store.Metadata, tags ...store.Tag) store.Event {
		e := store.MustEvent(typ, map[string]string{"what": typ}, tags...)
		meta.Timestamp = at
		at = at.Add(time.Minute)
		e.Metadata = meta
		return e
	}
	batches := [][]store.Event{
		{ev("CourseDefined", store.Metadata{}, c1)},
		{ev("StudentRegistered", store.Metadata{CorrelationID: "signup-1"}, s1),
			ev("StudentSubscribed", store.Metadata{CorrelationID: "signup-1", CausationID: "cmd-7"}, c1, s1)},
		{ev("CourseDefined", store.Metadata{}, c2)},
		{ev("StudentSubscribed", store.Metadata{CausationID: "cmd-7"}, c2, s1)},
	}
	for i := 6; i <= seededHead; i++ {
		batches = append(batches, []store.Event{ev("Noted", store.Metadata{Extra: map[string]string{"n": fmt.Sprint(i)}}, store.NewTag("note", "n"))})
	}
	for _, b := range batches {
		_, err := st.Append(ctx, b, nil)
		Expect(err).NotTo(HaveOccurred())
	}
	return dir
}

// course is the state of the "courses" projection of buildCourses.
type course struct {
	ID       string `json:"id"`
	Students int    `json:"students"`
}

// buildCourses runs a "courses" projection over the store in dir until it
// has caught up with the head, and stops it.
func buildCourses(ctx context.Context, dir string) {
	GinkgoHelper()
	st, err := store.Open(dir, &store.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(st.Close()).To(Succeed()) }()
	r, err := projection.NewRunner(st, &projection.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	_, err = projection.Register(r, projection.Definition[course]{
		Name: "courses", Version: 1,
		EventTypes: []string{"CourseDefined", "StudentSubscribed"},
		Key:        projection.KeyByTag("courseId"),
		Apply: func(c *course, e store.StoredEvent) (*course, error) {
			if c == nil {
				id, _ := e.TagValue("courseId")
				c = &course{ID: id}
			}
			if e.Type == "StudentSubscribed" {
				c.Students++
			}
			return c, nil
		},
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(r.Start()).To(Succeed())
	h, err := st.Head(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(r.WaitForAll(ctx, h)).To(Succeed())
	Expect(r.Close()).To(Succeed())
}

// appendNoted appends one Noted event through a read-write handle of its
// own and returns its position.
func appendNoted(ctx context.Context, dir string, note string) store.Position {
	GinkgoHelper()
	st, err := store.Open(dir, &store.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	defer func() { Expect(st.Close()).To(Succeed()) }()
	p, err := store.AppendOne(ctx, st, store.MustEvent("Noted", map[string]string{"note": note}, store.NewTag("note", note)), nil)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// eventFile is the path of the event file at p (docs/file-format.md).
func eventFile(dir string, p int) string {
	return filepath.Join(dir, "events", fmt.Sprintf("%06d", p/store.ShardSize), fmt.Sprintf("%012d.json", p))
}

// tree describes every file and folder under dir, with modification times
// and content hashes: equal trees mean nothing was written.
func tree(dir string) map[string]string {
	GinkgoHelper()
	t, err := fstree.Describe(dir)
	Expect(err).NotTo(HaveOccurred())
	return t
}
