// Package courseapptest holds what the specs of the CourseManagement HTTP
// API share: a client transport that holds every request and response to
// the API's OpenAPI document.
package courseapptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/internal/openapitest"
)

// document is courseapp.OpenAPIDocument, loaded and validated once.
var document = sync.OnceValues(func() (*openapitest.Document, error) {
	return openapitest.Load(courseapp.OpenAPIDocument)
})

// Validator is the transport NewValidator returns.
type Validator = openapitest.Validator

// NewValidator returns an openapitest.Validator of the OpenAPI document of
// internal/courseapp that sends requests through next
// (http.DefaultTransport when nil). Beyond what every such Validator
// checks, a problem of a broken rule's type must be one the operation
// lists in its x-problem-types. It fails when the document does not load
// or is not a valid OpenAPI document.
func NewValidator(next http.RoundTripper) (*Validator, error) {
	doc, err := document()
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return openapitest.NewValidator(doc, next, checkProblemType), nil
}

// ProblemTypesExtension is the member of an operation that lists the
// names of the problem types it answers with (courseapp.ProblemType).
const ProblemTypesExtension = "x-problem-types"

// checkProblemType checks that a problem of a broken rule's type is one
// the operation lists in ProblemTypesExtension.
func checkProblemType(_ *http.Request, op *openapi3.Operation, resp *http.Response, body []byte) error {
	if resp.Header.Get("Content-Type") != "application/problem+json" {
		return nil
	}
	var p struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Type == "about:blank" {
		return nil // the schema check reports a broken problem
	}
	listed, _ := op.Extensions[ProblemTypesExtension].([]any)
	name, _ := strings.CutPrefix(p.Type, courseapp.ProblemTypePrefix)
	if !slices.Contains(listed, any(name)) {
		return fmt.Errorf("the operation answered the problem type %s, which its %s %v do not list", p.Type, ProblemTypesExtension, listed)
	}
	return nil
}
