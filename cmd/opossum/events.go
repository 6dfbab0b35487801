package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opossum-go/opossum/store"
)

// filterFlags select events by type and tag: one query item, types OR-ed,
// tags AND-ed.
type filterFlags struct {
	types stringList
	tags  stringList
}

func (f *filterFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.types, "type", "only events of this type (repeatable: any of them)")
	fs.Var(&f.tags, "tag", "only events carrying this key:value tag (repeatable: all of them)")
}

// query returns the filter as a query; All when it is empty.
func (f *filterFlags) query() (store.Query, error) {
	if len(f.types) == 0 && len(f.tags) == 0 {
		return store.All(), nil
	}
	var item store.QueryItem
	for _, t := range f.types {
		for _, one := range strings.Split(t, ",") {
			item.Types = append(item.Types, strings.TrimSpace(one))
		}
	}
	for _, s := range f.tags {
		t, err := parseTagFlag(s)
		if err != nil {
			return store.Query{}, err
		}
		item.Tags = append(item.Tags, t)
	}
	q := store.Items(item)
	return q, q.Validate()
}

// parseTagFlag parses a --tag value, key:value.
func parseTagFlag(s string) (store.Tag, error) {
	t, err := store.ParseTag(s)
	if err != nil {
		return store.Tag{}, usageErr("--tag %q: tag must be key:value (%v)", s, err)
	}
	return t, nil
}

// outputFlags choose how events are printed.
type outputFlags struct {
	json bool
	wide bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print one JSON object per event and line instead of a table")
	fs.BoolVar(&o.wide, "wide", false, "print the whole data of each event in the table")
}

// jsonEvent is the JSON form of an event, one per line with --json.
type jsonEvent struct {
	Position store.Position  `json:"position"`
	ID       store.EventID   `json:"id"`
	Type     string          `json:"type"`
	Tags     []store.Tag     `json:"tags"`
	Data     json.RawMessage `json:"data"`
	Metadata store.Metadata  `json:"metadata"`
}

func toJSON(e store.StoredEvent) jsonEvent {
	tags := e.Tags
	if tags == nil {
		tags = []store.Tag{}
	}
	return jsonEvent{Position: e.Position, ID: e.ID, Type: e.Type, Tags: tags, Data: e.Data, Metadata: e.Metadata}
}

// printer prints events as a table or JSON lines. Table rows are held
// until flush, which pads every column to its widest cell so far: a batch
// lines up whatever the width of its tags, and the rows tail -f adds one
// by one keep the widths of those before them (growing when a cell is
// wider).
type printer struct {
	w      io.Writer
	o      outputFlags
	rows   [][]string
	widths []int
	header bool
}

func (p *printer) print(e store.StoredEvent) error {
	if p.o.json {
		b, err := json.Marshal(toJSON(e))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	}
	if !p.header {
		p.header = true
		p.rows = append(p.rows, []string{"POSITION", "TIME", "TYPE", "TAGS", "DATA"})
	}
	tags := make([]string, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = t.String()
	}
	data := string(e.Data)
	if !p.o.wide && utf8.RuneCountInString(data) > 60 {
		data = string([]rune(data)[:57]) + "..."
	}
	p.rows = append(p.rows, []string{strconv.FormatUint(uint64(e.Position), 10),
		e.Metadata.Timestamp.UTC().Format(time.RFC3339), e.Type, strings.Join(tags, ","), data})
	return nil
}

// flush writes the table rows held so far.
func (p *printer) flush() error {
	var text string
	text, p.widths = align(p.rows, p.widths, "")
	p.rows = p.rows[:0]
	_, err := io.WriteString(p.w, text)
	return err
}

// align lays rows out as a table: each column padded to its widest cell
// (and to at least widths), two spaces apart, each line after indent. It
// returns the table and the widths it used.
func align(rows [][]string, widths []int, indent string) (string, []int) {
	widths = slices.Clone(widths)
	for _, r := range rows {
		for i, cell := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(indent)
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), widths
}

// printAll prints a read; it returns the number of events printed.
func (p *printer) printAll(seq func(func(store.StoredEvent, error) bool)) (int, error) {
	n := 0
	var failed error
	seq(func(e store.StoredEvent, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		if err := p.print(e); err != nil {
			failed = err
			return false
		}
		n++
		return true
	})
	return n, errors.Join(failed, p.flush())
}

var cmdLs = &command{
	name: "ls", args: "STORE", min: 1, max: 1,
	summary: "list events, filtered by type, tag and position",
	help: `Lists the events of the store in position order, as a table or (--json)
as JSON lines. --type and --tag filter them (one query item: any of the
types, all of the tags); --from and --to bound the positions (inclusive).`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var ff filterFlags
		var of outputFlags
		var from, to uint64
		var limit int
		var backwards bool
		sf.register(fs, false)
		ff.register(fs)
		of.register(fs)
		fs.Uint64Var(&from, "from", 1, "first position to list")
		fs.Uint64Var(&to, "to", 0, "last position to list (0: the head)")
		fs.IntVar(&limit, "limit", -1, "list at most this many events (-1: all)")
		fs.BoolVar(&backwards, "backwards", false, "newest first")
		return func(ctx context.Context, e *env, args []string) error {
			q, err := ff.query()
			if err != nil {
				return err
			}
			if from == 0 {
				from = 1
			}
			if to != 0 && to < from {
				return usageErr("--to %d is before --from %d", to, from)
			}
			s, err := e.openEvents(ctx, args[0], &sf)
			if err != nil {
				return err
			}
			defer s.Close()
			opts := []store.ReadOption{store.After(store.Position(from - 1))}
			if limit >= 0 {
				opts = append(opts, store.Limit(limit))
			}
			if backwards {
				opts = append(opts, store.Backwards())
			}
			p := &printer{w: e.stdout, o: of}
			read := s.Read(ctx, q, opts...)
			_, err = p.printAll(func(yield func(store.StoredEvent, error) bool) {
				for ev, err := range read {
					if err == nil && to != 0 && ev.Position > store.Position(to) {
						if backwards {
							continue
						}
						return
					}
					if !yield(ev, err) {
						return
					}
				}
			})
			return err
		}
	},
}

var cmdShow = &command{
	name: "show", args: "STORE POSITION", min: 2, max: 2,
	summary: "show one event in full",
	help: `Shows the event at POSITION: its type, tags, metadata, file and data,
indented. --json prints it as one JSON object; --raw prints its file as
stored. Exits with 6 when there is no event at POSITION.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var asJSON, raw bool
		sf.register(fs, false)
		fs.BoolVar(&asJSON, "json", false, "print the event as a JSON object")
		fs.BoolVar(&raw, "raw", false, "print the event file as stored")
		return func(ctx context.Context, e *env, args []string) error {
			pos, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil || pos == 0 {
				return usageErr("POSITION must be a positive number, not %q", args[1])
			}
			s, err := e.openEvents(ctx, args[0], &sf)
			if err != nil {
				return err
			}
			defer s.Close()
			evs, err := store.ReadAll(ctx, s, store.All(), store.After(store.Position(pos-1)), store.Limit(1))
			if err != nil {
				return err
			}
			if len(evs) == 0 || evs[0].Position != store.Position(pos) {
				h, _ := s.Head(ctx)
				return &codeError{code: exitNotFound, err: fmt.Errorf("no event at position %d (the head is %d)", pos, h)}
			}
			ev := evs[0]
			var file string
			if fs, ok := s.(*store.FileStore); ok {
				file = eventPath(fs.Dir(), ev.Position)
			} else if raw {
				return usageErr("--raw prints an event file; a PostgreSQL store has none (use --json)")
			}
			switch {
			case raw:
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				_, err = e.stdout.Write(b)
				return err
			case asJSON:
				b, err := json.MarshalIndent(toJSON(ev), "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(e.stdout, "%s\n", b)
				return err
			}
			w := e.stdout
			fmt.Fprintf(w, "position     %d\n", ev.Position)
			fmt.Fprintf(w, "id           %s\n", ev.ID)
			fmt.Fprintf(w, "type         %s\n", ev.Type)
			fmt.Fprintf(w, "time         %s\n", ev.Metadata.Timestamp.Format(time.RFC3339Nano))
			for i, t := range ev.Tags {
				label := ""
				if i == 0 {
					label = "tags"
				}
				fmt.Fprintf(w, "%-12s %s\n", label, t)
			}
			if ev.Metadata.CorrelationID != "" {
				fmt.Fprintf(w, "correlation  %s\n", ev.Metadata.CorrelationID)
			}
			if ev.Metadata.CausationID != "" {
				fmt.Fprintf(w, "causation    %s\n", ev.Metadata.CausationID)
			}
			for _, k := range sortedKeys(ev.Metadata.Extra) {
				fmt.Fprintf(w, "extra        %s=%s\n", k, ev.Metadata.Extra[k])
			}
			if file != "" {
				fmt.Fprintf(w, "file         %s\n", file)
			}
			var data bytes.Buffer
			if err := json.Indent(&data, ev.Data, "", "  "); err != nil {
				data.Reset()
				data.Write(ev.Data)
			}
			_, err = fmt.Fprintf(w, "data\n%s\n", data.Bytes())
			return err
		}
	},
}

// eventPath is where the file of position p lives (docs/file-format.md).
func eventPath(dir string, p store.Position) string {
	return filepath.Join(dir, "events", fmt.Sprintf("%06d", uint64(p)/store.ShardSize), fmt.Sprintf("%012d.json", uint64(p)))
}

var cmdQuery = &command{
	name: "query", args: "STORE [QUERY]", min: 1, max: 2,
	summary: "run a DCB query (text, JSON or flags)",
	help: `Prints the events matching a query, in position order. The query is
either QUERY, as JSON ({"items":[{"types":["A"],"tags":[{"key":"k","value":"v"}]}]}
or {"all":true}) or as text in the form the store prints queries:

  all
  (StudentEnrolled|StudentLeft)[courseId:c-1,studentId:s-1] OR [courseId:c-2]

(types in parentheses, any of them; tags in brackets, all of them; items
joined by " OR "), or given with --type and --tag as one item. --after,
--limit and --backwards are the store's read options; --last prints only
the newest match (ReadLast). Use JSON for tag values with ',' or ']'.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var ff filterFlags
		var of outputFlags
		var after uint64
		var limit int
		var backwards, last bool
		sf.register(fs, false)
		ff.register(fs)
		of.register(fs)
		fs.Uint64Var(&after, "after", 0, "only events after this position")
		fs.IntVar(&limit, "limit", -1, "at most this many events (-1: all)")
		fs.BoolVar(&backwards, "backwards", false, "newest first")
		fs.BoolVar(&last, "last", false, "only the newest matching event")
		return func(ctx context.Context, e *env, args []string) error {
			var q store.Query
			var err error
			switch {
			case len(args) == 2 && (len(ff.types) > 0 || len(ff.tags) > 0):
				return usageErr("give the query as QUERY or as --type/--tag, not both")
			case len(args) == 2:
				q, err = parseQuery(args[1])
			case len(ff.types) == 0 && len(ff.tags) == 0:
				return usageErr("no query: give QUERY (\"all\" for every event) or --type/--tag")
			default:
				q, err = ff.query()
			}
			if err != nil {
				return err
			}
			s, err := e.openEvents(ctx, args[0], &sf)
			if err != nil {
				return err
			}
			defer s.Close()
			p := &printer{w: e.stdout, o: of}
			if last {
				ev, err := s.ReadLast(ctx, q)
				if err != nil || ev == nil {
					return err
				}
				return errors.Join(p.print(*ev), p.flush())
			}
			opts := []store.ReadOption{store.After(store.Position(after))}
			if limit >= 0 {
				opts = append(opts, store.Limit(limit))
			}
			if backwards {
				opts = append(opts, store.Backwards())
			}
			_, err = p.printAll(func(yield func(store.StoredEvent, error) bool) {
				for ev, err := range s.Read(ctx, q, opts...) {
					if !yield(ev, err) {
						return
					}
				}
			})
			return err
		}
	},
}

// parseQuery parses a query given as JSON or as text (see cmdQuery).
func parseQuery(s string) (store.Query, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		return store.ParseQuery([]byte(s))
	}
	if s == "all" {
		return store.All(), nil
	}
	var items []store.QueryItem
	for _, part := range strings.Split(s, " OR ") {
		it, err := parseItem(strings.TrimSpace(part))
		if err != nil {
			return store.Query{}, err
		}
		items = append(items, it)
	}
	q := store.Items(items...)
	return q, q.Validate()
}

// parseItem parses "(A|B)[k:v,k2:v2]"; either part may be missing, and
// the parentheses around a single type may be left out.
func parseItem(s string) (store.QueryItem, error) {
	var it store.QueryItem
	types, tags := s, ""
	if i := strings.IndexByte(s, '['); i >= 0 {
		if !strings.HasSuffix(s, "]") {
			return it, fmt.Errorf("%w: %q: tags must end with ']'", store.ErrInvalidQuery, s)
		}
		types, tags = s[:i], s[i+1:len(s)-1]
	}
	types = strings.TrimSpace(types)
	if strings.HasPrefix(types, "(") {
		if !strings.HasSuffix(types, ")") {
			return it, fmt.Errorf("%w: %q: types must end with ')'", store.ErrInvalidQuery, s)
		}
		types = types[1 : len(types)-1]
	}
	if types != "" {
		for _, t := range strings.Split(types, "|") {
			it.Types = append(it.Types, strings.TrimSpace(t))
		}
	}
	if strings.TrimSpace(tags) != "" {
		for _, ts := range strings.Split(tags, ",") {
			t, err := store.ParseTag(strings.TrimSpace(ts))
			if err != nil {
				return it, fmt.Errorf("%w: %v", store.ErrInvalidQuery, err)
			}
			it.Tags = append(it.Tags, t)
		}
	}
	if len(it.Types) == 0 && len(it.Tags) == 0 {
		return it, fmt.Errorf("%w: empty query item in %q", store.ErrInvalidQuery, s)
	}
	return it, nil
}

var cmdTail = &command{
	name: "tail", args: "STORE", min: 1, max: 1,
	summary: "print the last events; -f follows new ones",
	help: `Prints the last N events (filtered by --type and --tag), oldest first.
With -f it then keeps printing events as they are committed, by this or any
other process, until interrupted (Ctrl-C ends it with exit code 0).`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var ff filterFlags
		var of outputFlags
		var n int
		var follow bool
		var poll time.Duration
		sf.register(fs, false)
		ff.register(fs)
		of.register(fs)
		fs.IntVar(&n, "n", 10, "how many of the last events to print first")
		fs.BoolVar(&follow, "f", false, "follow: print new events as they are committed")
		fs.DurationVar(&poll, "poll", 20*time.Millisecond, "with -f, how often to look for commits of other processes")
		return func(ctx context.Context, e *env, args []string) error {
			q, err := ff.query()
			if err != nil {
				return err
			}
			if n < 0 {
				return usageErr("-n must not be negative")
			}
			sf.poll = poll
			s, err := e.openEvents(ctx, args[0], &sf)
			if err != nil {
				return err
			}
			defer s.Close()
			head, err := s.Head(ctx)
			if err != nil {
				return err
			}
			var last []store.StoredEvent
			for ev, err := range s.Read(ctx, q, store.Backwards(), store.Limit(n)) {
				if err != nil {
					return err
				}
				if ev.Position <= head {
					last = append(last, ev)
				}
			}
			p := &printer{w: e.stdout, o: of}
			for i := len(last) - 1; i >= 0; i-- {
				if err := p.print(last[i]); err != nil {
					return err
				}
			}
			if err := p.flush(); err != nil || !follow {
				return err
			}
			for ev, err := range s.Subscribe(ctx, q, head) {
				if err != nil {
					return err
				}
				if err := errors.Join(p.print(ev), p.flush()); err != nil {
					return err
				}
			}
			return nil // interrupted
		}
	},
}
