// Package openapitest holds HTTP APIs to their OpenAPI documents in specs:
// a client transport that checks every request and response it carries
// against a document, and a check of a single request for exchanges whose
// body never ends (a stream of server-sent events).
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// registerDecoders lets bodies of types kin-openapi does not decode be
// checked as text: a served HTML page, for one.
var registerDecoders = sync.OnceFunc(func() {
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
})

// Document is a loaded, valid OpenAPI document with a router over its
// operations. It is safe for concurrent use.
type Document struct {
	router routers.Router
	// problem is the schema named Problem, when the document has one: the
	// shape of the 404 and 405 answers to a request no operation takes.
	problem *openapi3.Schema
}

// Load parses data as an OpenAPI document and validates it. Its servers
// are ignored: specs serve on whatever port is free, so routing matches
// paths and methods only.
func Load(data []byte) (*Document, error) {
	registerDecoders()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	d := &Document{router: router}
	if s := doc.Components.Schemas["Problem"]; s != nil {
		d.problem = s.Value
	}
	return d, nil
}

// CheckRequest reports whether the document describes req (its path and
// method) and finds it valid: parameters and body. It reads req's body
// and leaves an identical one in its place.
func (d *Document) CheckRequest(req *http.Request) error {
	body, err := readBody(&req.Body)
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := d.router.FindRoute(check)
	if err != nil {
		return fmt.Errorf("%s %s: the document has no such operation: %w", req.Method, req.URL.RequestURI(), err)
	}
	return openapi3filter.ValidateRequest(req.Context(), &openapi3filter.RequestValidationInput{
		Request: check, PathParams: params, Route: route, Options: &openapi3filter.Options{MultiError: true}})
}

// Check is a further check of an exchange the document describes, made
// after the response matched its operation. It returns what it finds
// wrong, or nil.
type Check func(req *http.Request, op *openapi3.Operation, resp *http.Response, body []byte) error

// Validator is an http.RoundTripper that checks every exchange against a
// Document and collects each mismatch; Err reports them. It is safe for
// concurrent use. It reads each response body whole, so it does not suit
// a response that never ends.
//
// What it holds an API to:
//   - a request for a path and method the document describes gets a
//     response the operation describes: status, headers and body;
//   - a request the document calls invalid (a body of the wrong shape, a
//     parameter out of its schema) is not answered with success: the
//     server refuses what the document refuses (or fails before it looks);
//   - a request for a path or method the document does not describe gets
//     a 404 or a 405, as application/problem+json matching the schema
//     Problem where the document has one;
//   - whatever the Checks given to NewValidator say.
type Validator struct {
	doc    *Document
	next   http.RoundTripper
	checks []Check
	mu     sync.Mutex
	errs   []error
}

// NewValidator returns a Validator of doc that sends requests through next
// (http.DefaultTransport when nil) and runs checks on every exchange an
// operation of doc describes.
func NewValidator(doc *Document, next http.RoundTripper, checks ...Check) *Validator {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Validator{doc: doc, next: next, checks: checks}
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

	route, params, err := v.doc.router.FindRoute(check)
	if err != nil {
		v.checkUnrouted(req, resp, respBody, err)
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
	for _, c := range v.checks {
		if err := c(req, route.Operation, resp, respBody); err != nil {
			v.fail(req, "%v", err)
		}
	}
	return resp, nil
}

// checkUnrouted checks the answer to a request no operation takes: a 404
// or 405 problem.
func (v *Validator) checkUnrouted(req *http.Request, resp *http.Response, body []byte, routeErr error) {
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
	if v.doc.problem == nil {
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
	if err := v.doc.problem.VisitJSON(value, openapi3.EnableJSONSchema2020()); err != nil {
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
