package courseapp

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// The administration endpoints: rebuild read models, look at their
// status and checkpoints, delete the store.

// RebuildDetail is the outcome of one projection's rebuild.
type RebuildDetail struct {
	ProjectionName  string `json:"projectionName"`
	Success         bool   `json:"success"`
	Duration        string `json:"duration"`
	EventsProcessed int    `json:"eventsProcessed"`
	Error           string `json:"error,omitempty"`
}

// RebuildResult answers POST /admin/projections/rebuild.
type RebuildResult struct {
	Success           bool            `json:"success"`
	TotalRebuilt      int             `json:"totalRebuilt"`
	Duration          string          `json:"duration"`
	Details           []RebuildDetail `json:"details"`
	FailedProjections []string        `json:"failedProjections"`
}

// rebuildAll rebuilds every read model with forceAll=true, or only those
// that need it (failed, or never built) otherwise. It answers 200 with a
// RebuildResult when every rebuild succeeded, and a 500 problem naming the
// failed read models and their errors when one failed.
func (a *App) rebuildAll(w http.ResponseWriter, r *http.Request, in *instance) error {
	force, err := boolParam(r, "forceAll")
	if err != nil {
		return err
	}
	var names []string
	for _, s := range in.runner.Status() {
		if (force != nil && *force) || s.State == projection.Failed || s.Generation == "" {
			names = append(names, s.Name)
		}
	}
	res := RebuildResult{Success: true, Details: []RebuildDetail{}, FailedProjections: []string{}}
	start := time.Now()
	if len(names) > 0 {
		// Each rebuild's outcome is in its status; the first error only
		// repeats one of them.
		_ = in.runner.Rebuild(r.Context(), names...)
	}
	res.Duration = time.Since(start).Round(time.Millisecond).String()
	for _, name := range names {
		d := rebuildDetail(in, name)
		if !d.Success {
			res.Success = false
			res.FailedProjections = append(res.FailedProjections, name)
		}
		res.Details = append(res.Details, d)
	}
	res.TotalRebuilt = len(names) - len(res.FailedProjections)
	if !res.Success {
		var failed []string
		for _, d := range res.Details {
			if !d.Success {
				failed = append(failed, d.ProjectionName+": "+d.Error)
			}
		}
		return &httpError{status: http.StatusInternalServerError, title: "Internal Server Error",
			detail: "Rebuilding failed for " + strings.Join(failed, "; ")}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func rebuildDetail(in *instance, name string) RebuildDetail {
	s, err := in.runner.StatusOf(name)
	if err != nil {
		return RebuildDetail{ProjectionName: name, Error: err.Error()}
	}
	d := RebuildDetail{ProjectionName: name, Success: s.State != projection.Failed, EventsProcessed: s.Rebuild.Events}
	if !s.Rebuild.Finished.IsZero() && !s.Rebuild.Started.IsZero() {
		d.Duration = s.Rebuild.Finished.Sub(s.Rebuild.Started).Round(time.Microsecond).String()
	}
	if s.Err != nil {
		d.Error = s.Err.Error()
	}
	return d
}

// rebuildOne rebuilds one read model: 404 for a name that is not
// registered, 500 when the rebuild fails.
func (a *App) rebuildOne(w http.ResponseWriter, r *http.Request, in *instance) error {
	name := r.PathValue("name")
	if _, err := in.runner.StatusOf(name); errors.Is(err, projection.ErrUnknownProjection) {
		return notFound("Projection '%s' is not registered.", name)
	}
	if err := in.runner.Rebuild(r.Context(), name); err != nil {
		return err
	}
	d := rebuildDetail(in, name)
	writeJSON(w, http.StatusOK, map[string]any{
		"projectionName": name, "status": "Rebuilt", "duration": d.Duration, "eventsProcessed": d.EventsProcessed,
	})
	return nil
}

// ProjectionStatus is one read model in GET /admin/projections/status.
type ProjectionStatus struct {
	Name       string         `json:"name"`
	Version    int            `json:"version"`
	State      string         `json:"state"`
	Position   store.Position `json:"position"`
	Generation string         `json:"generation"`
	Rebuilds   int            `json:"rebuilds"`
	Error      string         `json:"error,omitempty"`
}

// StatusReport answers GET /admin/projections/status.
type StatusReport struct {
	IsRebuilding          bool               `json:"isRebuilding"`
	InProgressProjections []string           `json:"inProgressProjections"`
	QueuedProjections     []string           `json:"queuedProjections"`
	StartedAt             *time.Time         `json:"startedAt"`
	Projections           []ProjectionStatus `json:"projections"`
}

func (a *App) projectionStatus(w http.ResponseWriter, r *http.Request, in *instance) error {
	rep := StatusReport{InProgressProjections: []string{}, QueuedProjections: []string{}, Projections: []ProjectionStatus{}}
	for _, s := range in.runner.Status() {
		switch s.State {
		case projection.Rebuilding:
			rep.InProgressProjections = append(rep.InProgressProjections, s.Name)
			if t := s.Rebuild.Started; !t.IsZero() && (rep.StartedAt == nil || t.Before(*rep.StartedAt)) {
				rep.StartedAt = &t
			}
		case projection.Queued:
			rep.QueuedProjections = append(rep.QueuedProjections, s.Name)
		}
		p := ProjectionStatus{Name: s.Name, Version: s.Version, State: string(s.State), Position: s.Position,
			Generation: s.Generation, Rebuilds: s.Rebuilds}
		if s.Err != nil {
			p.Error = s.Err.Error()
		}
		rep.Projections = append(rep.Projections, p)
	}
	rep.IsRebuilding = len(rep.InProgressProjections)+len(rep.QueuedProjections) > 0
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// checkpoints answers each read model's checkpoint: the position up to
// which it reflects the events (0: nothing yet).
func (a *App) checkpoints(w http.ResponseWriter, r *http.Request, in *instance) error {
	out := map[string]store.Position{}
	for _, s := range in.runner.Status() {
		out[s.Name] = s.Position
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// deleteStore deletes every event and read model when the request says
// ?confirm=true, and answers 204; again on an empty store, too. It runs
// outside the shared hold on the instance that the other endpoints take,
// since DeleteStore needs the instance exclusively.
func (a *App) deleteStore(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("confirm") != "true" {
		writeProblem(w, r, http.StatusBadRequest, "Bad Request",
			"Confirmation required. Pass ?confirm=true to permanently delete all store data.")
		return
	}
	if err := a.DeleteStore(); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
