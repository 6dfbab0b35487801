package explorer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store"
)

// queryParam reads the query of a request: query= as JSON (the form of
// store.Query's MarshalJSON), or type= and tag= as one item (types OR-ed,
// tags AND-ed, as cmd/opossum's --type and --tag), or all events when none
// is given. The result may still be invalid; callers Validate it.
func queryParam(r *http.Request) (store.Query, error) {
	v := r.URL.Query()
	types, tags := v["type"], v["tag"]
	if v.Has("query") {
		if len(types) > 0 || len(tags) > 0 {
			return store.Query{}, fmt.Errorf("%w: give the query as query= or as type= and tag=, not both", store.ErrInvalidQuery)
		}
		return store.ParseQuery([]byte(v.Get("query")))
	}
	if len(types) == 0 && len(tags) == 0 {
		return store.All(), nil
	}
	it := store.QueryItem{Types: types}
	for _, s := range tags {
		t, err := store.ParseTag(s)
		if err != nil {
			return store.Query{}, fmt.Errorf("%w: %v", store.ErrInvalidQuery, err)
		}
		it.Tags = append(it.Tags, t)
	}
	return store.Items(it), nil
}

// rendered is a query in the forms the page teaches.
type rendered struct {
	// JSON is the query as store.ParseQuery reads it.
	JSON json.RawMessage `json:"json"`
	// Text is store.Query's String form, which cmd/opossum's query reads.
	Text string `json:"text"`
	// Go is Go code that builds the query with the store package.
	Go string `json:"go"`
	// CLI is the cmd/opossum command line that lists the same events.
	CLI string `json:"cli"`
}

func (s *Server) render(q store.Query) rendered {
	b, _ := json.Marshal(q) // a Query always marshals
	dir := s.dir
	if dir == "" {
		dir = "STORE"
	}
	return rendered{JSON: b, Text: q.String(), Go: goQuery(q), CLI: cliQuery(q, dir)}
}

// goQuery renders q as Go code calling the store package.
func goQuery(q store.Query) string {
	if q.IsAll() {
		return "store.All()"
	}
	items := q.QueryItems()
	lines := make([]string, len(items))
	for i, it := range items {
		var fields []string
		if len(it.Types) > 0 {
			ts := make([]string, len(it.Types))
			for j, t := range it.Types {
				ts[j] = strconv.Quote(t)
			}
			fields = append(fields, "Types: []string{"+strings.Join(ts, ", ")+"}")
		}
		if len(it.Tags) > 0 {
			ts := make([]string, len(it.Tags))
			for j, t := range it.Tags {
				ts[j] = "store.NewTag(" + strconv.Quote(t.Key) + ", " + strconv.Quote(t.Value) + ")"
			}
			fields = append(fields, "Tags: []store.Tag{"+strings.Join(ts, ", ")+"}")
		}
		lines[i] = "store.QueryItem{" + strings.Join(fields, ", ") + "}"
	}
	if len(lines) == 1 {
		return "store.Items(" + lines[0] + ")"
	}
	return "store.Items(\n\t" + strings.Join(lines, ",\n\t") + ",\n)"
}

// goCondition renders the append condition (q, after) as Go code.
func goCondition(q store.Query, after store.Position) string {
	return "store.Guard(" + goQuery(q) + ", " + strconv.FormatUint(uint64(after), 10) + ")"
}

// cliQuery renders q as the cmd/opossum command line that prints the same
// events: --type and --tag for one item, the text form for several, JSON
// when a name holds a character the other forms cannot carry.
func cliQuery(q store.Query, dir string) string {
	cmd := "opossum query " + shellQuote(dir)
	if q.IsAll() {
		return cmd + " all"
	}
	items := q.QueryItems()
	if len(items) == 1 && flagSafe(items[0]) {
		var b strings.Builder
		b.WriteString(cmd)
		for _, t := range items[0].Types {
			b.WriteString(" --type " + shellQuote(t))
		}
		for _, t := range items[0].Tags {
			b.WriteString(" --tag " + shellQuote(t.String()))
		}
		return b.String()
	}
	for _, it := range items {
		if !textSafe(it) {
			j, _ := json.Marshal(q)
			return cmd + " " + shellQuote(string(j))
		}
	}
	return cmd + " " + shellQuote(q.String())
}

// flagSafe reports whether --type and --tag carry it exactly: --type
// splits at commas and trims spaces.
func flagSafe(it store.QueryItem) bool {
	for _, t := range it.Types {
		if strings.Contains(t, ",") || strings.TrimSpace(t) != t {
			return false
		}
	}
	return true
}

// textSafe reports whether the text form "(A|B)[k:v]" carries it exactly.
func textSafe(it store.QueryItem) bool {
	bad := func(s string) bool {
		return strings.ContainsAny(s, "|()[],") || strings.Contains(s, " OR ") || strings.TrimSpace(s) != s || s == "all"
	}
	for _, t := range it.Types {
		if bad(t) {
			return false
		}
	}
	for _, t := range it.Tags {
		if bad(t.Key) || bad(t.Value) {
			return false
		}
	}
	return true
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
