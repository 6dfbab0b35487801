package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/opossum-go/opossum/internal/explorer"
)

// BenchmarkExplorerPage serves one page of 50 events of the explorer's
// timeline (GET /api/events, the request behind `opossum ui`) from file
// stores of every size, the store of 100 events being the reference: the
// newest page, the oldest page (newest first, before=51), and the newest and
// oldest pages of a type that a tenth of the events have.
func BenchmarkExplorerPage(b *testing.B) {
	pages := []struct{ name, query string }{
		{"first", "limit=50"},
		{"last", "limit=50&before=51"},
		{"type-first", "limit=50&type=Type3"},
		{"type-last", "limit=50&type=Type3&order=oldest"},
	}
	for _, n := range append([]int{100}, sizes()...) {
		for _, p := range pages {
			b.Run(fmt.Sprintf("events=%d/page=%s/store=file", n, p.name), func(b *testing.B) {
				h := explorer.New(fixture(b, kindFile, n), nil)
				req := httptest.NewRequest(http.MethodGet, "/api/events?"+p.query, nil)
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", p.query, w.Code, w.Body)
					}
				}
			})
		}
	}
}
