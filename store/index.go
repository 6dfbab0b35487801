package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"sort"
)

// index is the in-memory index of a file store: posting lists of positions
// per type and per tag, the type of every position, and the position of
// every event id. It is derived data: rebuilt from the event files
// whenever its snapshot is missing or bad.
//
// Posting lists only grow at their end, and an appended element is never
// changed, so a reader may keep a slice taken under the read lock and use it
// after unlocking.
type index struct {
	head     Position
	typeOf   []uint32 // typeOf[p-1] is the type id of position p
	typeName []string
	typeID   map[string]uint32
	types    [][]Position // by type id
	tags     map[Tag][]Position
	ids      map[EventID]Position
}

func newIndex() *index {
	return &index{typeID: map[string]uint32{}, tags: map[Tag][]Position{}, ids: map[EventID]Position{}}
}

// add indexes the event e at position head+1. Should two event files
// carry the same id (a store edited by hand), the first keeps it.
func (x *index) add(p Position, e *Event) {
	if p != x.head+1 {
		panic(fmt.Sprintf("store: index out of order: adding %d after %d", p, x.head))
	}
	typ, tags := e.Type, e.Tags
	if _, dup := x.ids[e.ID]; !dup {
		x.ids[e.ID] = p
	}
	id, ok := x.typeID[typ]
	if !ok {
		id = uint32(len(x.typeName))
		x.typeID[typ] = id
		x.typeName = append(x.typeName, typ)
		x.types = append(x.types, nil)
	}
	x.typeOf = append(x.typeOf, id)
	x.types[id] = append(x.types[id], p)
	for i, t := range tags {
		if slices.Contains(tags[:i], t) {
			continue // a repeated tag is indexed once
		}
		x.tags[t] = append(x.tags[t], p)
	}
	x.head = p
}

// plan resolves q against the index into the posting lists it needs. It
// must run under the read lock; the returned plan is then safe to use.
type plan struct {
	head  Position
	all   bool
	items []itemPlan
	// typeOf is shared, read-only up to head.
	typeOf []uint32
}

type itemPlan struct {
	empty   bool         // the item can match nothing
	typeSet []uint32     // allowed type ids; nil = any
	typeLst [][]Position // type posting lists, when the item has no tags
	tagLst  [][]Position // tag posting lists (AND)
}

func (x *index) plan(q Query) plan {
	pl := plan{head: x.head, all: q.all, typeOf: x.typeOf[:x.head:x.head]}
	for _, it := range q.items {
		var ip itemPlan
		if len(it.Types) > 0 {
			for _, t := range it.Types {
				if id, ok := x.typeID[t]; ok && !slices.Contains(ip.typeSet, id) {
					ip.typeSet = append(ip.typeSet, id)
					if len(it.Tags) == 0 {
						ip.typeLst = append(ip.typeLst, x.types[id])
					}
				}
			}
			if len(ip.typeSet) == 0 {
				ip.empty = true
			}
		}
		for _, t := range it.Tags {
			l, ok := x.tags[t]
			if !ok {
				ip.empty = true
				break
			}
			ip.tagLst = append(ip.tagLst, l)
		}
		if !ip.empty {
			pl.items = append(pl.items, ip)
		}
	}
	return pl
}

// bound returns the part of a sorted list within (after, head].
func bound(l []Position, after, head Position) []Position {
	lo := sort.Search(len(l), func(i int) bool { return l[i] > after })
	hi := sort.Search(len(l), func(i int) bool { return l[i] > head })
	if lo > hi {
		return nil
	}
	return l[lo:hi]
}

func (ip *itemPlan) typeOK(typeOf []uint32, p Position) bool {
	if ip.typeSet == nil {
		return true
	}
	return slices.Contains(ip.typeSet, typeOf[p-1])
}

// positions returns the item's matches within (after, head], ascending.
func (ip *itemPlan) positions(pl *plan, after Position) []Position {
	if len(ip.tagLst) == 0 {
		if len(ip.typeLst) == 1 {
			return bound(ip.typeLst[0], after, pl.head)
		}
		lists := make([][]Position, 0, len(ip.typeLst))
		for _, l := range ip.typeLst {
			if b := bound(l, after, pl.head); len(b) > 0 {
				lists = append(lists, b)
			}
		}
		return mergeUnion(lists)
	}
	lists := make([][]Position, len(ip.tagLst))
	for i, l := range ip.tagLst {
		lists[i] = bound(l, after, pl.head)
		if len(lists[i]) == 0 {
			return nil
		}
	}
	slices.SortFunc(lists, func(a, b []Position) int { return len(a) - len(b) })
	var out []Position
	for _, p := range lists[0] {
		if !ip.typeOK(pl.typeOf, p) {
			continue
		}
		if containsAll(lists[1:], p) {
			out = append(out, p)
		}
	}
	return out
}

// last returns the item's highest match at or below head, or 0.
func (ip *itemPlan) last(pl *plan) Position {
	if len(ip.tagLst) == 0 {
		var best Position
		for _, l := range ip.typeLst {
			b := bound(l, 0, pl.head)
			if n := len(b); n > 0 && b[n-1] > best {
				best = b[n-1]
			}
		}
		return best
	}
	lists := make([][]Position, len(ip.tagLst))
	for i, l := range ip.tagLst {
		lists[i] = bound(l, 0, pl.head)
	}
	slices.SortFunc(lists, func(a, b []Position) int { return len(a) - len(b) })
	for i := len(lists[0]) - 1; i >= 0; i-- {
		p := lists[0][i]
		if ip.typeOK(pl.typeOf, p) && containsAll(lists[1:], p) {
			return p
		}
	}
	return 0
}

func containsAll(lists [][]Position, p Position) bool {
	for _, l := range lists {
		if _, ok := slices.BinarySearch(l, p); !ok {
			return false
		}
	}
	return true
}

// mergeUnion merges sorted lists into one sorted list without duplicates.
func mergeUnion(lists [][]Position) []Position {
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]Position, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// matches returns every match of the plan within (after, head], ascending.
// For All it returns nil and ok=false: the caller iterates the range.
func (pl *plan) matches(after Position) []Position {
	lists := make([][]Position, 0, len(pl.items))
	for i := range pl.items {
		if l := pl.items[i].positions(pl, after); len(l) > 0 {
			lists = append(lists, l)
		}
	}
	return mergeUnion(lists)
}

// last returns the highest matching position, or 0.
func (pl *plan) last() Position {
	if pl.all {
		return pl.head
	}
	var best Position
	for i := range pl.items {
		if p := pl.items[i].last(pl); p > best {
			best = p
		}
	}
	return best
}

// Snapshot format (derived data, binary, little endian):
//
//	"OPOSSUMIDX" version(u8) head(uvarint)
//	ntypes(uvarint) { name(uvarint len + bytes) count(uvarint) deltas(uvarint...) }
//	ntags(uvarint) { key value count deltas }
//	ids: head × 16 bytes, the id of each position from 1 up   (version 2)
//	crc32 (IEEE, 4 bytes) of everything before it
//
// A snapshot of version 1 (no ids) decodes with nil ids (oldSnapshot): Open
// does not load it but rebuilds the index from the event files once, and
// writes it again as version 2; Verify still compares its posting lists.
const snapshotMagic = "OPOSSUMIDX"

const snapshotVersion = 2

func (x *index) encodeSnapshot() []byte {
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	buf.WriteByte(snapshotVersion)
	var tmp [binary.MaxVarintLen64]byte
	uv := func(v uint64) { buf.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	str := func(s string) { uv(uint64(len(s))); buf.WriteString(s) }
	list := func(l []Position) {
		uv(uint64(len(l)))
		var prev Position
		for _, p := range l {
			uv(uint64(p - prev))
			prev = p
		}
	}
	uv(uint64(x.head))
	uv(uint64(len(x.typeName)))
	for id, name := range x.typeName {
		str(name)
		list(x.types[id])
	}
	uv(uint64(len(x.tags)))
	keys := make([]Tag, 0, len(x.tags))
	for t := range x.tags {
		keys = append(keys, t)
	}
	slices.SortFunc(keys, func(a, b Tag) int {
		if a.Key != b.Key {
			if a.Key < b.Key {
				return -1
			}
			return 1
		}
		if a.Value < b.Value {
			return -1
		} else if a.Value > b.Value {
			return 1
		}
		return 0
	})
	for _, t := range keys {
		str(t.Key)
		str(t.Value)
		list(x.tags[t])
	}
	byPos := make([]EventID, x.head)
	for id, p := range x.ids {
		if p >= 1 && p <= x.head {
			byPos[p-1] = id
		}
	}
	for i := range byPos {
		buf.Write(byPos[i][:])
	}
	binary.LittleEndian.PutUint32(tmp[:4], crc32.ChecksumIEEE(buf.Bytes()))
	buf.Write(tmp[:4])
	return buf.Bytes()
}

var errBadSnapshot = errors.New("bad index snapshot")

// oldSnapshot reports whether x was decoded from a snapshot of version 1,
// which has no ids.
func (x *index) oldSnapshot() bool { return x.ids == nil }

func decodeSnapshot(b []byte) (*index, error) {
	if len(b) < len(snapshotMagic)+5 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, fmt.Errorf("%w: no header", errBadSnapshot)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", errBadSnapshot)
	}
	version := body[len(snapshotMagic)]
	if version != snapshotVersion && version != 1 {
		return nil, fmt.Errorf("%w: version %d", errBadSnapshot, version)
	}
	r := bufio.NewReader(bytes.NewReader(body[len(snapshotMagic)+1:]))
	var err error
	uv := func() uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		v, err = binary.ReadUvarint(r)
		return v
	}
	str := func() string {
		n := uv()
		if err != nil || n > uint64(len(b)) {
			err = errors.Join(err, io.ErrUnexpectedEOF)
			return ""
		}
		s := make([]byte, n)
		_, err = io.ReadFull(r, s)
		return string(s)
	}
	list := func(head Position) []Position {
		n := uv()
		if err != nil || n > uint64(head) {
			err = errors.Join(err, fmt.Errorf("list of %d entries", n))
			return nil
		}
		l := make([]Position, n)
		var prev Position
		for i := range l {
			d := uv()
			if (d == 0 || d > uint64(head)) && err == nil {
				// d > head would also wrap prev around and hide a
				// decreasing list from the check below.
				err = fmt.Errorf("non-increasing list")
			}
			prev += Position(d)
			l[i] = prev
			if prev > head && err == nil {
				err = fmt.Errorf("position %d beyond head %d", prev, head)
			}
		}
		return l
	}
	x := newIndex()
	x.head = Position(uv())
	// Every position takes at least one byte in a type list, so a head
	// beyond the snapshot's size is damage, not a reason to allocate
	// (without this bound a few damaged bytes could ask for terabytes).
	if err == nil && uint64(x.head) > uint64(len(b)) {
		err = fmt.Errorf("implausible head %d for %d bytes", x.head, len(b))
	}
	nt := uv()
	if err == nil && nt > uint64(x.head)+1 {
		err = fmt.Errorf("implausible type count %d", nt)
	}
	// Every position must be in exactly one type list: mark them all
	// unassigned, and refuse a position listed twice.
	const unassigned = ^uint32(0)
	if err == nil {
		x.typeOf = make([]uint32, x.head)
		for i := range x.typeOf {
			x.typeOf[i] = unassigned
		}
	}
	var seen Position
	for i := uint64(0); i < nt && err == nil; i++ {
		name := str()
		l := list(x.head)
		if err != nil {
			break
		}
		if _, dup := x.typeID[name]; dup {
			err = fmt.Errorf("type %q listed twice", name)
			break
		}
		id := uint32(len(x.typeName))
		x.typeID[name] = id
		x.typeName = append(x.typeName, name)
		x.types = append(x.types, l)
		for _, p := range l {
			if x.typeOf[p-1] != unassigned {
				err = fmt.Errorf("position %d in two type lists", p)
				break
			}
			x.typeOf[p-1] = id
		}
		seen += Position(len(l))
	}
	if err == nil && seen != x.head {
		err = fmt.Errorf("type lists cover %d of %d positions", seen, x.head)
	}
	ng := uv()
	for i := uint64(0); i < ng && err == nil; i++ {
		k, v := str(), str()
		l := list(x.head)
		if _, dup := x.tags[Tag{Key: k, Value: v}]; dup && err == nil {
			err = fmt.Errorf("tag %s:%s listed twice", k, v)
		}
		if err == nil {
			x.tags[Tag{Key: k, Value: v}] = l
		}
	}
	if err == nil && version == 1 {
		x.ids = nil // no ids: see oldSnapshot
	} else if err == nil {
		err = decodeSnapshotIDs(r, x)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSnapshot, err)
	}
	return x, nil
}

// decodeSnapshotIDs reads the id of every position up to x.head, and
// checks that nothing follows them.
func decodeSnapshotIDs(r *bufio.Reader, x *index) error {
	rest, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if uint64(len(rest)) != uint64(x.head)*16 {
		return fmt.Errorf("%d bytes of ids for %d positions", len(rest), x.head)
	}
	x.ids = make(map[EventID]Position, x.head)
	for p := Position(1); p <= x.head; p++ {
		id := EventID(rest[(p-1)*16 : p*16])
		if id.IsZero() {
			return fmt.Errorf("position %d has no id", p)
		}
		x.ids[id] = p
		if Position(len(x.ids)) != p {
			return fmt.Errorf("id %s occurs twice, again at position %d", id, p)
		}
	}
	return nil
}
