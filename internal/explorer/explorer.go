// Package explorer serves the Opossum Explorer: a read-only web page over an
// event store, and the JSON endpoints behind it (docs/explorer.md). The page
// is plain HTML, CSS and JavaScript embedded in the binary: no build step,
// no network access beyond the local server.
//
// The explorer only reads. Give it a store opened with
// store.Options.ReadOnly (cmd/opossum's ui command does), so that it takes
// no lock, runs no recovery and writes nothing, while it follows the
// commits of other processes.
//
// Paging is served from the store's index: with a file store a page of the
// timeline reads the event files of that page only, whatever the size of
// the store. Other stores (any store.EventStore) are read through Read.
package explorer

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

//go:embed static
var static embed.FS

// openAPI describes the endpoints; the specs validate every request and
// response of theirs against it.
//
//go:embed openapi.json
var openAPI []byte

// Options configure a Server. The zero value (and nil) serves the store
// with no folder features: no files as stored, no read models.
type Options struct {
	// Dir is the store's folder, shown on the page. Stores with a Dir
	// method (the file store) need not set it.
	Dir string
	// Projections is the folder of the projections' read models. Empty
	// means "projections" inside Dir; no read models are shown without a Dir.
	Projections string
	// Logger receives the errors of requests. Nil discards them.
	Logger *slog.Logger
}

// fileStore is what the file store offers beyond store.EventStore: pages
// from the index, and event files as stored.
type fileStore interface {
	Positions(ctx context.Context, q store.Query, opts ...store.ReadOption) iter.Seq2[store.Position, error]
	ReadEventFile(ctx context.Context, p store.Position) (store.EventFile, error)
}

// Server serves the explorer's page and endpoints. It is an http.Handler,
// safe for concurrent use. It never writes to the store.
type Server struct {
	st   store.EventStore
	fst  fileStore // nil for stores without files
	dir  string
	proj *projection.Inspector
	log  *slog.Logger
	mux  *http.ServeMux
}

// New returns a Server over st.
func New(st store.EventStore, opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Server{st: st, dir: o.Dir, log: o.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.dir == "" {
		if d, ok := st.(interface{ Dir() string }); ok {
			s.dir = d.Dir()
		}
	}
	if f, ok := st.(fileStore); ok {
		s.fst = f
	}
	if o.Projections == "" && s.dir != "" {
		o.Projections = filepath.Join(s.dir, "projections")
	}
	if o.Projections != "" {
		s.proj = projection.Inspect(o.Projections)
	}
	page, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded folder exists: a build without it does not compile
	}
	m := http.NewServeMux()
	m.Handle("GET /", http.FileServerFS(page))
	m.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	m.HandleFunc("GET /api/store", s.handleStore)
	m.HandleFunc("GET /api/events", s.handleEvents)
	m.HandleFunc("GET /api/events/{position}", s.handleEvent)
	m.HandleFunc("GET /api/condition", s.handleCondition)
	m.HandleFunc("GET /api/stream", s.handleStream)
	m.HandleFunc("GET /api/projections", s.handleProjections)
	m.HandleFunc("GET /api/projections/{name}/models", s.handleModels)
	m.HandleFunc("GET /api/projections/{name}/model", s.handleModel)
	s.mux = m
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// storeInfo is the answer of GET /api/store.
type storeInfo struct {
	Dir         string         `json:"dir,omitempty"`
	Head        store.Position `json:"head"`
	Files       bool           `json:"files"`
	Projections bool           `json:"projections"`
}

func (s *Server) handleStore(w http.ResponseWriter, r *http.Request) {
	h, err := s.st.Head(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, storeInfo{Dir: s.dir, Head: h, Files: s.fst != nil, Projections: s.proj != nil})
}

func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) {
	p, err := strconv.ParseUint(r.PathValue("position"), 10, 64)
	if err != nil || p == 0 {
		s.problem(w, r, http.StatusBadRequest, "invalid-parameter", "the position must be a positive number, not "+strconv.Quote(r.PathValue("position")))
		return
	}
	h, err := s.st.Head(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if store.Position(p) > h {
		s.problem(w, r, http.StatusNotFound, "not-found", fmt.Sprintf("no event at position %d: the head is %d", p, h))
		return
	}
	row, err := s.row(r.Context(), store.Position(p), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, row)
}

func (s *Server) handleProjections(w http.ResponseWriter, r *http.Request) {
	h, err := s.st.Head(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type found struct {
		projection.Found
		Lag store.Position `json:"lag"`
	}
	out := struct {
		Head        store.Position `json:"head"`
		Projections []found        `json:"projections"`
	}{Head: h, Projections: []found{}}
	if s.proj != nil {
		fs, err := s.proj.Projections()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, f := range fs {
			lag := store.Position(0)
			if f.Problem == "" && h > f.Position {
				lag = h - f.Position
			}
			out.Projections = append(out.Projections, found{Found: f, Lag: lag})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	if s.proj == nil {
		s.problem(w, r, http.StatusNotFound, "not-found", "this store has no projections folder")
		return
	}
	limit, err := intParam(r, "limit", 50, 1, 500)
	if err != nil {
		s.problem(w, r, http.StatusBadRequest, "invalid-parameter", err.Error())
		return
	}
	out := struct {
		Models []projection.RawItem `json:"models"`
		Next   string               `json:"next,omitempty"`
	}{Models: []projection.RawItem{}}
	for it, err := range s.proj.List(r.Context(), r.PathValue("name"), r.URL.Query().Get("after"), limit+1) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(out.Models) == limit {
			out.Next = out.Models[limit-1].Key
			break
		}
		out.Models = append(out.Models, it)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	if s.proj == nil {
		s.problem(w, r, http.StatusNotFound, "not-found", "this store has no projections folder")
		return
	}
	if !r.URL.Query().Has("key") {
		s.problem(w, r, http.StatusBadRequest, "invalid-parameter", "the key parameter is missing")
		return
	}
	it, err := s.proj.Get(r.PathValue("name"), r.URL.Query().Get("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

// problem is an RFC 9457 problem detail.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// problemBase prefixes the type of every problem; the fragment names the
// rule (docs/explorer.md lists them).
const problemBase = "https://github.com/opossum-go/opossum/blob/main/docs/explorer.md#"

var titles = map[string]string{
	"invalid-query":     "The query is invalid",
	"invalid-parameter": "A parameter is invalid",
	"not-found":         "Not found",
	"damaged":           "A file of the store is damaged",
	"internal":          "The explorer could not read the store",
}

func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, kind, detail string) {
	if status >= 500 {
		s.log.Error("explorer: request failed", "path", r.URL.Path, "err", detail)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{Type: problemBase + kind, Title: titles[kind], Status: status, Detail: detail})
}

// fail answers with the problem err is.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrInvalidQuery):
		s.problem(w, r, http.StatusBadRequest, "invalid-query", err.Error())
	case errors.Is(err, store.ErrInvalidOption), errors.Is(err, store.ErrInvalidEvent), errors.Is(err, projection.ErrInvalidTag):
		s.problem(w, r, http.StatusBadRequest, "invalid-parameter", err.Error())
	case errors.Is(err, projection.ErrNotFound), errors.Is(err, projection.ErrUnknownProjection):
		s.problem(w, r, http.StatusNotFound, "not-found", err.Error())
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, projection.ErrCorrupt):
		s.problem(w, r, http.StatusInternalServerError, "damaged", err.Error())
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		s.problem(w, r, http.StatusInternalServerError, "internal", err.Error())
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// intParam reads an integer parameter within [lo, hi], def when absent.
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, not %q", name, lo, hi, v)
	}
	return n, nil
}

// positionParam reads a position parameter, 0 when absent.
func positionParam(r *http.Request, name string) (store.Position, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s must be a position (a whole number from 0), not %q", name, v)
	}
	return store.Position(n), nil
}
