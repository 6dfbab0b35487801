package explorer_test

import (
	"io"
	"net/http"
	"os"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/openapitest"
)

// openAPIDocument is openapi.json, loaded and checked once.
var openAPIDocument = sync.OnceValues(func() (*openapitest.Document, error) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	return openapitest.Load(b)
})

// getValidated sends GET url, checks the request and the response against
// openapi.json (openapitest.Validator: a request the document refuses must
// be refused), and returns the response with its body read.
func getValidated(url string) (*http.Response, []byte) {
	GinkgoHelper()
	doc, err := openAPIDocument()
	Expect(err).NotTo(HaveOccurred(), "openapi.json")
	v := openapitest.NewValidator(doc, nil)
	res, err := (&http.Client{Transport: v}).Get(url)
	Expect(err).NotTo(HaveOccurred())
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(v.Err()).NotTo(HaveOccurred(), "the exchange with %s", url)
	return res, body
}

// expectDescribed checks that openapi.json describes req and finds it
// valid, for a request whose answer never ends (a stream).
func expectDescribed(req *http.Request) {
	GinkgoHelper()
	doc, err := openAPIDocument()
	Expect(err).NotTo(HaveOccurred(), "openapi.json")
	Expect(doc.CheckRequest(req)).To(Succeed())
}
