package courseapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store/projection"
)

// The HTTP API. Routes use the method and wildcard patterns of
// net/http.ServeMux (Go 1.22+). Request bodies are JSON objects whose
// field names match case-insensitively; an unknown field, a malformed body
// or trailing data is a 400. Responses are camelCase JSON; errors are RFC
// 9457 problem details (application/problem+json).
//
// A path without a route is a 404 problem, a method the path does not
// take a 405 problem with Allow, a body whose Content-Type is not JSON a
// 415 problem, a body over 1 MiB a 413 problem; a 500 says only that the
// log has the cause. The OpenAPI document describes them all.
//
// Read models are eventually consistent. Every write that appended events
// answers with the header Opossum-Position: the position of its last
// event. A read that sends Opossum-Min-Position: N waits (up to
// Options.ReadWait) until its read model reflects position N, which gives
// a client read-your-writes; then it answers 503 with Retry-After. A
// position past the store's head is a 400 at once: no wait can reach it.
const (
	PositionHeader    = "Opossum-Position"
	MinPositionHeader = "Opossum-Min-Position"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// Handler returns the HTTP API. It recovers panics into 500 problems.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, f func(w http.ResponseWriter, r *http.Request, in *instance) error) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			in, release, err := a.acquire()
			if err != nil {
				a.writeError(w, r, err)
				return
			}
			defer release()
			if err := f(w, r, in); err != nil {
				a.writeError(w, r, err)
			}
		})
	}

	// Students.
	h("POST /students", a.registerStudent)
	h("PATCH /students/{id}/subscription", a.updateSubscription)
	h("GET /students", a.listStudents)
	h("GET /students/{id}", a.getStudent)
	h("GET /students/{id}/details", a.getStudentDetails)
	h("GET /students/{id}/purchased-books", a.getPurchasedBooks)

	// Courses and enrollments.
	h("POST /courses", a.createCourse)
	h("PATCH /courses/{id}/student-limit", a.modifyStudentLimit)
	h("POST /courses/{id}/enrollments", a.enroll)
	h("GET /courses", a.listCourses)
	h("GET /courses/{id}", a.getCourse)
	h("GET /courses/{id}/details", a.getCourseDetails)
	h("GET /courses/{id}/book-buyers", a.getCourseBuyers)

	// Invoices.
	h("POST /invoices", a.createInvoice)
	h("GET /invoices", a.listInvoices)
	h("GET /invoices/{number}", a.getInvoice)

	// Announcements.
	h("POST /courses/{id}/announcements", a.postAnnouncement)
	h("POST /courses/{id}/announcements/{token}/retract", a.retractAnnouncement)

	// Exam registration tokens.
	h("POST /exams/{examId}/registration-tokens", a.issueToken)
	h("POST /exam-registration-tokens/{tokenId}/redeem", a.redeemToken)
	h("DELETE /exam-registration-tokens/{tokenId}", a.revokeToken)

	// Course books.
	h("POST /course-books", a.defineBook)
	h("PATCH /course-books/{id}/price", a.changePrice)
	h("POST /course-books/{id}/purchase", a.purchaseBook)
	h("POST /course-books/order", a.orderBooks)
	h("GET /course-books", a.listBooks)

	// The aggregate variant.
	h("POST /courses/aggregate", a.aggregateCreate)
	h("PATCH /courses/aggregate/{id}/capacity", a.aggregateCapacity)
	h("POST /courses/aggregate/{id}/subscriptions", a.aggregateSubscribe)

	// Administration.
	h("POST /admin/projections/rebuild", a.rebuildAll)
	h("POST /admin/projections/{name}/rebuild", a.rebuildOne)
	h("GET /admin/projections/status", a.projectionStatus)
	h("GET /admin/projections/checkpoints", a.checkpoints)
	mux.HandleFunc("DELETE /admin/store", a.deleteStore)

	// The application's health, for probes.
	mux.HandleFunc("GET /healthz", a.serveHealthz)

	// The API's description.
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	mux.HandleFunc("GET /openapi/v1.json", serveOpenAPI)
	mux.HandleFunc("GET /{$}", serveReference)
	mux.HandleFunc("GET /problems/{name}", serveProblemType)

	return a.recoverPanics(unrouted(mux))
}

// RequestIDHeader is the response header the server around the handler
// sets to a request's id; a 500's log record names it.
const RequestIDHeader = "X-Request-Id"

// internalDetail is a 500's detail: the cause stays in the log, for the
// operator, never in the answer.
const internalDetail = "An internal error occurred. The server's log has it, under this response's X-Request-Id."

// recoverPanics turns a panic in a handler into a 500 problem. The panic
// value is logged with the request id, never sent to the client.
func (a *App) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.Error("coursemanagement: handler panicked", "method", r.Method, "path", r.URL.Path,
					"request_id", w.Header().Get(RequestIDHeader), "panic", v)
				writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", internalDetail)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// unrouted answers the requests mux has no route for as problems: 404
// for an unknown path, 405 with Allow for a method the path does not
// take (the mux's own answers are text/plain).
func unrouted(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &discard{header: http.Header{}, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			writeProblem(w, r, http.StatusNotFound, "Not Found", "There is no resource at "+r.URL.Path+".")
		case http.StatusMethodNotAllowed:
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			writeProblem(w, r, http.StatusMethodNotAllowed, "Method Not Allowed",
				fmt.Sprintf("%s does not take %s; it takes %s.", r.URL.Path, r.Method, allow))
		default: // a redirect the mux makes (a cleaned path): as it is
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
		}
	})
}

// discard is a ResponseWriter that keeps the status and headers only.
type discard struct {
	header http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(status int)      { d.status = status }

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// writeProblem answers a problem of HTTP itself: its type is about:blank.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	writeTypedProblem(w, r, Problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

// writeTypedProblem answers p, its instance the request's path.
func writeTypedProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// httpError is an error with its own status and title, and headers to
// send with it.
type httpError struct {
	status int
	title  string
	detail string
	header map[string]string
}

func (e *httpError) Error() string { return e.detail }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, title: "Bad Request", detail: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &httpError{status: http.StatusNotFound, title: "Not Found", detail: fmt.Sprintf(format, args...)}
}

// writeError answers err as a problem: a broken rule or a conflict that
// survived its retries with its ProblemType (a rule without one, which a
// spec rules out, as 422 about:blank), anything unexpected as 500, and so
// is a read model stopped by a failed fold, even when the fold's error is
// a rule's.
func (a *App) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	var query *QueryError
	var rule DomainError
	var fold *projection.FoldError
	switch {
	case errors.As(err, &he):
		for k, v := range he.header {
			w.Header().Set(k, v)
		}
		writeProblem(w, r, he.status, he.title, he.detail)
	case errors.As(err, &fold):
		a.log.Error("coursemanagement: read model stopped", "method", r.Method, "path", r.URL.Path,
			"request_id", w.Header().Get(RequestIDHeader), "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", internalDetail)
	case errors.As(err, &rule) || errors.As(err, new(*ConflictError)):
		p, ok := ProblemTypeOf(err)
		if !ok {
			writeProblem(w, r, http.StatusUnprocessableEntity, "Unprocessable Content", err.Error())
			return
		}
		writeTypedProblem(w, r, Problem{Type: p.URI(), Title: p.Title, Status: p.statusFor(r), Detail: err.Error()})
	case errors.As(err, &query):
		writeProblem(w, r, http.StatusBadRequest, "Bad Request", query.Message)
	default:
		a.log.Error("coursemanagement: request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", w.Header().Get(RequestIDHeader), "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", internalDetail)
	}
}

// decodeBody reads the request's JSON body into v. A body whose
// Content-Type is not JSON (application/json or a +json type) is a 415;
// one without a Content-Type is read as JSON.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &httpError{status: http.StatusUnsupportedMediaType, title: "Unsupported Media Type",
				detail: fmt.Sprintf("The request body must be JSON (Content-Type: application/json), not %q.", ct)}
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return badRequest("A JSON request body is required.")
		}
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			return &httpError{status: http.StatusRequestEntityTooLarge, title: "Content Too Large",
				detail: fmt.Sprintf("The request body is larger than %d bytes.", tooLarge.Limit)}
		}
		return badRequest("The request body is not valid: %v", err)
	}
	if dec.More() {
		return badRequest("The request body must hold one JSON object.")
	}
	return nil
}

// pathID returns the route's UUID wildcard name; a value that is not a
// UUID matches no resource (404).
func pathID(r *http.Request, name string) (string, error) {
	id, ok := ParseID(r.PathValue(name))
	if !ok {
		return "", notFound("%q is not an identifier.", r.PathValue(name))
	}
	return id, nil
}

// bodyID checks a UUID of a request body.
func bodyID(field, value string) (string, error) {
	id, ok := ParseID(value)
	if !ok || id == NilID {
		return "", InvalidIDError{Field: field}
	}
	return id, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// written answers a successful write: the position header when it
// appended, Location when it created something, and the body.
func written(w http.ResponseWriter, res Result, status int, location string, body any) {
	if res.Position > 0 {
		w.Header().Set(PositionHeader, strconv.FormatUint(uint64(res.Position), 10))
	}
	if location != "" {
		w.Header().Set("Location", location)
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, body)
}
