package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/opossum-go/opossum/store"
)

// The seed corpora under testdata/fuzz are real store files: event files
// and index snapshots written by the store, and queries written by
// Query.MarshalJSON. TestWriteFuzzSeeds regenerates them:
//
//	OPOSSUM_WRITE_FUZZ_SEEDS=1 go test ./store/ -run TestWriteFuzzSeeds
//
// Run a target with, for example:
//
//	go test ./store/ -run '^$' -fuzz FuzzDecodeEventFile -fuzztime 30s

// refEventFile is the event file format as documented, decoded by
// encoding/json: the reference DecodeEventFile must agree with.
type refEventFile struct {
	Position store.Position  `json:"position"`
	ID       *store.EventID  `json:"id"`
	Type     string          `json:"type"`
	Tags     []store.Tag     `json:"tags"`
	Data     json.RawMessage `json:"data"`
	Metadata store.Metadata  `json:"metadata"`
	Batch    struct {
		First store.Position `json:"first"`
		Last  store.Position `json:"last"`
	} `json:"batch"`
}

// valid applies the documented rules of an event file.
func (r *refEventFile) valid() bool {
	if r.Type == "" || len(r.Data) == 0 || r.Data[0] != '{' || r.Metadata.Timestamp.IsZero() {
		return false
	}
	if r.ID != nil && r.ID.IsZero() {
		return false
	}
	if r.Batch.First == 0 || r.Batch.First > r.Position || r.Batch.Last < r.Position {
		return false
	}
	for _, t := range r.Tags {
		if t.Key == "" {
			return false
		}
	}
	return true
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return "invalid: " + string(b)
	}
	return buf.String()
}

// FuzzDecodeEventFile: DecodeEventFile never panics, and it accepts
// exactly the files encoding/json reads as valid event files, with the
// same content; a file without an id (format 1) reports one of version 8.
func FuzzDecodeEventFile(f *testing.F) {
	for _, s := range []string{
		``,
		`{}`,
		`null`,
		`{"position": 1}`,
		`{"position": 1, "id": "0193a5c4-9b6e-7c1d-8f00-5e2a4b6c8d9e", "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "id": "00000000-0000-0000-0000-000000000000", "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "id": "0193a5c4", "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 2, "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 3, "last": 3}}`,
		`{"position": 1, "type": "", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "type": "A", "tags": [{"key": "", "value": "v"}], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "type": "A", "tags": [], "data": [1], "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 1}}`,
		`{"position": 1, "type": "A", "tags": [], "data": {}, "metadata": {}, "batch": {"first": 1, "last": 1}}`,
		`{"position": -1}`,
		`{"position": 18446744073709551615, "type": "A", "tags": [], "data": {}, "metadata": {"timestamp": "2025-01-02T03:04:05Z"}, "batch": {"first": 1, "last": 18446744073709551615}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := store.DecodeEventFile(b)
		var ref refEventFile
		refErr := json.Unmarshal(b, &ref)
		if err != nil {
			if refErr == nil && ref.valid() {
				t.Fatalf("DecodeEventFile rejects a valid event file: %v\n%q", err, b)
			}
			return
		}
		if refErr != nil || !ref.valid() {
			t.Fatalf("DecodeEventFile accepts an invalid event file (encoding/json: %v)\n%q", refErr, b)
		}
		switch {
		case e.Position != ref.Position || e.Position == 0:
			t.Fatalf("position %d, want %d", e.Position, ref.Position)
		case e.Type != ref.Type:
			t.Fatalf("type %q, want %q", e.Type, ref.Type)
		case ref.ID != nil && e.ID != *ref.ID, ref.ID == nil && e.ID.Version() != 8:
			t.Fatalf("id %s, want %v", e.ID, ref.ID)
		case e.Tags == nil || len(e.Tags) != len(ref.Tags) || (len(ref.Tags) > 0 && !slices.Equal(e.Tags, ref.Tags)):
			t.Fatalf("tags %v, want %v", e.Tags, ref.Tags)
		case compactJSON(e.Data) != compactJSON(ref.Data):
			t.Fatalf("data %s, want %s", e.Data, ref.Data)
		case !e.Metadata.Timestamp.Equal(ref.Metadata.Timestamp) ||
			e.Metadata.CorrelationID != ref.Metadata.CorrelationID ||
			e.Metadata.CausationID != ref.Metadata.CausationID ||
			fmt.Sprint(e.Metadata.Extra) != fmt.Sprint(ref.Metadata.Extra):
			t.Fatalf("metadata %+v, want %+v", e.Metadata, ref.Metadata)
		}
	})
}

// FuzzParseQuery: ParseQuery never panics; it fails only with
// ErrInvalidQuery; what it accepts is valid JSON and a valid query that
// round-trips through MarshalJSON to an equal query (same JSON, same
// text, same matches).
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"all":false}`, `{"items":[]}`, `{"items":[{}]}`, `{"items":null}`,
		`{"all":true,"items":[{"types":["A"]}]}`, `{"items":[{"types":[""]}]}`,
		`{"items":[{"tags":[{"key":"","value":"x"}]}]}`, `{"unknown":1}`, `{"all":true} {"all":true}`,
		`{"items":[{"types":[],"tags":[{"key":"k","value":"v"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := store.ParseQuery(b)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidQuery) {
				t.Fatalf("ParseQuery fails with %v, not ErrInvalidQuery", err)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("ParseQuery accepts what is not one JSON value: %q", b)
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("ParseQuery returned an invalid query: %v", err)
		}
		m, err := q.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		q2, err := store.ParseQuery(m)
		if err != nil {
			t.Fatalf("ParseQuery(MarshalJSON(q)) = %v\n%s", err, m)
		}
		m2, err := q2.MarshalJSON()
		if err != nil || !bytes.Equal(m, m2) {
			t.Fatalf("MarshalJSON not stable: %s then %s (%v)", m, m2, err)
		}
		if q.String() != q2.String() || q.IsAll() != q2.IsAll() {
			t.Fatalf("round trip changed %s into %s", q, q2)
		}
		for _, it := range q.QueryItems() {
			e := store.Event{Type: "SomethingElse", Tags: it.Tags}
			if len(it.Types) > 0 {
				e.Type = it.Types[0]
			}
			if !q.Matches(&e) || !q2.Matches(&e) {
				t.Fatalf("an event made from item %+v does not match %s / %s", it, q, q2)
			}
		}
	})
}

// TestWriteFuzzSeeds writes the seed corpora from real store files. It
// runs only when OPOSSUM_WRITE_FUZZ_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("OPOSSUM_WRITE_FUZZ_SEEDS") != "1" {
		t.Skip("set OPOSSUM_WRITE_FUZZ_SEEDS=1 to regenerate testdata/fuzz seeds")
	}
	ctx := context.Background()
	write := func(target, name string, b []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Event files of every shape the store writes.
	dir := filepath.Join(t.TempDir(), "store")
	s, err := store.Open(dir, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2025, 3, 4, 5, 6, 7, 890123000, time.FixedZone("CET", 3600))
	batches := [][]store.Event{
		{{Type: "Minimal"}},
		{store.MustEvent("StudentRegistered", map[string]any{"name": "Ada", "email": "ada@example.org"},
			store.NewTag("studentId", "s-1"), store.NewTag("email", "ada@example.org"))},
		{
			{Type: "CourseDefined", Data: json.RawMessage(`{"id":"c-42","capacity":30,"tags":["a","b"],"nested":{"x":[1,2.5,null,true]}}`),
				Tags: []store.Tag{store.NewTag("courseId", "c-42")},
				Metadata: store.Metadata{Timestamp: ts, CorrelationID: "corr-1", CausationID: "cmd-7",
					Extra: map[string]string{"user": "trainer", "tenant": "t1"}}},
			{Type: "Schüler \"angemeldet\" 🎓", Data: json.RawMessage(`{"text":"line\nbreak \u00e9 \"quoted\" \\ </script>"}`),
				Tags: []store.Tag{store.NewTag("courseId", "c-42"), store.NewTag("weird key", "value:with:colons and spaces"), store.NewTag("e", "")}},
			{Type: "Z", Data: json.RawMessage(`{}`)},
		},
	}
	for _, b := range batches {
		if _, err := s.Append(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for p := store.Position(1); p <= head; p++ {
		b, err := os.ReadFile(eventPath(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		write("FuzzDecodeEventFile", fmt.Sprintf("event-%d", p), b)
		write("FuzzDecodeEventFile", fmt.Sprintf("event-%d-torn", p), b[:len(b)/2])
	}
	snap, err := os.ReadFile(filepath.Join(dir, "index", "snapshot.bin"))
	if err != nil {
		t.Fatal(err)
	}
	write("FuzzSnapshot", "snapshot-small", snap)

	// A larger snapshot: several types, shared and repeated tags.
	dir2 := filepath.Join(t.TempDir(), "store")
	s, err = store.Open(dir2, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		e := store.Event{Type: fmt.Sprintf("T%d", i%4), Tags: []store.Tag{store.NewTag("n", strconv.Itoa(i%7)), store.NewTag("all", "x")}}
		if i%5 == 0 {
			e.Tags = append(e.Tags, store.NewTag("n", strconv.Itoa(i%7)))
		}
		if _, err := s.Append(ctx, []store.Event{e}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snap, err = os.ReadFile(filepath.Join(dir2, "index", "snapshot.bin"))
	if err != nil {
		t.Fatal(err)
	}
	write("FuzzSnapshot", "snapshot-60", snap)

	// Queries as MarshalJSON writes them.
	for i, q := range []store.Query{
		store.All(),
		store.Types("StudentRegistered"),
		store.Types("A", "B", "C"),
		store.Tagged(store.NewTag("courseId", "c-42")),
		store.Tagged(store.NewTag("courseId", "c-42"), store.NewTag("studentId", "s-1")),
		store.TypesTagged([]string{"StudentSubscribedToCourse", "CourseCapacityChanged"}, store.NewTag("courseId", "c-42")),
		store.Items(store.QueryItem{Types: []string{"A"}}, store.QueryItem{Tags: []store.Tag{store.NewTag("k", "v:w")}}),
		store.Tagged(store.NewTag("ünï", "🎓 \"x\"")),
	} {
		b, err := q.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		write("FuzzParseQuery", fmt.Sprintf("query-%d", i), b)
	}
}
