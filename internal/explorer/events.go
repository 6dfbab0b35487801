package explorer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/opossum-go/opossum/store"
)

// Row is one event as the endpoints return it.
type Row struct {
	Position store.Position `json:"position"`
	// ID is the event's id, a UUID.
	ID   string      `json:"id,omitempty"`
	Type string      `json:"type,omitempty"`
	Tags []store.Tag `json:"tags"`
	// Time is the event's metadata timestamp.
	Time     time.Time       `json:"time,omitzero"`
	Data     json.RawMessage `json:"data,omitempty"`
	Metadata *store.Metadata `json:"metadata,omitempty"`
	// Batch is the range of positions appended together with the event;
	// absent for stores without files and for damaged files.
	Batch *Batch `json:"batch,omitempty"`
	// File and Raw are the event's file and its content as stored, on the
	// event endpoint of a file store.
	File string `json:"file,omitempty"`
	Raw  string `json:"raw,omitempty"`
	// Matched lists the indexes of the query items the event matches.
	Matched []int `json:"matched,omitempty"`
	// Conflict marks an event that makes the append condition fail.
	Conflict bool `json:"conflict,omitempty"`
	// Damaged says why the event file cannot be read.
	Damaged string `json:"damaged,omitempty"`
}

// Batch is a range of positions appended in one Append.
type Batch struct {
	First store.Position `json:"first"`
	Last  store.Position `json:"last"`
}

// pageRequest is a parsed GET /api/events.
type pageRequest struct {
	q           store.Query
	newest      bool
	limit       int
	cursor      store.Position // newest: positions below it (0: from the head); oldest: above it
	correlation string
	causation   string
	condition   *store.Position // the After of an append condition to check, if any
}

// page is the answer of GET /api/events.
type page struct {
	Head   store.Position `json:"head"`
	Order  string         `json:"order"`
	Query  rendered       `json:"query"`
	Events []Row          `json:"events"`
	// Next is the cursor of the next page (before= for newest first,
	// after= for oldest first); absent on the last page.
	Next store.Position `json:"next,omitempty"`
	// Scanned counts the events read to filter by correlation or
	// causation, which the index does not cover.
	Scanned   int        `json:"scanned,omitempty"`
	Condition *condition `json:"condition,omitempty"`
}

// maxScan bounds the events one request reads to filter by metadata.
const maxScan = 10000

// window is how many events a page of a store without files reads at once
// when it pages newest first through all events.
const window = 64

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	req, err := parsePageRequest(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.page(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func parsePageRequest(r *http.Request) (pageRequest, error) {
	var req pageRequest
	var err error
	if req.q, err = queryParam(r); err != nil {
		return req, err
	}
	v := r.URL.Query()
	switch v.Get("order") {
	case "", "newest":
		req.newest = true
	case "oldest":
	default:
		return req, fmt.Errorf("%w: order must be newest or oldest, not %q", store.ErrInvalidOption, v.Get("order"))
	}
	if req.limit, err = intParam(r, "limit", 50, 1, 500); err != nil {
		return req, fmt.Errorf("%w: %v", store.ErrInvalidOption, err)
	}
	cursor := "after"
	if req.newest {
		cursor = "before"
		if v.Has("after") {
			return req, fmt.Errorf("%w: newest first pages with before=, not after=", store.ErrInvalidOption)
		}
	} else if v.Has("before") {
		return req, fmt.Errorf("%w: oldest first pages with after=, not before=", store.ErrInvalidOption)
	}
	if req.cursor, err = positionParam(r, cursor); err != nil {
		return req, fmt.Errorf("%w: %v", store.ErrInvalidOption, err)
	}
	req.correlation, req.causation = v.Get("correlation"), v.Get("causation")
	if v.Has("conditionAfter") {
		a, err := positionParam(r, "conditionAfter")
		if err != nil {
			return req, fmt.Errorf("%w: %v", store.ErrInvalidOption, err)
		}
		req.condition = &a
	}
	return req, nil
}

// candidate is a position to show, with its event when the source read it.
type candidate struct {
	p  store.Position
	ev *store.StoredEvent
}

// page reads one page of events.
func (s *Server) page(ctx context.Context, req pageRequest) (page, error) {
	head, err := s.st.Head(ctx)
	if err != nil {
		return page{}, err
	}
	out := page{Head: head, Order: "oldest", Query: s.render(req.q), Events: []Row{}}
	if req.newest {
		out.Order = "newest"
	}
	if req.condition != nil {
		c, err := s.check(ctx, req.q, *req.condition)
		if err != nil {
			return page{}, err
		}
		out.Condition = &c
	}
	items := req.q.QueryItems()
	byMeta := req.correlation != "" || req.causation != ""
	for c, err := range s.candidates(ctx, req.q, req.newest, req.cursor, head) {
		if err != nil {
			return page{}, err
		}
		row, err := s.rowOf(ctx, c, items)
		if err != nil {
			return page{}, err
		}
		if byMeta {
			if out.Scanned++; out.Scanned > maxScan {
				out.Next = c.p
				if req.newest {
					out.Next++ // before= is exclusive: this one is not scanned yet
				} else {
					out.Next--
				}
				break
			}
			if row.Damaged == "" && (req.correlation != "" && row.Metadata.CorrelationID != req.correlation ||
				req.causation != "" && row.Metadata.CausationID != req.causation) {
				continue
			}
		}
		if len(out.Events) == req.limit {
			out.Next = out.Events[req.limit-1].Position
			break
		}
		if req.condition != nil {
			row.Conflict = row.Position > *req.condition
		}
		row.File, row.Raw = "", "" // the event endpoint has them
		out.Events = append(out.Events, row)
	}
	return out, nil
}

// candidates yields the positions matching q up to head, newest or oldest
// first, beyond the cursor.
func (s *Server) candidates(ctx context.Context, q store.Query, newest bool, cursor, head store.Position) iter.Seq2[candidate, error] {
	return func(yield func(candidate, error) bool) {
		if err := q.Validate(); err != nil {
			yield(candidate{}, err)
			return
		}
		top := head
		if newest && cursor > 0 && cursor-1 < head {
			top = cursor - 1
		}
		switch {
		case newest && q.IsAll() && s.fst != nil:
			// Positions are gap-free: the page needs no index at all.
			for p := top; p > 0; p-- {
				if !yield(candidate{p: p}, nil) {
					return
				}
			}
		case newest && q.IsAll():
			// The same, read a window at a time, newest window first.
			for hi := top; hi > 0; {
				lo := hi - min(hi, window)
				var evs []store.StoredEvent
				for e, err := range s.st.Read(ctx, q, store.After(lo), store.Limit(int(hi-lo))) {
					if err != nil {
						yield(candidate{}, err)
						return
					}
					evs = append(evs, e)
				}
				for i := len(evs) - 1; i >= 0; i-- {
					if !yield(candidate{p: evs[i].Position, ev: &evs[i]}, nil) {
						return
					}
				}
				hi = lo
			}
		case s.fst != nil:
			opts := []store.ReadOption{store.After(cursor)}
			if newest {
				opts = []store.ReadOption{store.Backwards()}
			}
			for p, err := range s.fst.Positions(ctx, q, opts...) {
				if err != nil || p <= top {
					if !yield(candidate{p: p}, err) {
						return
					}
				}
				if err != nil {
					return
				}
			}
		default:
			opts := []store.ReadOption{store.After(cursor)}
			if newest {
				opts = []store.ReadOption{store.Backwards()}
			}
			for e, err := range s.st.Read(ctx, q, opts...) {
				if err != nil {
					yield(candidate{}, err)
					return
				}
				if e.Position <= top && !yield(candidate{p: e.Position, ev: &e}, nil) {
					return
				}
			}
		}
	}
}

// rowOf returns the row of a candidate, reading its event when needed.
func (s *Server) rowOf(ctx context.Context, c candidate, items []store.QueryItem) (Row, error) {
	if c.ev != nil {
		return newRow(*c.ev, items), nil
	}
	return s.row(ctx, c.p, items)
}

// row reads the event at p (1 <= p <= head). A damaged event file is a row
// that says so, not an error, so that the rest stays browsable.
func (s *Server) row(ctx context.Context, p store.Position, items []store.QueryItem) (Row, error) {
	if s.fst == nil {
		for e, err := range s.st.Read(ctx, store.All(), store.After(p-1), store.Limit(1)) {
			if err != nil {
				return damagedRow(p, err)
			}
			return newRow(e, items), nil
		}
		return Row{}, fmt.Errorf("explorer: no event at position %d", p)
	}
	f, err := s.fst.ReadEventFile(ctx, p)
	if err != nil {
		row, err := damagedRow(p, err)
		row.File, row.Raw = f.Path, string(f.Raw)
		return row, err
	}
	row := newRow(f.Event, items)
	row.Batch = &Batch{First: f.BatchFirst, Last: f.BatchLast}
	row.File, row.Raw = f.Path, string(f.Raw)
	return row, nil
}

func damagedRow(p store.Position, err error) (Row, error) {
	if !errors.Is(err, store.ErrCorrupt) {
		return Row{}, err
	}
	return Row{Position: p, Tags: []store.Tag{}, Damaged: err.Error()}, nil
}

func newRow(e store.StoredEvent, items []store.QueryItem) Row {
	md := e.Metadata
	row := Row{Position: e.Position, Type: e.Type, Tags: e.Tags, Time: md.Timestamp, Data: e.Data, Metadata: &md}
	if !e.ID.IsZero() {
		row.ID = e.ID.String()
	}
	if row.Tags == nil {
		row.Tags = []store.Tag{}
	}
	for i, it := range items {
		if store.Items(it).Matches(&e.Event) {
			row.Matched = append(row.Matched, i)
		}
	}
	return row
}

// condition is the verdict on an append condition.
type condition struct {
	After store.Position `json:"after"`
	// WouldFail says whether an Append with this condition would fail now.
	WouldFail bool `json:"wouldFail"`
	// Latest is the newest event matching the query (0: none); the append
	// fails when it is after After.
	Latest store.Position `json:"latest"`
	// Conflicts counts the matching events after After (at most maxScan
	// are counted for stores without an index).
	Conflicts int `json:"conflicts"`
	// Go is the condition as Go code.
	Go string `json:"go"`
}

// check judges the condition (q, after) as Append would, by the store's
// rule: the append fails when an event matching q has a position after after.
func (s *Server) check(ctx context.Context, q store.Query, after store.Position) (condition, error) {
	last, err := s.st.ReadLast(ctx, q)
	if err != nil {
		return condition{}, err
	}
	c := condition{After: after, Go: goCondition(q, after)}
	if last != nil {
		c.Latest = last.Position
	}
	c.WouldFail = c.Latest > after
	if !c.WouldFail {
		return c, nil
	}
	if s.fst != nil {
		for _, err := range s.fst.Positions(ctx, q, store.After(after)) {
			if err != nil {
				return condition{}, err
			}
			c.Conflicts++
		}
		return c, nil
	}
	for _, err := range s.st.Read(ctx, q, store.After(after), store.Limit(maxScan)) {
		if err != nil {
			return condition{}, err
		}
		c.Conflicts++
	}
	return c, nil
}

func (s *Server) handleCondition(w http.ResponseWriter, r *http.Request) {
	q, err := queryParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := q.Validate(); err != nil {
		s.fail(w, r, err)
		return
	}
	after, err := positionParam(r, "after")
	if err != nil {
		s.problem(w, r, http.StatusBadRequest, "invalid-parameter", err.Error())
		return
	}
	c, err := s.check(r.Context(), q, after)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		condition
		Query rendered `json:"query"`
	}{c, s.render(q)})
}
