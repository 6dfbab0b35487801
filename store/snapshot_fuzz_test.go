package store

import (
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"slices"
	"testing"
)

// FuzzSnapshot: decodeSnapshot never panics (nor exhausts memory), and an
// index it accepts is consistent: every position 1..head in exactly one
// type list, type names unique, every posting list strictly increasing
// within 1..head; encoding it again gives the same index. The input's
// last four bytes are replaced by its checksum, so the fuzzer explores the
// decoder behind the checksum: a damaged snapshot is one thing (rebuilt,
// logged), an accepted inconsistent one would silently answer queries
// wrongly. Seeds: testdata/fuzz/FuzzSnapshot holds snapshots written by
// real stores (see TestWriteFuzzSeeds).
func FuzzSnapshot(f *testing.F) {
	f.Add(newIndex().encodeSnapshot())
	x := newIndex()
	x.add(1, &Event{ID: NewEventID(), Type: "A", Tags: []Tag{{Key: "k", Value: "v"}}})
	x.add(2, &Event{ID: NewEventID(), Type: "B"})
	x.add(3, &Event{ID: legacyEventID(3), Type: "A", Tags: []Tag{{Key: "k", Value: "v"}, {Key: "k", Value: "w"}}})
	f.Add(x.encodeSnapshot())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeSnapshot(b) // as found on disk
		if len(b) < 4 {
			return
		}
		b = append([]byte(nil), b...)
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		x, err := decodeSnapshot(b)
		if err != nil {
			return
		}
		checkIndex(t, x)
		if x.oldSnapshot() {
			return // version 1: Open rebuilds it; it is never written again
		}
		y, err := decodeSnapshot(x.encodeSnapshot())
		if err != nil {
			t.Fatalf("an accepted snapshot does not encode back: %v", err)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("encoding changed the index:\n%+v\n%+v", x, y)
		}
	})
}

func checkIndex(t *testing.T, x *index) {
	t.Helper()
	if uint64(x.typeOf.len()) != uint64(x.head) || len(x.types) != len(x.typeName) || len(x.typeID) != len(x.typeName) {
		t.Fatalf("sizes: head %d, typeOf %d, types %d, names %d, ids %d", x.head, x.typeOf.len(), len(x.types), len(x.typeName), len(x.typeID))
	}
	seen := make([]bool, x.head)
	for id, name := range x.typeName {
		if x.typeID[name] != uint32(id) {
			t.Fatalf("type %q has id %d and %d", name, id, x.typeID[name])
		}
		checkList(t, "type "+name, x.types[id], x.head)
		for _, p := range x.types[id] {
			if seen[p-1] {
				t.Fatalf("position %d is in two type lists", p)
			}
			seen[p-1] = true
			if x.typeOf.at(int(p-1)) != uint32(id) {
				t.Fatalf("position %d: typeOf says %d, list %d", p, x.typeOf.at(int(p-1)), id)
			}
		}
	}
	for p, ok := range seen {
		if !ok {
			t.Fatalf("position %d has no type", p+1)
		}
	}
	for tag, l := range x.tags {
		checkList(t, "tag "+tag.String(), l, x.head)
	}
	if x.oldSnapshot() {
		return
	}
	if uint64(len(x.ids.hashes)) != uint64(x.head) {
		t.Fatalf("%d id hashes for %d positions", len(x.ids.hashes), x.head)
	}
	for i, h := range x.ids.hashes {
		if p := Position(i + 1); !slices.Contains(x.ids.candidates(h), p) {
			t.Fatalf("position %d is not a candidate for its id hash %#x", p, h)
		}
	}
}

func checkList(t *testing.T, what string, l []Position, head Position) {
	t.Helper()
	var prev Position
	for _, p := range l {
		if p <= prev || p > head {
			t.Fatalf("%s: list %v is not strictly increasing within 1..%d", what, l, head)
		}
		prev = p
	}
}
