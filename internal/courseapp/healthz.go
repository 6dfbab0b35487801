package courseapp

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/opossum-go/opossum/store/projection"
)

// DefaultHealthzLag is Options.HealthzLag's default.
const DefaultHealthzLag = 1000

// Health answers GET /healthz: whether the application can serve, and
// why not.
type Health struct {
	// Status is "ok" (200) or "unavailable" (503).
	Status string `json:"status"`
	// Head is the store's last position (0 when the store does not
	// answer).
	Head uint64 `json:"head"`
	// Problems say why the status is "unavailable".
	Problems []string `json:"problems,omitempty"`
	// ReadModels are the read models' states and how far each trails the
	// head.
	ReadModels []ReadModelHealth `json:"readModels"`
}

// ReadModelHealth is one read model in Health.
type ReadModelHealth struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Position uint64 `json:"position"`
	Lag      uint64 `json:"lag"`
}

// serveHealthz answers 200 when the store answers and every read model is
// live within Options.HealthzLag events of the head, and 503 otherwise,
// with a Health that says which.
func (a *App) serveHealthz(w http.ResponseWriter, r *http.Request) {
	rep := Health{Status: "ok", ReadModels: []ReadModelHealth{}}
	head, err := a.Store().Head(r.Context())
	if err != nil {
		rep.Problems = append(rep.Problems, "store: "+err.Error())
	}
	rep.Head = uint64(head)
	for _, s := range a.Runner().Status() {
		m := ReadModelHealth{Name: s.Name, State: string(s.State), Position: uint64(s.Position), Lag: uint64(head - min(head, s.Position))}
		rep.ReadModels = append(rep.ReadModels, m)
		switch {
		case s.State != projection.Live:
			rep.Problems = append(rep.Problems, fmt.Sprintf("read model %s is %s", s.Name, s.State))
		case m.Lag > a.opts.HealthzLag:
			rep.Problems = append(rep.Problems, fmt.Sprintf("read model %s trails the head by %d events (at most %d)", s.Name, m.Lag, a.opts.HealthzLag))
		}
	}
	status := http.StatusOK
	if len(rep.Problems) > 0 {
		rep.Status, status = "unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(rep)
}
