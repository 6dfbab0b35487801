package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// EventID identifies a stored event: a UUID (RFC 9562). Its zero value, the
// nil UUID, means "not set": Append gives every such event a new
// time-ordered id (NewEventID). An id the caller sets is kept, which is
// what makes a retry safe: appending again a batch whose ids are already
// stored, as that batch, returns the original positions (see
// EventStore.Append).
//
// EventID is comparable and can be a map key. It marshals to and from its
// text form, "0193a5c4-9b6e-7c1d-8f00-5e2a4b6c8d9e", in JSON and
// elsewhere.
type EventID [16]byte

// NewEventID returns a new UUID of version 7 (RFC 9562, section 5.7): the
// current Unix time in milliseconds in its first 48 bits, then random bits
// from crypto/rand. The ids one process generates are strictly increasing
// (compare them with Compare, or as strings): within a millisecond, and if
// the clock steps back, each one is the previous one plus one.
func NewEventID() EventID { return idGen.next(time.Now()) }

// ParseEventID parses the text form of a UUID: 32 hexadecimal digits in
// groups of 8-4-4-4-12 separated by hyphens, in either case. Any variant
// and version is accepted; the nil UUID parses to the zero EventID.
func ParseEventID(s string) (EventID, error) {
	var id EventID
	if err := id.UnmarshalText([]byte(s)); err != nil {
		return EventID{}, err
	}
	return id, nil
}

// IsZero reports whether id is the nil UUID, that is not set.
func (id EventID) IsZero() bool { return id == EventID{} }

// String returns the text form, lower case: 8-4-4-4-12 hexadecimal digits.
func (id EventID) String() string {
	var b [36]byte
	id.encode(b[:])
	return string(b[:])
}

func (id EventID) encode(b []byte) {
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], id[10:16])
}

// MarshalText implements encoding.TextMarshaler with the text form.
func (id EventID) MarshalText() ([]byte, error) {
	b := make([]byte, 36)
	id.encode(b)
	return b, nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what
// ParseEventID accepts.
func (id *EventID) UnmarshalText(b []byte) error {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return fmt.Errorf("%w: event id %q is not a UUID (8-4-4-4-12 hexadecimal digits)", ErrInvalidEvent, b)
	}
	var out EventID
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		if _, err := hex.Decode(out[j:j+1], b[i:i+2]); err != nil {
			return fmt.Errorf("%w: event id %q is not a UUID (8-4-4-4-12 hexadecimal digits)", ErrInvalidEvent, b)
		}
		j++
	}
	*id = out
	return nil
}

// Version returns the UUID version (the high four bits of byte 6): 7 for
// the ids the store generates, 8 for the ids of events stored without one
// (see the package documentation, "Event ids").
func (id EventID) Version() int { return int(id[6] >> 4) }

// Time returns the time a version-7 id carries, to the millisecond, in UTC;
// the zero time for other versions.
func (id EventID) Time() time.Time {
	if id.Version() != 7 {
		return time.Time{}
	}
	var b [8]byte
	copy(b[2:], id[:6])
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b[:]))).UTC()
}

// Compare returns -1, 0 or +1 as id sorts before, equal to or after o,
// byte by byte (the order of the text forms).
func (id EventID) Compare(o EventID) int { return bytes.Compare(id[:], o[:]) }

// legacyIDPrefix starts the id of an event stored without one: "opossu".
var legacyIDPrefix = [6]byte{'o', 'p', 'o', 's', 's', 'u'}

// legacyEventID is the id an event file without one reports: a UUID of
// version 8 (custom, RFC 9562 section 5.8) that holds the text "opossu"
// and the event's position, so it is the same at every read, unique within
// the store, and shows the position in its last 16 digits:
// 6f706f73-7375-8000-8000-00000000002a is position 42.
func legacyEventID(p Position) EventID {
	var id EventID
	copy(id[:6], legacyIDPrefix[:])
	id[6] = 0x80
	binary.BigEndian.PutUint64(id[8:], uint64(p)&(1<<62-1))
	id[8] |= 0x80
	return id
}

// idGenerator makes UUIDv7 ids that increase strictly within the process.
type idGenerator struct {
	mu   sync.Mutex
	last EventID
}

var idGen idGenerator

// next returns a version-7 id for now, greater than every id it returned
// before: when the fresh id does not sort after the last one (same
// millisecond, or a clock that stepped back), it is the last one plus one
// in its 74 counter bits (rand_a and rand_b, RFC 9562 section 6.2,
// method 2), carrying into the time field on overflow.
func (g *idGenerator) next(now time.Time) EventID {
	var id EventID
	if _, err := rand.Read(id[6:]); err != nil {
		// crypto/rand.Read never fails on the systems Go supports.
		panic(fmt.Sprintf("store: read random bits: %v", err))
	}
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(max(now.UnixMilli(), 0)))
	copy(id[:6], ms[2:])
	id.setV7()
	g.mu.Lock()
	defer g.mu.Unlock()
	if id.Compare(g.last) <= 0 {
		id = g.last.successor()
	}
	g.last = id
	return id
}

// setV7 sets the version (7) and variant (binary 10) bits.
func (id *EventID) setV7() {
	id[6] = id[6]&0x0f | 0x70
	id[8] = id[8]&0x3f | 0x80
}

// successor returns the next version-7 id: id plus one, skipping the
// version and variant bits.
func (id EventID) successor() EventID {
	out := id
	for i := 15; i >= 0; i-- {
		switch i {
		case 8: // two variant bits, six counter bits
			if out[8]&0x3f != 0x3f {
				out[8]++
				return out
			}
			out[8] &^= 0x3f
			continue
		case 6: // four version bits, four counter bits
			if out[6]&0x0f != 0x0f {
				out[6]++
				return out
			}
			out[6] &^= 0x0f
			continue
		}
		out[i]++
		if out[i] != 0 {
			return out
		}
	}
	return out
}
