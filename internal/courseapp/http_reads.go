package courseapp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// The read endpoints. Each reads one read model; a client that sends
// Opossum-Min-Position first waits until that read model reflects the
// position.

// awaitView waits, when the request asks for it, until the named read
// model reflects the position in its Opossum-Min-Position header. A read
// model that failed answers with its error (500); one that does not catch
// up within ReadWait, 503.
func (a *App) awaitView(r *http.Request, in *instance, name string) error {
	h := r.Header.Get(MinPositionHeader)
	if h == "" {
		return nil
	}
	pos, err := strconv.ParseUint(h, 10, 64)
	if err != nil {
		return badRequest("%s must be an event position.", MinPositionHeader)
	}
	// A position past the head names no event yet: waiting cannot help.
	head, err := in.store.Head(r.Context())
	if err != nil {
		return err
	}
	if store.Position(pos) > head {
		return badRequest("%s %d is past the store's last event (position %d): send a position a write answered with.", MinPositionHeader, pos, head)
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.opts.ReadWait)
	defer cancel()
	err = in.runner.WaitFor(ctx, name, store.Position(pos))
	if errors.Is(err, context.DeadlineExceeded) {
		return &httpError{status: http.StatusServiceUnavailable, title: "Service Unavailable",
			detail: "The read model " + name + " has not caught up with position " + h + " yet. Please try again.",
			header: map[string]string{"Retry-After": "1"}}
	}
	return err
}

// pageRequest reads pageNumber, pageSize, sortBy and sortOrder. All are
// optional (page 1 of DefaultPageSize by default); a pageNumber below 1,
// or a pageSize below 1 or above MaxPageSize, is a 400: a client that
// asks for a page it cannot get is told so, never given another one.
func pageRequest(r *http.Request) (PageRequest, error) {
	q := r.URL.Query()
	var p PageRequest
	for _, f := range []struct {
		name       string
		into       *int
		max        int
		outOfRange string
	}{
		{"pageNumber", &p.Number, math.MaxInt, "'pageNumber' must be 1 or more."},
		{"pageSize", &p.Size, MaxPageSize, fmt.Sprintf("'pageSize' must be between 1 and %d.", MaxPageSize)},
	} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return p, badRequest("'%s' must be a whole number.", f.name)
			}
			if n < 1 || n > f.max {
				return p, badRequest("%s", f.outOfRange)
			}
			*f.into = n
		}
	}
	p.SortBy = q.Get("sortBy")
	switch strings.ToLower(q.Get("sortOrder")) {
	case "", "asc", "ascending":
	case "desc", "descending":
		p.Descending = true
	default:
		return p, badRequest("'sortOrder' must be Ascending or Descending.")
	}
	return p, nil
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (*bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest("'%s' must be true or false.", name)
	}
	return &b, nil
}

// one answers a read model by key, or 404 with the message.
func one[S any](w http.ResponseWriter, m *projection.ReadModels[S], key, missing string) error {
	s, err := get(m, key)
	if err != nil {
		return err
	}
	if s == nil {
		return notFound("%s", missing)
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *App) listStudents(w http.ResponseWriter, r *http.Request, in *instance) error {
	p, err := pageRequest(r)
	if err != nil {
		return err
	}
	var f StudentFilter
	f.Tier = Tier(r.URL.Query().Get("tierFilter"))
	if f.IsMaxedOut, err = boolParam(r, "isMaxedOut"); err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.StudentShortInfo.Name); err != nil {
		return err
	}
	res, err := in.views.Students(r.Context(), f, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *App) getStudent(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.StudentShortInfo.Name); err != nil {
		return err
	}
	return one(w, in.views.StudentShortInfo, id, "Student with ID "+id+" not found.")
}

func (a *App) getStudentDetails(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.StudentDetails.Name); err != nil {
		return err
	}
	return one(w, in.views.StudentDetails, id, "Student with ID "+id+" not found.")
}

func (a *App) getPurchasedBooks(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.StudentPurchasedBooks.Name); err != nil {
		return err
	}
	return one(w, in.views.StudentPurchasedBooks, id, "No purchase history found for student "+id+".")
}

func (a *App) listCourses(w http.ResponseWriter, r *http.Request, in *instance) error {
	p, err := pageRequest(r)
	if err != nil {
		return err
	}
	isFull, err := boolParam(r, "isFull")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.CourseShortInfo.Name); err != nil {
		return err
	}
	res, err := in.views.Courses(r.Context(), isFull, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *App) getCourse(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.CourseShortInfo.Name); err != nil {
		return err
	}
	return one(w, in.views.CourseShortInfo, id, "Course with ID "+id+" not found.")
}

func (a *App) getCourseDetails(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.CourseDetails.Name); err != nil {
		return err
	}
	return one(w, in.views.CourseDetails, id, "Course with ID "+id+" not found.")
}

func (a *App) getCourseBuyers(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.CourseBuyers.Name); err != nil {
		return err
	}
	return one(w, in.views.CourseBuyers, id, "No course buyers data found for course "+id+".")
}

func (a *App) listBooks(w http.ResponseWriter, r *http.Request, in *instance) error {
	p, err := pageRequest(r)
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.CourseBookCatalog.Name); err != nil {
		return err
	}
	res, err := in.views.CourseBooks(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *App) listInvoices(w http.ResponseWriter, r *http.Request, in *instance) error {
	p, err := pageRequest(r)
	if err != nil {
		return err
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.Invoices.Name); err != nil {
		return err
	}
	res, err := in.views.InvoiceList(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *App) getInvoice(w http.ResponseWriter, r *http.Request, in *instance) error {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		return notFound("%q is not an invoice number.", r.PathValue("number"))
	}
	if err := a.awaitView(r, in, a.domain.ReadModels.Invoices.Name); err != nil {
		return err
	}
	return one(w, in.views.Invoices, strconv.Itoa(n), "Invoice "+strconv.Itoa(n)+" not found.")
}
