package store

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// index is the in-memory index of a file store: posting lists of positions
// per type and per tag, the type of every position, and a hash of every
// event id (idIndex). It is derived data: rebuilt from the event files
// whenever its snapshot is missing or bad.
//
// Posting lists only grow at their end, and an appended element is never
// changed, so a reader may keep a slice taken under the read lock and use it
// after unlocking.
type index struct {
	head     Position
	typeOf   typeTable // typeOf.at(p-1) is the type id of position p
	typeName []string
	typeID   map[string]uint32
	types    [][]Position // by type id
	tags     map[Tag][]Position
	ids      idIndex
	// noIDs marks an index decoded from a snapshot of version 1, which
	// has no ids (see oldSnapshot).
	noIDs bool
}

func newIndex() *index {
	return &index{typeID: map[string]uint32{}, tags: map[Tag][]Position{}}
}

// add indexes the event e at position head+1. Should two event files
// carry the same id (a store edited by hand), both are candidates for it
// and positionsOfIDs gives the first.
func (x *index) add(p Position, e *Event) {
	if p != x.head+1 {
		panic(fmt.Sprintf("store: index out of order: adding %d after %d", p, x.head))
	}
	typ, tags := e.Type, e.Tags
	x.ids.add(p, idHash(e.ID))
	id, ok := x.typeID[typ]
	if !ok {
		id = uint32(len(x.typeName))
		x.typeID[typ] = id
		x.typeName = append(x.typeName, typ)
		x.types = append(x.types, nil)
	}
	x.typeOf.append(id)
	x.types[id] = appendPosting(x.types[id], p)
	for i, t := range tags {
		if slices.Contains(tags[:i], t) {
			continue // a repeated tag is indexed once
		}
		x.tags[t] = appendPosting(x.tags[t], p)
	}
	x.head = p
}

// appendPosting appends p to a posting list, growing a full list by a
// quarter, and by two positions (16 bytes, the step of the allocator's
// small size classes) while that is more: append doubles small slices,
// and most tags name one entity and have a few events, so a doubled list
// would hold up to twice the room they need. The old array is left as it
// was, for readers that hold it.
func appendPosting(l []Position, p Position) []Position {
	if len(l) == cap(l) {
		grown := make([]Position, len(l), len(l)+max(2, len(l)/4))
		copy(grown, l)
		l = grown
	}
	return append(l, p)
}

// plan resolves q against the index into the posting lists it needs. It
// must run under the read lock; the returned plan is then safe to use.
type plan struct {
	head  Position
	all   bool
	items []itemPlan
	// typeOf is shared, read-only up to head.
	typeOf typeTable
}

type itemPlan struct {
	empty   bool         // the item can match nothing
	typeSet []uint32     // allowed type ids; nil = any
	typeLst [][]Position // type posting lists, when the item has no tags
	tagLst  [][]Position // tag posting lists (AND)
}

func (x *index) plan(q Query) plan {
	pl := plan{head: x.head, all: q.all, typeOf: x.typeOf.upTo(int(x.head))}
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

func (ip *itemPlan) typeOK(typeOf typeTable, p Position) bool {
	if ip.typeSet == nil {
		return true
	}
	return slices.Contains(ip.typeSet, typeOf.at(int(p-1)))
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

// typeTable holds the type id of every position: one byte each while the
// store has at most 256 types, four bytes once it has more. Like the
// posting lists it only grows at its end, and widening copies it, so a
// reader may keep a table taken under the read lock.
type typeTable struct {
	narrow []uint8
	wide   []uint32 // used instead of narrow once a type id exceeds 255
}

// at returns the type id at index i.
func (t typeTable) at(i int) uint32 {
	if t.wide != nil {
		return t.wide[i]
	}
	return uint32(t.narrow[i])
}

func (t typeTable) len() int { return len(t.narrow) + len(t.wide) }

// upTo returns the table of the first n entries, whose appends cannot
// reach the returned one.
func (t typeTable) upTo(n int) typeTable {
	if t.wide != nil {
		return typeTable{wide: t.wide[:n:n]}
	}
	return typeTable{narrow: t.narrow[:n:n]}
}

// append adds the type id of the next position.
func (t *typeTable) append(id uint32) {
	if t.wide == nil && id > math.MaxUint8 {
		t.wide = make([]uint32, len(t.narrow), max(cap(t.narrow), len(t.narrow)+1))
		for i, v := range t.narrow {
			t.wide[i] = uint32(v)
		}
		t.narrow = nil
	}
	if t.wide != nil {
		t.wide = append(t.wide, id)
		return
	}
	t.narrow = append(t.narrow, uint8(id))
}

// typeTableOf returns the table holding ids, narrow when every id fits.
func typeTableOf(ids []uint32) typeTable {
	if slices.ContainsFunc(ids, func(id uint32) bool { return id > math.MaxUint8 }) {
		return typeTable{wide: ids}
	}
	narrow := make([]uint8, len(ids))
	for i, id := range ids {
		narrow[i] = uint8(id)
	}
	return typeTable{narrow: narrow}
}
