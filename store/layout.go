package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// FormatVersion is the on-disk format this package writes. It reads every
// version up to and including this one. Version 2 added the event id; a
// read-write Open of a version-1 store moves its manifest to version 2
// (see docs/file-format.md).
const FormatVersion = 2

// ShardSize is the number of event files per shard folder.
const ShardSize = 10000

const (
	manifestName = "opossum.json"
	lockName     = ".lock"
	openName     = ".open"
	headName     = "head"
	eventsDir    = "events"
	indexDir     = "index"
	snapshotName = "snapshot.bin"
	// snapshotLockName is the lock of snapshot writers, in index/.
	snapshotLockName = ".snapshot.lock"
)

// layout computes the paths of a store folder.
type layout struct{ dir string }

func (l layout) manifest() string { return filepath.Join(l.dir, manifestName) }
func (l layout) lock() string     { return filepath.Join(l.dir, lockName) }
func (l layout) head() string     { return filepath.Join(l.dir, headName) }
func (l layout) events() string   { return filepath.Join(l.dir, eventsDir) }
func (l layout) packs() string    { return filepath.Join(l.dir, packsDir) }
func (l layout) index() string    { return filepath.Join(l.dir, indexDir) }
func (l layout) snapshot() string { return filepath.Join(l.dir, indexDir, snapshotName) }
func (l layout) open() string     { return filepath.Join(l.dir, openName) }

// parent is the folder that holds the store folder's own name.
func (l layout) parent() string { return filepath.Dir(filepath.Clean(l.dir)) }

// snapshotAt is the index snapshot written at tag epoch e (see epoch.go):
// snapshot.bin for epoch 0, snapshot.<e>.bin after tags were added.
func (l layout) snapshotAt(e uint64) string {
	if e == 0 {
		return l.snapshot()
	}
	return filepath.Join(l.dir, indexDir, fmt.Sprintf("snapshot.%d.bin", e))
}

func shardOf(p Position) uint64 { return uint64(p) / ShardSize }

func (l layout) shard(s uint64) string {
	return filepath.Join(l.dir, eventsDir, fmt.Sprintf("%06d", s))
}

// event returns the path of the event file at p; it equals
// filepath.Join(l.shard(shardOf(p)), fmt.Sprintf("%012d.json", p)). Every
// event read computes one, so it appends digits rather than going through
// fmt and cleaning the whole path three times.
func (l layout) event(p Position) string {
	base := l.events()
	b := make([]byte, 0, len(base)+32)
	b = append(b, base...)
	b = append(b, filepath.Separator)
	b = appendPadded(b, shardOf(p), 6)
	b = append(b, filepath.Separator)
	return string(appendEventName(b, p))
}

// eventName is the name of the event file at p in its shard folder.
func eventName(p Position) string { return string(appendEventName(make([]byte, 0, 17), p)) }

func appendEventName(b []byte, p Position) []byte {
	b = appendPadded(b, uint64(p), 12)
	return append(b, ".json"...)
}

// appendPadded appends n in decimal, left-padded with zeros to width, as
// fmt's %0*d does.
func appendPadded(b []byte, n uint64, width int) []byte {
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// parseEventName returns the position of an event file name.
func parseEventName(name string) (Position, bool) {
	if len(name) != 17 || filepath.Ext(name) != ".json" {
		return 0, false
	}
	n, err := strconv.ParseUint(name[:12], 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return Position(n), true
}

// manifest is the self-description of a store folder.
type manifest struct {
	Format    int       `json:"format"`
	CreatedAt time.Time `json:"createdAt"`
	ShardSize int       `json:"shardSize"`
}

// batchRange records the batch an event was appended with. Recovery treats
// a batch whose files are not all present and whole as never written.
type batchRange struct {
	First Position `json:"first"`
	Last  Position `json:"last"`
}

// eventFile is the JSON document of one event file.
type eventFile struct {
	Position Position        `json:"position"`
	ID       EventID         `json:"id"`
	Type     string          `json:"type"`
	Tags     []Tag           `json:"tags"`
	Data     json.RawMessage `json:"data"`
	Metadata Metadata        `json:"metadata"`
	Batch    batchRange      `json:"batch"`
}

// encodeEvent renders an event file: one field per line, data on one line,
// so that `cat` shows it at a glance. Every JSON value in it is what
// encoding/json's Marshal makes of it (appendJSONString, appendMetadata).
func encodeEvent(buf *bytes.Buffer, p Position, e *Event, b batchRange) error {
	out := buf.AvailableBuffer()
	out = append(out, "{\n  \"position\": "...)
	out = strconv.AppendUint(out, uint64(p), 10)
	out = append(out, ",\n  \"id\": \""...)
	var id [36]byte
	e.ID.encode(id[:])
	out = append(out, id[:]...)
	out = append(out, "\",\n  \"type\": "...)
	out = appendJSONString(out, e.Type)
	out = append(out, ",\n  \"tags\": ["...)
	for i, t := range e.Tags {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, "\n    {\"key\":"...)
		out = appendJSONString(out, t.Key)
		out = append(out, ",\"value\":"...)
		out = appendJSONString(out, t.Value)
		out = append(out, '}')
	}
	if len(e.Tags) > 0 {
		out = append(out, "\n  "...)
	}
	out = append(out, "],\n  \"data\": "...)
	out = append(out, e.Data...)
	out = append(out, ",\n  \"metadata\": "...)
	out, err := appendMetadata(out, &e.Metadata)
	if err != nil {
		return err
	}
	out = append(out, ",\n  \"batch\": {\"first\": "...)
	out = strconv.AppendUint(out, uint64(b.First), 10)
	out = append(out, ", \"last\": "...)
	out = strconv.AppendUint(out, uint64(b.Last), 10)
	out = append(out, "}\n}\n"...)
	buf.Write(out)
	return nil
}

// appendJSONString appends s as encoding/json's Marshal renders it. A
// string of printable ASCII without the characters Marshal escapes is
// quoted as it is; any other goes through Marshal.
func appendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(out, b...)
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// appendMetadata appends m as encoding/json's Marshal renders it: a UTC
// timestamp of the years Marshal accepts and no Extra are rendered here,
// anything else through Marshal (which refuses a year outside 0–9999).
func appendMetadata(out []byte, m *Metadata) ([]byte, error) {
	if y := m.Timestamp.Year(); len(m.Extra) > 0 || m.Timestamp.Location() != time.UTC || y < 0 || y > 9999 {
		b, err := json.Marshal(m)
		return append(out, b...), err
	}
	out = append(out, "{\"timestamp\":\""...)
	out = m.Timestamp.AppendFormat(out, time.RFC3339Nano)
	out = append(out, '"')
	if m.CorrelationID != "" {
		out = append(out, ",\"correlationId\":"...)
		out = appendJSONString(out, m.CorrelationID)
	}
	if m.CausationID != "" {
		out = append(out, ",\"causationId\":"...)
		out = appendJSONString(out, m.CausationID)
	}
	return append(out, '}'), nil
}

// decodeEvent parses an event file and checks it holds position p. A file
// without an id (written by format 1) reports legacyEventID(p).
func decodeEvent(b []byte, p Position) (StoredEvent, batchRange, error) {
	f, ok := decodeCanonical(b)
	if !ok {
		f = eventFile{}
		if err := json.Unmarshal(b, &f); err != nil {
			return StoredEvent{}, batchRange{}, err
		}
		if f.ID.IsZero() && hasNilID(b) {
			return StoredEvent{}, batchRange{}, fmt.Errorf("the id is the nil UUID")
		}
	}
	if f.ID.IsZero() {
		f.ID = legacyEventID(p)
	}
	switch {
	case f.Position != p:
		return StoredEvent{}, batchRange{}, fmt.Errorf("file holds position %d", f.Position)
	case f.Type == "":
		return StoredEvent{}, batchRange{}, fmt.Errorf("empty type")
	case len(f.Data) == 0 || f.Data[0] != '{':
		return StoredEvent{}, batchRange{}, fmt.Errorf("data is not a JSON object")
	case f.Batch.First == 0 || f.Batch.First > p || f.Batch.Last < p:
		return StoredEvent{}, batchRange{}, fmt.Errorf("batch %d..%d does not contain the position", f.Batch.First, f.Batch.Last)
	case f.Metadata.Timestamp.IsZero():
		return StoredEvent{}, batchRange{}, fmt.Errorf("no timestamp")
	}
	for _, t := range f.Tags {
		if t.Key == "" {
			return StoredEvent{}, batchRange{}, fmt.Errorf("tag with an empty key")
		}
	}
	if f.Tags == nil {
		f.Tags = []Tag{}
	}
	return StoredEvent{Position: p, Event: Event{ID: f.ID, Type: f.Type, Data: f.Data, Tags: f.Tags, Metadata: f.Metadata}}, f.Batch, nil
}

// hasNilID reports whether the event file b has an "id" field that holds
// the nil UUID, which no writer writes.
func hasNilID(b []byte) bool {
	var probe struct {
		ID *string `json:"id"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.ID != nil
}

// DecodeEventFile parses the content of an event file of this format. It
// is exported for tools and fuzzing; the store itself reads files through
// Read. It never panics, whatever b holds.
func DecodeEventFile(b []byte) (StoredEvent, error) {
	var probe struct {
		Position Position `json:"position"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return StoredEvent{}, err
	}
	e, _, err := decodeEvent(b, probe.Position)
	return e, err
}
