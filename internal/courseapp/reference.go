package courseapp

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// The API reference: GET / renders OpenAPIDocument as one HTML page, on
// the server, with no script and nothing fetched from elsewhere, so a
// learner reads and clicks through the API in any browser. The page is
// derived from the document, never written beside it.

//go:embed reference.html
var referenceHTML string

var referenceTemplate = template.Must(template.New("reference").Funcs(template.FuncMap{
	"blocks": blocks,
	"lower":  strings.ToLower,
}).Parse(referenceHTML))

// referencePage is OpenAPIDocument rendered once: the document never
// changes while the process runs.
var referencePage = sync.OnceValues(func() ([]byte, error) {
	ref, err := newReference(OpenAPIDocument)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := referenceTemplate.Execute(&b, ref); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
})

// serveReference answers GET / with the API reference page.
func serveReference(w http.ResponseWriter, r *http.Request) {
	page, err := referencePage()
	if err != nil {
		writeProblem(w, r, http.StatusInternalServerError, "Internal Server Error", internalDetail)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(page)
}

// serveProblemType answers GET /problems/{name}, a problem's type URI,
// with a redirect to the problem type on the reference page.
func serveProblemType(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !slices.ContainsFunc(ProblemTypes(), func(p ProblemType) bool { return p.Name == name }) {
		writeProblem(w, r, http.StatusNotFound, "Not Found", "There is no problem type "+name+".")
		return
	}
	http.Redirect(w, r, "/#problem-"+name, http.StatusFound)
}

// reference is what the page shows.
type reference struct {
	Title, Version, Description string
	Groups                      []refGroup
	Problems                    []refProblem
	Schemas                     []refSchema
}

type refGroup struct {
	Name       string
	Operations []refOperation
}

type refOperation struct {
	ID, Method, Path, Summary, Description string
	Parameters                             []refField
	Body                                   refType
	Responses                              []refResponse
	// ProblemTypes are the names of the problem types the operation
	// answers with.
	ProblemTypes []string
}

type refField struct {
	Name, In, Description string
	Required              bool
	Type                  refType
}

type refResponse struct {
	Status, Description string
	Headers             []refField
	Type                refType
}

type refProblem struct {
	Name, URI, Title, Description string
}

type refSchema struct {
	Name, Description string
	Type              refType
	Properties        []refField
}

// refType is a schema as the page names it: text, and the schema it
// links to when it is a component.
type refType struct{ Text, Link string }

// The parts of an OpenAPI document the page shows.
type (
	oaDocument struct {
		Info struct {
			Title, Version, Description string
		} `json:"info"`
		Paths      orderedMap[map[string]json.RawMessage] `json:"paths"`
		Components struct {
			Schemas    orderedMap[*oaSchema]  `json:"schemas"`
			Parameters map[string]oaParameter `json:"parameters"`
			Responses  map[string]oaResponse  `json:"responses"`
		} `json:"components"`
	}
	oaOperation struct {
		OperationID string        `json:"operationId"`
		Summary     string        `json:"summary"`
		Description string        `json:"description"`
		Tags        []string      `json:"tags"`
		Parameters  []oaParameter `json:"parameters"`
		RequestBody *struct {
			Content map[string]struct {
				Schema *oaSchema `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
		Responses    orderedMap[oaResponse] `json:"responses"`
		ProblemTypes []string               `json:"x-problem-types"`
	}
	oaParameter struct {
		Ref         string    `json:"$ref"`
		Name        string    `json:"name"`
		In          string    `json:"in"`
		Description string    `json:"description"`
		Required    bool      `json:"required"`
		Schema      *oaSchema `json:"schema"`
	}
	oaResponse struct {
		Ref         string                  `json:"$ref"`
		Description string                  `json:"description"`
		Headers     orderedMap[oaParameter] `json:"headers"`
		Content     map[string]struct {
			Schema *oaSchema `json:"schema"`
		} `json:"content"`
	}
	oaSchema struct {
		Ref         string                `json:"$ref"`
		Type        any                   `json:"type"`
		Format      string                `json:"format"`
		Description string                `json:"description"`
		Enum        []any                 `json:"enum"`
		Items       *oaSchema             `json:"items"`
		Properties  orderedMap[*oaSchema] `json:"properties"`
		Required    []string              `json:"required"`
		AllOf       []*oaSchema           `json:"allOf"`
		AnyOf       []*oaSchema           `json:"anyOf"`
		Const       any                   `json:"const"`
		Title       string                `json:"title"`
		Minimum     *float64              `json:"minimum"`
		Maximum     *float64              `json:"maximum"`
	}
)

// orderedMap is a JSON object whose members keep the document's order.
type orderedMap[V any] struct {
	Keys   []string
	Values map[string]V
}

func (m *orderedMap[V]) UnmarshalJSON(b []byte) error {
	members, err := objectMembers(b)
	if err != nil {
		return err
	}
	m.Values = map[string]V{}
	for _, mem := range members {
		var v V
		if err := json.Unmarshal(mem.value, &v); err != nil {
			return fmt.Errorf("%s: %w", mem.key, err)
		}
		m.Keys = append(m.Keys, mem.key)
		m.Values[mem.key] = v
	}
	return nil
}

// methods are the operations of a path item, in the order the page
// lists them.
var methods = []string{"get", "post", "put", "patch", "delete"}

// newReference reads an OpenAPI document into the page.
func newReference(document []byte) (*reference, error) {
	var doc oaDocument
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, fmt.Errorf("courseapp: the API reference: %w", err)
	}
	ref := &reference{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	groups := map[string]int{}
	for _, path := range doc.Paths.Keys {
		item := doc.Paths.Values[path]
		for _, method := range methods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("courseapp: the API reference: %s %s: %w", method, path, err)
			}
			o := refOperation{ID: op.OperationID, Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description,
				ProblemTypes: op.ProblemTypes}
			for _, p := range op.Parameters {
				if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
					p = doc.Components.Parameters[name]
				}
				o.Parameters = append(o.Parameters, refField{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required, Type: typeOf(p.Schema)})
			}
			if op.RequestBody != nil {
				for _, c := range op.RequestBody.Content {
					o.Body = typeOf(c.Schema)
				}
			}
			for _, status := range op.Responses.Keys {
				resp := op.Responses.Values[status]
				if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
					resp = doc.Components.Responses[name]
				}
				rr := refResponse{Status: status, Description: resp.Description}
				for _, name := range resp.Headers.Keys {
					h := resp.Headers.Values[name]
					rr.Headers = append(rr.Headers, refField{Name: name, Description: h.Description, Required: h.Required, Type: typeOf(h.Schema)})
				}
				for _, c := range resp.Content {
					rr.Type = typeOf(c.Schema)
				}
				o.Responses = append(o.Responses, rr)
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			i, ok := groups[tag]
			if !ok {
				i = len(ref.Groups)
				groups[tag] = i
				ref.Groups = append(ref.Groups, refGroup{Name: tag})
			}
			ref.Groups[i].Operations = append(ref.Groups[i].Operations, o)
		}
	}
	for _, name := range doc.Components.Schemas.Keys {
		s := doc.Components.Schemas.Values[name]
		if name == "ProblemType" {
			for _, t := range s.AnyOf {
				uri, _ := t.Const.(string)
				p := refProblem{URI: uri, Title: t.Title, Description: t.Description}
				name, ok := strings.CutPrefix(uri, ProblemTypePrefix)
				if !ok {
					name = "about-blank"
				}
				p.Name = name
				ref.Problems = append(ref.Problems, p)
			}
		}
		rs := refSchema{Name: name, Description: s.Description, Type: typeOf(s)}
		for _, part := range append([]*oaSchema{s}, s.AllOf...) {
			if name, ok := strings.CutPrefix(part.Ref, "#/components/schemas/"); ok {
				part = doc.Components.Schemas.Values[name]
			}
			for _, p := range part.Properties.Keys {
				ps := part.Properties.Values[p]
				rs.Properties = append(rs.Properties, refField{Name: p, Description: ps.Description, Required: slices.Contains(part.Required, p), Type: typeOf(ps)})
			}
		}
		ref.Schemas = append(ref.Schemas, rs)
	}
	return ref, nil
}

// typeOf names a schema: a component by its name, an array by its items,
// anything else by its type, format, enumeration and bounds.
func typeOf(s *oaSchema) refType {
	switch {
	case s == nil:
		return refType{}
	case s.Ref != "":
		name := s.Ref[strings.LastIndex(s.Ref, "/")+1:]
		return refType{Text: name, Link: "schema-" + name}
	case s.Items != nil:
		t := typeOf(s.Items)
		t.Text = "array of " + t.Text
		return t
	case len(s.AllOf) > 0:
		return refType{Text: "object"}
	}
	text := fmt.Sprint(s.Type)
	if s.Type == nil {
		text = "any"
	}
	if s.Format != "" {
		text += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, v := range s.Enum {
			vs = append(vs, fmt.Sprint(v))
		}
		text += ": " + strings.Join(vs, ", ")
	}
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		text += fmt.Sprintf(", %g to %g", *s.Minimum, *s.Maximum)
	case s.Minimum != nil:
		text += fmt.Sprintf(", at least %g", *s.Minimum)
	}
	return refType{Text: text}
}

// block is a paragraph or a list of a description.
type block struct {
	Text  string
	Items []string
}

// blocks splits a description into paragraphs (separated by a blank
// line) and lists (lines starting with "- ").
func blocks(s string) []block {
	var out []block
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		lines := strings.Split(para, "\n")
		if strings.HasPrefix(lines[0], "- ") {
			var b block
			for _, l := range lines {
				if item, ok := strings.CutPrefix(l, "- "); ok {
					b.Items = append(b.Items, item)
				} else if len(b.Items) > 0 {
					b.Items[len(b.Items)-1] += " " + strings.TrimSpace(l)
				}
			}
			out = append(out, b)
			continue
		}
		out = append(out, block{Text: strings.Join(lines, " ")})
	}
	return out
}
