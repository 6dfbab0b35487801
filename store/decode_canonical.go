package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// decodeCanonical parses an event file laid out exactly as encodeEvent
// writes it, without reflection: reading events is dominated by decoding
// them, and encoding/json spends most of that validating and reflecting.
// It accepts only that layout, and only strings without escapes or control
// characters; anything else (a file edited by hand, escaped strings,
// metadata with Extra) returns ok=false and the caller decodes the file
// with encoding/json, which remains the definition of the format. For
// every file it accepts, it returns what json.Unmarshal would.
func decodeCanonical(b []byte) (f eventFile, ok bool) {
	d := canon{b: b}
	if !d.lit("{\n  \"position\": ") {
		return f, false
	}
	pos, ok := d.uint()
	if !ok {
		return f, false
	}
	if d.lit(",\n  \"id\": ") {
		id, ok := d.quoted()
		if !ok || f.ID.UnmarshalText(id[1:len(id)-1]) != nil || f.ID.IsZero() {
			return f, false
		}
	}
	if !d.lit(",\n  \"type\": ") {
		return f, false
	}
	f.Position = Position(pos)
	if f.Type, ok = d.str(); !ok || !d.lit(",\n  \"tags\": [") {
		return f, false
	}
	f.Tags = []Tag{}
	if !d.lit("],") {
		for {
			var t Tag
			if !d.lit("\n    {\"key\":") {
				return f, false
			}
			if t.Key, ok = d.str(); !ok || !d.lit(",\"value\":") {
				return f, false
			}
			if t.Value, ok = d.str(); !ok || !d.lit("}") {
				return f, false
			}
			f.Tags = append(f.Tags, t)
			if d.lit("\n  ],") {
				break
			}
			if !d.lit(",") {
				return f, false
			}
		}
	}
	if !d.lit("\n  \"data\": ") {
		return f, false
	}
	data, ok := d.object()
	if !ok || !json.Valid(data) {
		return f, false
	}
	f.Data = data
	if !d.lit(",\n  \"metadata\": {\"timestamp\":") {
		return f, false
	}
	ts, ok := d.quoted()
	if !ok || f.Metadata.Timestamp.UnmarshalJSON(ts) != nil {
		return f, false
	}
	if d.lit(",\"correlationId\":") {
		if f.Metadata.CorrelationID, ok = d.str(); !ok {
			return f, false
		}
	}
	if d.lit(",\"causationId\":") {
		if f.Metadata.CausationID, ok = d.str(); !ok {
			return f, false
		}
	}
	if !d.lit("},\n  \"batch\": {\"first\": ") {
		return f, false
	}
	first, ok := d.uint()
	if !ok || !d.lit(", \"last\": ") {
		return f, false
	}
	last, ok := d.uint()
	if !ok || !d.lit("}\n}\n") || d.i != len(b) {
		return f, false
	}
	f.Batch = batchRange{First: Position(first), Last: Position(last)}
	return f, true
}

// canon is a cursor over a canonical event file.
type canon struct {
	b []byte
	i int
}

// lit consumes s if the input continues with it.
func (d *canon) lit(s string) bool {
	if len(d.b)-d.i < len(s) || string(d.b[d.i:d.i+len(s)]) != s {
		return false
	}
	d.i += len(s)
	return true
}

// uint consumes a JSON number that is a non-negative integer without a
// leading zero, as strconv.FormatUint writes it.
func (d *canon) uint() (uint64, bool) {
	j := d.i
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		j++
	}
	if j == d.i || (d.b[d.i] == '0' && j-d.i > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.b[d.i:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	d.i = j
	return n, true
}

// quoted consumes a JSON string without escapes or control characters
// holding valid UTF-8, and returns it with its quotes.
func (d *canon) quoted() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	j := d.i + 1
	for j < len(d.b) && d.b[j] != '"' {
		if c := d.b[j]; c == '\\' || c < 0x20 {
			return nil, false
		}
		j++
	}
	if j >= len(d.b) || !utf8.Valid(d.b[d.i+1:j]) {
		return nil, false
	}
	s := d.b[d.i : j+1]
	d.i = j + 1
	return s, true
}

// str consumes a string as quoted does and returns its content.
func (d *canon) str() (string, bool) {
	q, ok := d.quoted()
	if !ok {
		return "", false
	}
	return string(q[1 : len(q)-1]), true
}

// object consumes a JSON object, finding its end by counting braces and
// brackets outside strings; the caller validates it.
func (d *canon) object() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return nil, false
	}
	depth, inStr := 0, false
	for j := d.i; j < len(d.b); j++ {
		c := d.b[j]
		if inStr {
			switch c {
			case '\\':
				j++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				o := d.b[d.i : j+1]
				d.i = j + 1
				return bytes.Clone(o), true
			}
		}
	}
	return nil, false
}
