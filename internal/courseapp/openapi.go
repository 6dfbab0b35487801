package courseapp

import (
	_ "embed"
	"net/http"
)

// serveOpenAPI serves OpenAPIDocument.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(OpenAPIDocument)
}

// OpenAPIDocument is the OpenAPI 3.1 description of the HTTP API, served
// at GET /openapi.json: the file openapi.json of this package, written by
// hand. A spec checks that it describes exactly the routes the API serves,
// and the HTTP specs send every request through courseapptest.Validator,
// which fails them on any request or response the document does not
// describe.
//
//go:embed openapi.json
var OpenAPIDocument []byte
