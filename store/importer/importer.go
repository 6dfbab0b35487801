package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
)

// Sentinel errors of the package.
var (
	// ErrNotOpossum means the source folder is not an Opossum store: it has
	// no events folder and no ledger.
	ErrNotOpossum = errors.New("importer: not an Opossum store folder")
	// ErrDamaged means an event file or the ledger of the source cannot be
	// read as Opossum writes it; the error names the file.
	ErrDamaged = errors.New("importer: damaged Opossum file")
	// ErrGap means the source's positions have a gap, which this store
	// cannot keep; Options.Renumber closes it.
	ErrGap = errors.New("importer: gap in the Opossum positions")
	// ErrDestination means the destination exists and is not an empty
	// folder.
	ErrDestination = errors.New("importer: destination is not an empty folder")
)

// Options configure an import. The zero value is safe.
type Options struct {
	// Renumber closes gaps in the source's positions instead of refusing
	// them; Report.Moved lists each event that changed position.
	Renumber bool
	// BatchSize is how many events one append writes. Zero means 1000.
	BatchSize int
	// NoSync skips the fsyncs of the new store (store.Options.NoSync).
	// Default false: the new store is durable when Import returns.
	NoSync bool
}

// Report says what an import found and did.
type Report struct {
	// Source and Destination are the folders.
	Source, Destination string
	// Events counts the events imported; Head is the new store's head.
	Events int
	Head   store.Position
	// Ledger is the position the source's ledger recorded (0 when empty or
	// missing); LastFile is the highest event file's position.
	Ledger, LastFile int64
	// Types counts the imported events by type.
	Types map[string]int
	// Moved maps source positions to new ones, with Options.Renumber.
	Moved map[int64]store.Position `json:",omitempty"`
	// IndexFiles counts the source's index files compared with the events.
	IndexFiles int
	// MissingFromIndices lists "type T" or "tag k:v" index entries the
	// source lacked, with the positions, as "tag k:v at 7".
	MissingFromIndices []string `json:",omitempty"`
	// StaleInIndices lists index entries that name no matching event.
	StaleInIndices []string `json:",omitempty"`
	// Skipped lists files of the source that were not imported (temporary
	// files, projections) and why.
	Skipped []string `json:",omitempty"`
	// Took is how long the import ran.
	Took time.Duration
}

// source is one event of the Opossum folder.
type source struct {
	pos  int64
	path string
}

// opossumEvent is an Opossum event file.
type opossumEvent struct {
	Event *struct {
		EventType string          `json:"eventType"`
		Event     json.RawMessage `json:"event"`
		Tags      []struct {
			Key   string  `json:"key"`
			Value *string `json:"value"`
		} `json:"tags"`
	} `json:"event"`
	Position *int64 `json:"position"`
	Metadata struct {
		Timestamp     *time.Time `json:"timestamp"`
		CorrelationID string     `json:"correlationId"`
		CausationID   string     `json:"causationId"`
		OperationID   string     `json:"operationId"`
		UserID        string     `json:"userId"`
	} `json:"metadata"`
}

// Import copies the Opossum store in src into a new store in dst. See the
// package documentation for the mapping and the checks. Errors:
// ErrNotOpossum, ErrDamaged, ErrGap, ErrDestination, ctx.Err(), errors of
// the new store, I/O errors; the report holds what was found up to then.
func Import(ctx context.Context, src, dst string, opts *Options) (Report, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	start := time.Now()
	rep := Report{Source: src, Destination: dst, Types: map[string]int{}}
	srcs, err := scan(src, &rep)
	if err != nil {
		return rep, err
	}
	created, err := checkDestination(dst)
	if err != nil {
		return rep, err
	}
	// Read and check every event before writing anything; the second
	// pass reads them again, a batch at a time, so that memory stays
	// bounded by the indices, not by the payloads.
	idx := indexEntries{want: map[string][]int64{}, label: map[string]string{}}
	for i, s := range srcs {
		if i%1024 == 0 && ctx.Err() != nil {
			return rep, ctx.Err()
		}
		e, err := readEvent(s)
		if err != nil {
			return rep, err
		}
		idx.add(s.pos, e)
	}
	if err := checkPositions(srcs, &rep, o.Renumber); err != nil {
		return rep, err
	}
	idx.compare(src, &rep)

	st, err := store.Open(dst, &store.Options{NoSync: o.NoSync})
	if err != nil {
		return rep, fmt.Errorf("importer: create %s: %w", dst, err)
	}
	fail := func(err error) (Report, error) {
		_ = st.Close()
		cleanUp(dst, created)
		rep.Events, rep.Head = 0, 0
		return rep, err
	}
	batch := make([]store.Event, 0, o.BatchSize)
	for i := 0; i < len(srcs); i += o.BatchSize {
		batch = batch[:0]
		for _, s := range srcs[i:min(i+o.BatchSize, len(srcs))] {
			e, err := readEvent(s)
			if err != nil {
				return fail(fmt.Errorf("importer: the source changed during the import: %w", err))
			}
			batch = append(batch, e)
		}
		p, err := st.Append(ctx, batch, nil)
		if err != nil {
			return fail(fmt.Errorf("importer: append the events from position %d: %w", srcs[i].pos, err))
		}
		if want := store.Position(i + len(batch)); p != want {
			return fail(fmt.Errorf("importer: the new store numbered event %d as %d", want, p))
		}
		for _, e := range batch {
			rep.Types[e.Type]++
		}
		rep.Events += len(batch)
	}
	h, err := st.Head(ctx)
	if err != nil {
		return fail(err)
	}
	rep.Head = h
	if err := st.Close(); err != nil {
		cleanUp(dst, created)
		return rep, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// scan lists the event files of src by position.
func scan(src string, rep *Report) ([]source, error) {
	fi, err := os.Stat(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist", ErrNotOpossum, src)
		}
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a folder", ErrNotOpossum, src)
	}
	if _, err := os.Stat(filepath.Join(src, "opossum.json")); err == nil {
		return nil, fmt.Errorf("%w: %s holds an opossum.json manifest: it is a store of this project; copy it with opossum backup", ErrNotOpossum, src)
	}
	ledgerPath := filepath.Join(src, ".ledger")
	b, lerr := os.ReadFile(ledgerPath)
	eventsDir := filepath.Join(src, "events")
	ents, err := os.ReadDir(eventsDir)
	if errors.Is(err, fs.ErrNotExist) {
		if lerr == nil {
			ents = nil // a store that was initialised and never written
		} else {
			hint := ""
			if subs := opossumChildren(src); len(subs) > 0 {
				hint = fmt.Sprintf(" (it holds Opossum stores: %s; name one of them)", strings.Join(subs, ", "))
			}
			return nil, fmt.Errorf("%w: %s has no events folder and no .ledger%s", ErrNotOpossum, src, hint)
		}
	} else if err != nil {
		return nil, err
	}
	switch {
	case lerr == nil && len(bytes.TrimSpace(b)) > 0:
		var l struct {
			LastSequencePosition *int64
		}
		if err := json.Unmarshal(b, &l); err != nil || l.LastSequencePosition == nil || *l.LastSequencePosition < 0 {
			return nil, fmt.Errorf("%w: %s is not a ledger (%v)", ErrDamaged, ledgerPath, err)
		}
		rep.Ledger = *l.LastSequencePosition
	case lerr != nil && !errors.Is(lerr, fs.ErrNotExist):
		return nil, lerr
	}
	var out []source
	for _, e := range ents {
		name := e.Name()
		if strings.Contains(name, ".tmp.") {
			rep.Skipped = append(rep.Skipped, "events/"+name+": a temporary file of an unfinished write")
			continue
		}
		num, ok := strings.CutSuffix(name, ".json")
		n, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || n <= 0 || e.IsDir() {
			rep.Skipped = append(rep.Skipped, "events/"+name+": not an event file")
			continue
		}
		out = append(out, source{pos: n, path: filepath.Join(eventsDir, name)})
	}
	slices.SortFunc(out, func(a, b source) int { return int(a.pos - b.pos) })
	for i := 1; i < len(out); i++ {
		if out[i].pos == out[i-1].pos {
			return nil, fmt.Errorf("%w: %s and %s hold the same position", ErrDamaged, out[i-1].path, out[i].path)
		}
	}
	if len(out) > 0 {
		rep.LastFile = out[len(out)-1].pos
	}
	if _, err := os.Stat(filepath.Join(src, "Projections")); err == nil {
		rep.Skipped = append(rep.Skipped, "Projections/: read models are derived data; rebuild them from the imported events")
	}
	return out, nil
}

// opossumChildren lists the subfolders of dir that look like Opossum stores.
func opossumChildren(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), ".ledger")); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	return out
}

// readEvent reads one Opossum event file.
func readEvent(s source) (store.Event, error) {
	bad := func(format string, a ...any) (store.Event, error) {
		return store.Event{}, fmt.Errorf("%w: %s: %s", ErrDamaged, s.path, fmt.Sprintf(format, a...))
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return store.Event{}, err
	}
	var f opossumEvent
	if err := json.Unmarshal(b, &f); err != nil {
		return bad("%v", err)
	}
	switch {
	case f.Event == nil:
		return bad("no event")
	case f.Position == nil:
		return bad("no position")
	case *f.Position != s.pos:
		return bad("holds position %d", *f.Position)
	case strings.TrimSpace(f.Event.EventType) == "":
		return bad("no eventType")
	}
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(f.Event.Event, &payload); err != nil || payload == nil {
		return bad("the payload (event.event) is not a JSON object")
	}
	e := store.Event{Type: f.Event.EventType}
	if t, ok := payload["$type"]; ok {
		var name string
		if err := json.Unmarshal(t, &name); err != nil {
			return bad("$type is not a string")
		}
		e.Metadata.Extra = map[string]string{"dotnetType": name}
	}
	if e.Data, err = withoutMember(f.Event.Event, "$type"); err != nil {
		return bad("payload: %v", err)
	}
	for _, t := range f.Event.Tags {
		tag := store.Tag{Key: t.Key}
		if t.Value != nil {
			tag.Value = *t.Value
		}
		if _, err := store.ParseTag(tag.String()); err != nil {
			return bad("tag %q: %v", tag.String(), err)
		}
		e.Tags = append(e.Tags, tag)
	}
	m := f.Metadata
	if m.Timestamp == nil {
		return bad("no metadata.timestamp")
	}
	e.Metadata.Timestamp = m.Timestamp.UTC()
	e.Metadata.CorrelationID, e.Metadata.CausationID = m.CorrelationID, m.CausationID
	for k, v := range map[string]string{"operationId": m.OperationID, "userId": m.UserID} {
		if v != "" {
			if e.Metadata.Extra == nil {
				e.Metadata.Extra = map[string]string{}
			}
			e.Metadata.Extra[k] = v
		}
	}
	return e, nil
}

// withoutMember returns the JSON object obj without its member name,
// keeping the other members as written, in their order.
func withoutMember(obj json.RawMessage, name string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	first := true
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		k := kt.(string)
		if k == name {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// checkPositions refuses gaps unless renumber, which records the moves.
func checkPositions(srcs []source, rep *Report, renumber bool) error {
	for i, s := range srcs {
		want := int64(i + 1)
		if s.pos == want {
			continue
		}
		if !renumber {
			return fmt.Errorf("%w: no event file for position %d (the next one is %s); Renumber closes the gap", ErrGap, want, filepath.Base(s.path))
		}
		if rep.Moved == nil {
			rep.Moved = map[int64]store.Position{}
		}
		rep.Moved[s.pos] = store.Position(want)
	}
	return nil
}

// indexEntries are the index entries the source's events call for.
type indexEntries struct {
	want  map[string][]int64 // index file (relative to Indices) -> positions
	label map[string]string  // index file -> "type T" or "tag k:v"
}

func (x indexEntries) add(p int64, e store.Event) {
	f := filepath.Join("EventType", safeName(e.Type)+".json")
	x.want[f] = append(x.want[f], p)
	x.label[f] = "type " + e.Type
	for _, t := range e.Tags {
		f := filepath.Join("Tags", safeName(t.Key)+"_"+safeName(t.Value)+".json")
		if ps := x.want[f]; len(ps) == 0 || ps[len(ps)-1] != p {
			x.want[f] = append(ps, p)
		}
		x.label[f] = "tag " + t.String()
	}
}

// compare compares the source's index files with the entries.
func (x indexEntries) compare(src string, rep *Report) {
	have := map[string][]int64{}
	for _, kind := range []string{"EventType", "Tags"} {
		ents, err := os.ReadDir(filepath.Join(src, "Indices", kind))
		if err != nil {
			continue
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			rel := filepath.Join(kind, e.Name())
			rep.IndexFiles++
			var idx struct{ Positions []int64 }
			b, err := os.ReadFile(filepath.Join(src, "Indices", rel))
			if err == nil {
				err = json.Unmarshal(b, &idx)
			}
			if err != nil {
				rep.StaleInIndices = append(rep.StaleInIndices, fmt.Sprintf("Indices/%s is unreadable (%v)", filepath.ToSlash(rel), err))
				continue
			}
			slices.Sort(idx.Positions)
			have[rel] = idx.Positions
		}
	}
	for _, f := range sortedKeys(x.want) {
		for _, p := range x.want[f] {
			if _, ok := slices.BinarySearch(have[f], p); !ok {
				rep.MissingFromIndices = append(rep.MissingFromIndices, fmt.Sprintf("%s at %d", x.label[f], p))
			}
		}
	}
	for _, f := range sortedKeys(have) {
		for _, p := range have[f] {
			if _, ok := slices.BinarySearch(x.want[f], p); !ok {
				rep.StaleInIndices = append(rep.StaleInIndices, fmt.Sprintf("Indices/%s names %d", filepath.ToSlash(f), p))
			}
		}
	}
}

// safeName is Opossum's index file name of s on Linux: split on the
// characters a file name cannot hold ('/' and NUL), empty parts dropped,
// joined with '_'.
func safeName(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == 0 })
	return strings.Join(parts, "_")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkDestination accepts a missing folder (created reports it will be
// created) or an empty one.
func checkDestination(dst string) (created bool, err error) {
	ents, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		if fi, serr := os.Stat(dst); serr == nil && !fi.IsDir() {
			return false, fmt.Errorf("%w: %s is a file", ErrDestination, dst)
		}
		return false, err
	case len(ents) > 0:
		return false, fmt.Errorf("%w: %s holds %d entries; import into a new folder", ErrDestination, dst, len(ents))
	}
	return false, nil
}

// cleanUp removes what a failed import wrote.
func cleanUp(dst string, created bool) {
	if created {
		_ = os.RemoveAll(dst)
		return
	}
	ents, _ := os.ReadDir(dst)
	for _, e := range ents {
		_ = os.RemoveAll(filepath.Join(dst, e.Name()))
	}
}
