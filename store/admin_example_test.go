package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/opossum-go/opossum/store"
)

// Tag past events for a new query, check the store and back it up.
func ExampleFileStore_AddTags() {
	dir, _ := os.MkdirTemp("", "opossum-admin-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(filepath.Join(dir, "courses"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	_, err = s.Append(ctx, []store.Event{
		store.MustEvent("StudentEnrolled", map[string]string{"course": "c-1"}, store.NewTag("studentId", "s-1")),
		store.MustEvent("StudentEnrolled", map[string]string{"course": "c-2"}, store.NewTag("studentId", "s-1")),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}

	// Old enrollments lack the courseId tag a new decision queries by.
	res, err := s.AddTags(ctx, "StudentEnrolled", func(e store.StoredEvent) []store.Tag {
		d, _ := store.Decode[map[string]string](e.Event)
		return []store.Tag{store.NewTag("courseId", d["course"])}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d events, %d changed, %d tags added\n", res.EventsProcessed, res.EventsChanged, res.TagsAdded)
	last, _ := s.ReadLast(ctx, store.Tagged(store.NewTag("courseId", "c-2")))
	fmt.Println("last enrollment in c-2 at position", last.Position)

	rep, err := s.Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("problems:", len(rep.Problems))

	b, err := s.Backup(ctx, filepath.Join(dir, "backup"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("backed up positions 1 to", b.Head)
	// Output:
	// 2 events, 2 changed, 2 tags added
	// last enrollment in c-2 at position 2
	// problems: 0
	// backed up positions 1 to 2
}
