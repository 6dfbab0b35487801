package store

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// idIndex finds the positions whose event id may be a given one, in about
// ten bytes per event: it keeps a 32-bit hash of each position's id, not
// the id, so a hit is a candidate that the caller confirms from the event
// file (FileStore.positionOfIDs). Two ids with the same hash are both
// candidates; a miss is certain.
//
// The hash of an id is idHash, fixed by the snapshot format (it is
// persisted): hashes[p-1] is the hash of the id at position p. slots is an
// open-addressing table with linear probing over the positions that fit in
// 32 bits; positions beyond (not reachable by a store of one file per
// event on today's file systems, but not excluded) are kept in far.
type idIndex struct {
	hashes []uint32
	slots  []uint32              // a position, or 0 for an empty slot
	used   int                   // occupied slots
	far    map[uint32][]Position // by hash, the positions beyond math.MaxUint32
}

// idHash returns the 32-bit hash of an event id the index and its
// snapshot use. It is a variable so that the specs can force two ids onto
// one hash (see export_ids_test.go); the store never changes it.
var idHash = hashEventID

// hashEventID mixes the two halves of the id with the finalizer of
// MurmurHash3 (fmix64) and keeps the high 32 bits. Every bit of the id
// affects the result, so ids that differ only in their random bits (or
// only in their time bits) spread evenly.
func hashEventID(id EventID) uint32 {
	h := binary.LittleEndian.Uint64(id[:8]) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(id[8:]), 29)*0x9e3779b97f4a7c15
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h >> 32)
}

// add records that position p, the one after the last added, has an id
// of hash h.
func (x *idIndex) add(p Position, h uint32) {
	x.hashes = append(x.hashes, h)
	x.place(p, h)
}

// place puts p into the table, growing it first when it is four-fifths
// full (by half, so the load stays between 2/3 and 4/5).
func (x *idIndex) place(p Position, h uint32) {
	if p > math.MaxUint32 {
		if x.far == nil {
			x.far = map[uint32][]Position{}
		}
		x.far[h] = append(x.far[h], p)
		return
	}
	if (x.used+1)*5 > len(x.slots)*4 {
		x.rehash(max(16, (x.used+1)*3/2))
	}
	n := uint32(len(x.slots))
	for i := x.home(h); ; i++ {
		if i == n {
			i = 0
		}
		if x.slots[i] == 0 {
			x.slots[i] = uint32(p)
			x.used++
			return
		}
	}
}

// home is the slot where the probe for hash h starts.
func (x *idIndex) home(h uint32) uint32 {
	return uint32(uint64(h) * uint64(len(x.slots)) >> 32)
}

// rehash rebuilds the table with size slots.
func (x *idIndex) rehash(size int) {
	old := x.slots
	x.slots, x.used = make([]uint32, size), 0
	for _, p := range old {
		if p != 0 {
			x.place(Position(p), x.hashes[p-1])
		}
	}
}

// build fills the table for hashes of positions 1..len(hashes), sized to
// be two-thirds full (used after decoding a snapshot).
func (x *idIndex) build() {
	x.slots, x.used, x.far = nil, 0, nil
	x.rehash(max(16, len(x.hashes)*3/2))
	for i, h := range x.hashes {
		x.place(Position(i+1), h)
	}
}

// candidates returns the positions whose id has the hash h, ascending.
func (x *idIndex) candidates(h uint32) []Position {
	var out []Position
	if n := uint32(len(x.slots)); n > 0 {
		for i := x.home(h); ; i++ {
			if i == n {
				i = 0
			}
			p := x.slots[i]
			if p == 0 {
				break
			}
			if x.hashes[p-1] == h {
				out = append(out, Position(p))
			}
		}
	}
	out = append(out, x.far[h]...)
	slices.Sort(out)
	return out
}

// positionsOfIDs returns the positions of those ids of events that the
// index covers, each confirmed from its event file, or an error reading a
// candidate's file. Should two event files carry one id (a store edited
// by hand), it gives the lower position. The caller holds syncMu, so the
// index does not change under it.
func (s *FileStore) positionsOfIDs(events []Event) (map[EventID]Position, error) {
	var stored map[EventID]Position
	for i := range events {
		id := events[i].ID
		s.mu.RLock()
		candidates := s.idx.ids.candidates(idHash(id))
		s.mu.RUnlock()
		for _, p := range candidates {
			e, _, err := s.readEvent(p)
			if err != nil {
				return nil, err
			}
			if e.ID == id {
				if stored == nil {
					stored = map[EventID]Position{}
				}
				stored[id] = p
				break
			}
		}
	}
	return stored, nil
}
