// Package courseapptest holds what the specs of the CourseManagement HTTP
// API share: a client transport that holds every request and response to
// the API's OpenAPI document.
package courseapptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/opossum-go/opossum/internal/courseapp"
)

// document is courseapp.OpenAPIDocument, loaded and validated once, with a
// router over its operations and the Problem schema that answers a request
// no operation takes.
var document = sync.OnceValues(func() (*loaded, error) {
	// The reference page is text: its body is checked as a string.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	doc, err := openapi3.NewLoader().LoadFromData(courseapp.OpenAPIDocument)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	// The document names the default address; the specs serve on
	// whatever port is free. Routing ignores the host.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	problem := doc.Components.Schemas["Problem"]
	if problem == nil || problem.Value == nil {
		return nil, errors.New("openapi.json: no Problem schema")
	}
	return &loaded{router: router, problem: problem.Value}, nil
})

type loaded struct {
	router  routers.Router
	problem *openapi3.Schema
}

// Validator is an http.RoundTripper that checks every exchange against
// the OpenAPI document of internal/courseapp and collects each mismatch;
// Err reports them. It is safe for concurrent use.
//
// What it holds the API to:
//   - a request for a path and method the document describes gets a
//     response the operation describes: status, headers and body;
//   - a request the document calls invalid (a body of the wrong shape, a
//     parameter out of its schema) is not answered with success: the
//     server refuses what the document refuses (or fails before it looks);
//   - a request for a path or method the document does not describe gets
//     a 404 or 405 problem (application/problem+json matching Problem);
//   - a problem of a broken rule's type is one the operation lists in
//     its x-problem-types.
type Validator struct {
	next http.RoundTripper
	mu   sync.Mutex
	errs []error
}

// NewValidator returns a Validator that sends requests through next
// (http.DefaultTransport when nil). It fails when the document does not
// load or is not a valid OpenAPI document.
func NewValidator(next http.RoundTripper) (*Validator, error) {
	if _, err := document(); err != nil {
		return nil, err
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &Validator{next: next}, nil
}

// Err returns every mismatch seen so far, joined, or nil.
func (v *Validator) Err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return errors.Join(v.errs...)
}

func (v *Validator) fail(req *http.Request, format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.errs = append(v.errs, fmt.Errorf("%s %s: %s", req.Method, req.URL.RequestURI(), fmt.Sprintf(format, args...)))
}

// RoundTrip sends req through the next transport and checks the exchange.
// The response is returned whatever the check finds, its body intact.
func (v *Validator) RoundTrip(req *http.Request) (*http.Response, error) {
	d, err := document()
	if err != nil {
		return nil, err
	}
	reqBody, err := readBody(&req.Body)
	if err != nil {
		return nil, err
	}
	// The request is checked on a copy, so validation cannot change what
	// is sent.
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(reqBody))
	out := req.Clone(req.Context())
	if reqBody != nil {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}

	resp, err := v.next.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	respBody, err := readBody(&resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	route, params, err := d.router.FindRoute(check)
	if err != nil {
		v.checkUnrouted(d, req, resp, respBody, err)
		return resp, nil
	}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true}}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil && resp.StatusCode < 400 {
		v.fail(req, "the document refuses the request (%v), the server answered %d", err, resp.StatusCode)
	}
	if err := openapi3filter.ValidateResponse(req.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body:    io.NopCloser(bytes.NewReader(respBody)),
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}); err != nil {
		v.fail(req, "the response %d %s does not match the document: %v", resp.StatusCode, respBody, err)
	}
	v.checkProblemType(req, route.Operation, resp, respBody)
	return resp, nil
}

// ProblemTypesExtension is the member of an operation that lists the
// names of the problem types it answers with (courseapp.ProblemType).
const ProblemTypesExtension = "x-problem-types"

// checkProblemType checks that a problem of a broken rule's type is one
// the operation lists in ProblemTypesExtension.
func (v *Validator) checkProblemType(req *http.Request, op *openapi3.Operation, resp *http.Response, body []byte) {
	if resp.Header.Get("Content-Type") != "application/problem+json" {
		return
	}
	var p struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Type == "about:blank" {
		return // the schema check reports a broken problem
	}
	listed, _ := op.Extensions[ProblemTypesExtension].([]any)
	name, _ := strings.CutPrefix(p.Type, courseapp.ProblemTypePrefix)
	if !slices.Contains(listed, any(name)) {
		v.fail(req, "the operation answered the problem type %s, which its %s %v do not list", p.Type, ProblemTypesExtension, listed)
	}
}

// checkUnrouted checks the answer to a request no operation takes: a 404
// or 405 problem.
func (v *Validator) checkUnrouted(d *loaded, req *http.Request, resp *http.Response, body []byte, routeErr error) {
	want := http.StatusNotFound
	// The legacy router answers with a fresh RouteError carrying the
	// reason of routers.ErrMethodNotAllowed rather than the error itself.
	var re *routers.RouteError
	if errors.As(routeErr, &re) && re.Reason == routers.ErrMethodNotAllowed.Error() {
		want = http.StatusMethodNotAllowed
	}
	if resp.StatusCode != want {
		v.fail(req, "the document has no such operation (%v), so the answer should be %d, not %d", routeErr, want, resp.StatusCode)
		return
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		v.fail(req, "the answer %d is %q, not a problem", resp.StatusCode, ct)
		return
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		v.fail(req, "the problem is not JSON: %v", err)
		return
	}
	if err := d.problem.VisitJSON(value, openapi3.EnableJSONSchema2020()); err != nil {
		v.fail(req, "the problem does not match Problem: %v", err)
	}
}

// readBody reads *body whole and closes it; a nil body reads as nil.
func readBody(body *io.ReadCloser) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	defer (*body).Close()
	return io.ReadAll(*body)
}
