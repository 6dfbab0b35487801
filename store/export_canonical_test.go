package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
)

// DecodeEventFileBothWays decodes an event file with the canonical decoder
// and with encoding/json, for the specs that check they agree. canonical
// reports whether the canonical decoder accepted the file.
func DecodeEventFileBothWays(b []byte) (fast, slow StoredEvent, canonical bool, err error) {
	f, canonical := decodeCanonical(b)
	if canonical {
		fast = StoredEvent{Position: f.Position, Event: Event{ID: f.ID, Type: f.Type, Data: f.Data, Tags: f.Tags, Metadata: f.Metadata}}
	}
	var g eventFile
	if err = json.Unmarshal(b, &g); err != nil {
		return fast, slow, canonical, err
	}
	if g.Tags == nil {
		g.Tags = []Tag{}
	}
	slow = StoredEvent{Position: g.Position, Event: Event{ID: g.ID, Type: g.Type, Data: g.Data, Tags: g.Tags, Metadata: g.Metadata}}
	return fast, slow, canonical, nil
}

// EncodeEventFile renders an event file as the store writes it.
func EncodeEventFile(p Position, e Event, first, last Position) []byte {
	var buf bytes.Buffer
	if err := encodeEvent(&buf, p, &e, batchRange{First: first, Last: last}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// EventPathOldWay and EventPath compute an event file's path with the
// original fmt and filepath formula and with layout.event.
func EventPathOldWay(dir string, p Position) string {
	return filepath.Join(layout{dir: dir}.shard(shardOf(p)), fmt.Sprintf("%012d.json", uint64(p)))
}

// EventPath returns layout.event's path of p in a store in dir.
func EventPath(dir string, p Position) string { return layout{dir: dir}.event(p) }

// EncodeJSONString and EncodeMetadata render a value as encodeEvent does,
// for the specs that compare it with encoding/json's Marshal.
func EncodeJSONString(s string) []byte { return appendJSONString(nil, s) }

func EncodeMetadata(m Metadata) ([]byte, error) { return appendMetadata(nil, &m) }
