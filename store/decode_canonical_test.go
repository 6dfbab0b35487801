package store_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("Decoding event files", func() {
	// Strings that exercise the canonical decoder's limits: escapes,
	// HTML characters json.Marshal escapes, control characters, line
	// separators, multi-byte UTF-8, braces and quotes inside data.
	pieces := []string{"a", "Z", "é", "日本", "🦫", " ", ":", "{", "}", "[", "]", `"`, `\`, "<", ">", "&", "\n", "\t", "\u2028", "\x01", "/"}
	randString := func(r *rand.Rand, min int) string {
		var b strings.Builder
		for range min + r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	randEvent := func(r *rand.Rand) store.Event {
		e := store.Event{ID: store.NewEventID(), Type: "T" + randString(r, 0)}
		for range r.IntN(4) {
			e.Tags = append(e.Tags, store.NewTag("k"+randString(r, 0), randString(r, 0)))
		}
		data := map[string]any{"s": randString(r, 0), "n": r.IntN(1000), "nested": map[string]any{"l": []any{randString(r, 0), 1.5, nil, true}}}
		e.Data, _ = json.Marshal(data)
		loc := []*time.Location{time.UTC, time.FixedZone("x", 5400)}[r.IntN(2)]
		e.Metadata.Timestamp = time.Unix(r.Int64N(4e9), r.Int64N(1e9)*int64(r.IntN(2))).In(loc)
		if r.IntN(2) == 0 {
			e.Metadata.CorrelationID = randString(r, 0)
		}
		if r.IntN(2) == 0 {
			e.Metadata.CausationID = randString(r, 1)
		}
		if r.IntN(4) == 0 {
			e.Metadata.Extra = map[string]string{"user": randString(r, 0)}
		}
		return e
	}

	It("decodes every file the store writes exactly as encoding/json does, and takes the fast path for plain ones", func() {
		seed := GinkgoRandomSeed()
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		canonical := 0
		for i := range 2000 {
			e := randEvent(r)
			p := store.Position(1 + r.IntN(1e6))
			b := store.EncodeEventFile(p, e, p, p+store.Position(r.IntN(3)))
			fast, slow, ok, err := store.DecodeEventFileBothWays(b)
			Expect(err).NotTo(HaveOccurred(), "file %d (seed %d):\n%s", i, seed, b)
			if ok {
				canonical++
				Expect(fast.Metadata.Timestamp.Equal(slow.Metadata.Timestamp)).To(BeTrue())
				Expect(fast.Metadata.Timestamp.Location().String()).To(Equal(slow.Metadata.Timestamp.Location().String()))
				fast.Metadata.Timestamp, slow.Metadata.Timestamp = time.Time{}, time.Time{}
				Expect(fast).To(Equal(slow), "file %d (seed %d):\n%s", i, seed, b)
			}
		}
		// Plain files (no escapes, no Extra) are common in this mix.
		Expect(canonical).To(BeNumerically(">", 20))
	})

	It("renders every string and metadata as encoding/json's Marshal does", func() {
		seed := GinkgoRandomSeed()
		r := rand.New(rand.NewPCG(uint64(seed), 2))
		for range 2000 {
			s := randString(r, 0)
			want, err := json.Marshal(s)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(store.EncodeJSONString(s))).To(Equal(string(want)), "%q (seed %d)", s, seed)
			m := randEvent(r).Metadata
			want, err = json.Marshal(m)
			Expect(err).NotTo(HaveOccurred())
			got, err := store.EncodeMetadata(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal(string(want)), "%+v (seed %d)", m, seed)
		}
		for _, s := range []string{"", "\x7f", "\xff", "a\x00b", "\u2029", "~ok~"} {
			want, _ := json.Marshal(s)
			Expect(string(store.EncodeJSONString(s))).To(Equal(string(want)), "%q", s)
		}
		for _, ts := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)} {
			m := store.Metadata{Timestamp: ts, CausationID: "c"}
			want, _ := json.Marshal(m)
			got, err := store.EncodeMetadata(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal(string(want)))
		}
		_, err := store.EncodeMetadata(store.Metadata{Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		Expect(err).To(HaveOccurred(), "a year Marshal refuses is refused")
	})

	It("takes the fast path for a typical event and falls back for a file edited by hand", func() {
		e := store.Event{ID: store.NewEventID(), Type: "StudentRegistered", Data: []byte(`{"name":"Ada"}`), Tags: []store.Tag{store.NewTag("studentId", "s-1")},
			Metadata: store.Metadata{Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), CorrelationID: "c"}}
		b := store.EncodeEventFile(7, e, 7, 7)
		fast, slow, ok, err := store.DecodeEventFileBothWays(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue(), "the canonical decoder refused:\n%s", b)
		Expect(fast).To(Equal(slow))

		edited := []byte(strings.Replace(string(b), `"type": `, `"type":   `, 1))
		_, _, ok, err = store.DecodeEventFileBothWays(edited)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		got, err := store.DecodeEventFile(edited)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Type).To(Equal("StudentRegistered"))
	})

	It("refuses damaged files on both paths", func() {
		e := store.Event{ID: store.NewEventID(), Type: "A", Data: []byte(`{"x":"}"}`), Metadata: store.Metadata{Timestamp: time.Unix(1, 0).UTC()}}
		b := string(store.EncodeEventFile(1, e, 1, 1))
		for _, bad := range []string{
			strings.Replace(b, e.ID.String(), "00000000-0000-0000-0000-000000000000", 1),
			strings.Replace(b, e.ID.String(), "not-a-uuid", 1),
			strings.Replace(b, e.ID.String(), e.ID.String()[:35]+"g", 1),
			strings.Replace(b, `{"x":"}"}`, `{"x":}`, 1),
			strings.Replace(b, `"timestamp":"`, `"timestamp":"x`, 1),
			b[:len(b)-3],
			strings.Replace(b, `"position": 1`, `"position": 01`, 1),
		} {
			_, err := store.DecodeEventFile([]byte(bad))
			Expect(err).To(HaveOccurred(), fmt.Sprintf("accepted:\n%s", bad))
		}
	})
})

var _ = Describe("Event file paths", func() {
	It("are what filepath.Join and %012d made them, for every shard width and folder spelling", func() {
		for _, dir := range []string{"/tmp/s", "/tmp/s/", "rel/./s", "", "a/../b"} {
			for _, p := range []store.Position{1, 9999, 10000, 123456789, 999999999999, 1000000000000, 1<<62 + 7} {
				Expect(store.EventPath(dir, p)).To(Equal(store.EventPathOldWay(dir, p)), "dir %q position %d", dir, p)
			}
		}
	})
})
