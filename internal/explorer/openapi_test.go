package explorer_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// openAPIRouter finds the operations of openapi.json, loaded and checked
// once.
var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	// The page is text like any other.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

// validatedRequest checks that req is a request openapi.json describes and
// returns what validating its response needs. A request the spec makes
// invalid on purpose is only routed: its response is what is checked.
func validatedRequest(req *http.Request, invalid bool) *openapi3filter.RequestValidationInput {
	GinkgoHelper()
	router, err := openAPIRouter()
	Expect(err).NotTo(HaveOccurred(), "openapi.json")
	route, params, err := router.FindRoute(req)
	Expect(err).NotTo(HaveOccurred(), "openapi.json describes %s %s", req.Method, req.URL)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true}}
	if !invalid {
		Expect(openapi3filter.ValidateRequest(req.Context(), in)).To(Succeed(), "the request %s", req.URL)
	}
	return in
}

// getValidated sends GET url, checks the request (unless it is invalid on
// purpose) and the response against openapi.json, and returns the response
// with its body read.
func getValidated(url string, invalid ...bool) (*http.Response, []byte) {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	Expect(err).NotTo(HaveOccurred())
	in := validatedRequest(req, len(invalid) > 0 && invalid[0])
	res, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(openapi3filter.ValidateResponse(req.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	})).To(Succeed(), "the response to %s: %d %s", url, res.StatusCode, body)
	return res, body
}
