package explorer

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/opossum-go/opossum/store"
)

// keepAlive is how often an idle stream sends a comment, so that proxies
// and browsers keep the connection and a closed one is noticed.
const keepAlive = 15 * time.Second

// handleStream serves GET /api/stream: server-sent events, one "append"
// event per committed event after the position given by after= or the
// Last-Event-ID header (default: the head when the stream opens), with the
// position as its id and the row as its data. It follows the commits of
// every process. A damaged event file is sent as a row that says so, and
// the stream goes on after it.
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	from := r.URL.Query().Get("after")
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		from = id
	}
	var after store.Position
	if from != "" {
		n, err := strconv.ParseUint(from, 10, 64)
		if err != nil {
			s.problem(w, r, http.StatusBadRequest, "invalid-parameter", "after must be a position, not "+strconv.Quote(from))
			return
		}
		after = store.Position(n)
	} else {
		h, err := s.st.Head(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		after = h
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 1000\nevent: ready\ndata: {\"after\":%d}\n\n", after)
	if rc.Flush() != nil {
		return
	}

	type next struct {
		row Row
		err error
	}
	ch := make(chan next)
	go func() {
		defer close(ch)
		for {
			resume := false
			for e, err := range s.st.Subscribe(ctx, store.All(), after) {
				var row Row
				if err == nil {
					row, err = s.rowOf(ctx, candidate{p: e.Position, ev: fileless(s, e)}, nil)
				} else {
					var ce *store.CorruptionError
					if errors.As(err, &ce) && ce.Position > after {
						row, err = damagedRow(ce.Position, err)
						resume = err == nil
					}
				}
				select {
				case ch <- next{row, err}:
				case <-ctx.Done():
					return
				}
				if err != nil {
					return
				}
				after = row.Position
				if resume {
					break // go on after the damaged event
				}
			}
			if !resume || ctx.Err() != nil {
				return
			}
		}
	}()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case n, ok := <-ch:
			if !ok {
				return
			}
			if n.err != nil {
				b, _ := json.Marshal(problem{Type: problemBase + "internal", Title: titles["internal"], Status: 500, Detail: n.err.Error()})
				fmt.Fprintf(w, "event: problem\ndata: %s\n\n", b)
				_ = rc.Flush()
				return
			}
			b, err := json.Marshal(n.row)
			if err != nil {
				return
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: append\ndata: %s\n\n", n.row.Position, b); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// fileless returns e for a store without files, whose subscription already
// read it, and nil for a file store, whose row is read from its file (for
// the batch it was appended with).
func fileless(s *Server, e store.StoredEvent) *store.StoredEvent {
	if s.fst != nil {
		return nil
	}
	return &e
}
