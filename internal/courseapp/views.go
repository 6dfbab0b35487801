package courseapp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// Views are the application's read models: the eight projections,
// registered with one projection.Runner that keeps them up to date. Reads
// are eventually consistent: a read model reflects the events up to its
// projection's checkpoint (Runner.WaitFor waits for a position).
type Views struct {
	CourseShortInfo       *projection.ReadModels[CourseShortInfo]
	CourseDetails         *projection.ReadModels[CourseDetails]
	StudentShortInfo      *projection.ReadModels[StudentShortInfo]
	StudentDetails        *projection.ReadModels[StudentDetails]
	StudentPurchasedBooks *projection.ReadModels[StudentPurchasedBooks]
	Invoices              *projection.ReadModels[Invoice]
	CourseBookCatalog     *projection.ReadModels[CourseBook]
	CourseBuyers          *projection.ReadModels[CourseBuyers]
}

// RegisterViews registers the eight read models with r, which must not be
// started yet.
func RegisterViews(r *projection.Runner, defs ReadModelDefinitions) (*Views, error) {
	v := &Views{}
	err := errors.Join(
		register(r, defs.CourseShortInfo, &v.CourseShortInfo),
		register(r, defs.CourseDetails, &v.CourseDetails),
		register(r, defs.StudentShortInfo, &v.StudentShortInfo),
		register(r, defs.StudentDetails, &v.StudentDetails),
		register(r, defs.StudentPurchasedBooks, &v.StudentPurchasedBooks),
		register(r, defs.Invoices, &v.Invoices),
		register(r, defs.CourseBookCatalog, &v.CourseBookCatalog),
		register(r, defs.CourseBuyers, &v.CourseBuyers),
	)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func register[S any](r *projection.Runner, def projection.Definition[S], into **projection.ReadModels[S]) error {
	m, err := projection.Register(r, def)
	*into = m
	return err
}

// Paging defaults: a page number or size below 1 means the default; a
// size above MaxPageSize is capped.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// PageRequest selects a page of a sorted list.
type PageRequest struct {
	// Number is the page, from 1; below 1 means 1.
	Number int
	// Size is the page's size; below 1 means DefaultPageSize, above
	// MaxPageSize means MaxPageSize.
	Size int
	// SortBy names the sort field, case-insensitively; "" means the list's
	// default field.
	SortBy string
	// Descending reverses the order.
	Descending bool
}

func (p PageRequest) normalized() PageRequest {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = DefaultPageSize
	}
	p.Size = min(p.Size, MaxPageSize)
	return p
}

// Page is one page of a list.
type Page[T any] struct {
	Items           []T  `json:"items"`
	TotalCount      int  `json:"totalCount"`
	PageNumber      int  `json:"pageNumber"`
	PageSize        int  `json:"pageSize"`
	TotalPages      int  `json:"totalPages"`
	HasPreviousPage bool `json:"hasPreviousPage"`
	HasNextPage     bool `json:"hasNextPage"`
}

// QueryError is a list request the API cannot answer: an unknown sort
// field, or a filter value that is not one. The HTTP layer answers 400.
type QueryError struct{ Message string }

func (e *QueryError) Error() string { return e.Message }

// sortField is a named order of a list.
type sortField[T any] struct {
	name string
	cmp  func(a, b T) int
}

// page sorts items by the requested field (ties broken by tie) and cuts
// the requested page.
func page[T any](items []T, p PageRequest, fields []sortField[T], tie func(a, b T) int) (Page[T], error) {
	p = p.normalized()
	field := fields[0]
	if p.SortBy != "" {
		i := slices.IndexFunc(fields, func(f sortField[T]) bool { return strings.EqualFold(f.name, p.SortBy) })
		if i < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.name
			}
			return Page[T]{}, &QueryError{Message: fmt.Sprintf("'sortBy' must be one of %s.", strings.Join(names, ", "))}
		}
		field = fields[i]
	}
	slices.SortStableFunc(items, func(a, b T) int {
		c := field.cmp(a, b)
		if p.Descending {
			c = -c
		}
		if c == 0 {
			c = tie(a, b)
		}
		return c
	})
	total := len(items)
	pages := (total + p.Size - 1) / p.Size
	from := min((p.Number-1)*p.Size, total)
	to := min(from+p.Size, total)
	out := items[from:to]
	if out == nil {
		out = []T{}
	}
	return Page[T]{Items: out, TotalCount: total, PageNumber: p.Number, PageSize: p.Size, TotalPages: pages,
		HasPreviousPage: p.Number > 1, HasNextPage: p.Number < pages}, nil
}

// collect reads the read models carrying every tag, or all of them when
// no tag is given.
func collect[S any](ctx context.Context, m *projection.ReadModels[S], tags ...store.Tag) ([]S, error) {
	seq := m.List(ctx)
	if len(tags) > 0 {
		seq = m.Query(ctx, tags...)
	}
	var out []S
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, item.State)
	}
	return out, nil
}

// get returns the read model with key, or nil when there is none.
func get[S any](m *projection.ReadModels[S], key string) (*S, error) {
	item, err := m.Get(key)
	if errors.Is(err, projection.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &item.State, nil
}

// foldCmp compares strings case-insensitively first, then exactly.
func foldCmp(a, b string) int {
	if c := cmp.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// StudentFilter narrows the student list. Both filters are answered by
// the StudentShortInfo tag index and combine with AND.
type StudentFilter struct {
	// Tier keeps the students on the tier; "" keeps all.
	Tier Tier
	// IsMaxedOut keeps the students who are (or are not) at their limit;
	// nil keeps all.
	IsMaxedOut *bool
}

// Students lists students. Sort fields: Name (last name, then first
// name; the default), EnrollmentTier (in the order of Tiers),
// EnrollmentCount.
func (v *Views) Students(ctx context.Context, f StudentFilter, p PageRequest) (Page[StudentShortInfo], error) {
	var tags []store.Tag
	if f.Tier != "" {
		if !f.Tier.Valid() {
			return Page[StudentShortInfo]{}, &QueryError{Message: "'tierFilter' must be one of Basic, Standard, Professional or Master."}
		}
		tags = append(tags, store.NewTag(EnrollmentTierKey, string(f.Tier)))
	}
	if f.IsMaxedOut != nil {
		tags = append(tags, store.NewTag(IsMaxedOutKey, fmt.Sprint(*f.IsMaxedOut)))
	}
	items, err := collect(ctx, v.StudentShortInfo, tags...)
	if err != nil {
		return Page[StudentShortInfo]{}, err
	}
	return page(items, p, []sortField[StudentShortInfo]{
		{"Name", func(a, b StudentShortInfo) int {
			return cmp.Or(foldCmp(a.LastName, b.LastName), foldCmp(a.FirstName, b.FirstName))
		}},
		{"EnrollmentTier", func(a, b StudentShortInfo) int { return cmp.Compare(a.EnrollmentTier.Rank(), b.EnrollmentTier.Rank()) }},
		{"EnrollmentCount", func(a, b StudentShortInfo) int {
			return cmp.Compare(a.CurrentEnrollmentCount, b.CurrentEnrollmentCount)
		}},
	}, func(a, b StudentShortInfo) int { return cmp.Compare(a.StudentID, b.StudentID) })
}

// Courses lists courses, all of them or only the full (or not full) ones
// through the CourseShortInfo tag index. Sort fields: Name (the default),
// EnrollmentCount, Capacity.
func (v *Views) Courses(ctx context.Context, isFull *bool, p PageRequest) (Page[CourseShortInfo], error) {
	var tags []store.Tag
	if isFull != nil {
		tags = append(tags, store.NewTag(IsFullKey, fmt.Sprint(*isFull)))
	}
	items, err := collect(ctx, v.CourseShortInfo, tags...)
	if err != nil {
		return Page[CourseShortInfo]{}, err
	}
	return page(items, p, []sortField[CourseShortInfo]{
		{"Name", func(a, b CourseShortInfo) int { return foldCmp(a.Name, b.Name) }},
		{"EnrollmentCount", func(a, b CourseShortInfo) int {
			return cmp.Compare(a.CurrentEnrollmentCount, b.CurrentEnrollmentCount)
		}},
		{"Capacity", func(a, b CourseShortInfo) int { return cmp.Compare(a.MaxStudentCount, b.MaxStudentCount) }},
	}, func(a, b CourseShortInfo) int { return cmp.Compare(a.CourseID, b.CourseID) })
}

// CourseBooks lists the book catalog. Sort fields: Title (the default),
// Author, Price.
func (v *Views) CourseBooks(ctx context.Context, p PageRequest) (Page[CourseBook], error) {
	items, err := collect(ctx, v.CourseBookCatalog)
	if err != nil {
		return Page[CourseBook]{}, err
	}
	return page(items, p, []sortField[CourseBook]{
		{"Title", func(a, b CourseBook) int { return foldCmp(a.Title, b.Title) }},
		{"Author", func(a, b CourseBook) int { return foldCmp(a.Author, b.Author) }},
		{"Price", func(a, b CourseBook) int { return cmp.Compare(a.CurrentPrice, b.CurrentPrice) }},
	}, func(a, b CourseBook) int { return cmp.Compare(a.BookID, b.BookID) })
}

// InvoiceList lists invoices. Sort fields: InvoiceNumber (the default),
// Amount, IssuedAt.
func (v *Views) InvoiceList(ctx context.Context, p PageRequest) (Page[Invoice], error) {
	items, err := collect(ctx, v.Invoices)
	if err != nil {
		return Page[Invoice]{}, err
	}
	return page(items, p, []sortField[Invoice]{
		{"InvoiceNumber", func(a, b Invoice) int { return cmp.Compare(a.InvoiceNumber, b.InvoiceNumber) }},
		{"Amount", func(a, b Invoice) int { return cmp.Compare(a.Amount, b.Amount) }},
		{"IssuedAt", func(a, b Invoice) int { return a.IssuedAt.Compare(b.IssuedAt) }},
	}, func(a, b Invoice) int { return cmp.Compare(a.InvoiceNumber, b.InvoiceNumber) })
}
