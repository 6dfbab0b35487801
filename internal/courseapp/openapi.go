package courseapp

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// serveOpenAPI serves OpenAPIDocument with its servers replaced by the
// address the request reached (see ServedDocument).
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	doc, err := ServedDocument(r)
	if err != nil {
		writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", internalDetail)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}

// OpenAPIDocument is the OpenAPI 3.1 description of the HTTP API, served
// at GET /openapi.json: the file openapi.json of this package, written by
// hand. A spec checks that it describes exactly the routes the API serves,
// and the HTTP specs send every request through courseapptest.Validator,
// which fails them on any request or response the document does not
// describe, and CI lints it with Redocly CLI's recommended rules
// (redocly.yaml). Its one server is "/", the server that serves it; the
// served document names the address actually served.
//
//go:embed openapi.json
var OpenAPIDocument []byte

// documentMembers is OpenAPIDocument's top-level members, in order.
var documentMembers = sync.OnceValues(func() ([]member, error) { return objectMembers(OpenAPIDocument) })

// objectMembers returns the members of the JSON object b, in order.
func objectMembers(b []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("courseapp: not a JSON object (%v)", err)
	}
	var out []member
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{k.(string), v})
	}
	return out, nil
}

type member struct {
	key   string
	value json.RawMessage
}

// ServedDocument returns OpenAPIDocument as served in answer to r: its
// servers are the one server r reached, http or https as r came, at the
// Host r named (the listener's address when r named none). The rest of
// the document is as written, in the same order.
func ServedDocument(r *http.Request) ([]byte, error) {
	members, err := documentMembers()
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			host = addr.String()
		}
	}
	servers, err := json.Marshal([]map[string]string{{"url": scheme + "://" + host, "description": "The server that served this document."}})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("{")
	for i, m := range members {
		if i > 0 {
			b.WriteString(",")
		}
		key, _ := json.Marshal(m.key)
		b.Write(key)
		b.WriteString(":")
		if m.key == "servers" {
			b.Write(servers)
		} else {
			b.Write(m.value)
		}
	}
	b.WriteString("}")
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
