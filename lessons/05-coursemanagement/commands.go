package coursemanagement

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// The commands of the domain. Identifiers the server generates (a new
// student's id, a new course's id, ...) are chosen before the command is
// decided and travel in it, so that deciding again after a conflict
// decides about the same entity.
type (
	// RegisterStudent signs a student up with a unique email.
	RegisterStudent struct {
		StudentID, FirstName, LastName, Email string
	}
	// UpdateStudentSubscription sets a student's tier.
	UpdateStudentSubscription struct {
		StudentID string
		Tier      Tier
	}
	// CreateCourse opens a course.
	CreateCourse struct {
		CourseID, Name, Description string
		MaxStudentCount             int
	}
	// ModifyCourseStudentLimit changes a course's capacity.
	ModifyCourseStudentLimit struct {
		CourseID        string
		MaxStudentCount int
	}
	// EnrollStudent gives a student a seat in a course.
	EnrollStudent struct {
		StudentID, CourseID string
	}
	// CreateInvoice issues an invoice with the next number.
	CreateInvoice struct {
		CustomerID string
		Amount     Money
	}
	// PostAnnouncement posts an announcement to a course, once per token.
	PostAnnouncement struct {
		CourseID, IdempotencyToken, AnnouncementID, Title, Body string
	}
	// RetractAnnouncement takes back the announcement posted to the course
	// with the token.
	RetractAnnouncement struct {
		CourseID, IdempotencyToken string
	}
	// IssueExamToken issues a registration token for an exam of a course.
	IssueExamToken struct {
		ExamID, CourseID, TokenID string
	}
	// RedeemExamToken uses a token for a student.
	RedeemExamToken struct {
		TokenID, StudentID string
	}
	// RevokeExamToken makes a token unusable.
	RevokeExamToken struct {
		TokenID string
	}
	// DefineCourseBook puts a book for a course on sale.
	DefineCourseBook struct {
		CourseID, BookID, Title, Author, Isbn string
		Price                                 Money
	}
	// ChangeCourseBookPrice changes a book's price.
	ChangeCourseBookPrice struct {
		BookID string
		Price  Money
	}
	// PurchaseCourseBook buys one book at the price the student was shown.
	PurchaseCourseBook struct {
		BookID, StudentID string
		DisplayedPrice    Money
	}
	// OrderCourseBooks buys several books at once, all or nothing.
	OrderCourseBooks struct {
		OrderID, StudentID string
		Items              []OrderItem
	}
	// OrderItem is a book of an order and the price the student was shown.
	OrderItem struct {
		BookID         string
		DisplayedPrice Money
	}
)

// GracePeriod is how long a book's previous price stays valid after a
// price change: a student who saw the old price a moment ago may still buy
// at it.
const GracePeriod = 30 * time.Minute

// DefaultRetry is the retry policy of the commands that retry conflicts
// when CommandOptions.Retry is nil. Every conflict of an enrollment means
// that some other write landed inside its boundary (another seat taken, a
// capacity change); with ten attempts a crowd racing for a course of up
// to nine free seats always ends with each loser hearing "full", never
// "try again". The reference sample retried three times.
var DefaultRetry = &decision.Policy{Attempts: 10, BaseDelay: 5 * time.Millisecond, MaxDelay: 200 * time.Millisecond}

// CommandOptions configure Commands. The zero value uses the system clock,
// DefaultRetry and GracePeriod.
type CommandOptions struct {
	// Now is the clock: it stamps new events and is the "now" of the price
	// grace period. Nil means time.Now.
	Now func() time.Time
	// Retry is the policy of the commands that retry conflicts. Nil means
	// DefaultRetry.
	Retry *decision.Policy
	// GracePeriod overrides GracePeriod when positive.
	GracePeriod time.Duration
}

// Commands carries out the commands of the domain against a store. For
// each command it builds the decision projections the command depends on
// in one read, calls the command's pure decide function with their states,
// and appends the events it returns guarded by the read's condition,
// through decision.Execute.
//
// Commands is safe for concurrent use; the store's atomic conditional
// append is what keeps concurrent decisions consistent.
type Commands struct {
	store store.EventStore
	now   func() time.Time
	retry *decision.Policy
	grace time.Duration
}

// NewCommands returns the command handler for s. A nil opts means the
// defaults.
func NewCommands(s store.EventStore, opts *CommandOptions) *Commands {
	c := &Commands{store: s, now: time.Now, retry: DefaultRetry, grace: GracePeriod}
	if opts != nil {
		if opts.Now != nil {
			c.now = opts.Now
		}
		if opts.Retry != nil {
			c.retry = opts.Retry
		}
		if opts.GracePeriod > 0 {
			c.grace = opts.GracePeriod
		}
	}
	return c
}

// Command is one of the command types above.
type Command interface {
	// decide reads what the command depends on and decides, once.
	decide(ctx context.Context, c *Commands) (decision.Decision, error)
	// retries reports whether a conflict is decided again.
	retries() bool
	// conflictMessage is the ConflictError message when no retry helped.
	conflictMessage() string
}

// Result is what a command appended.
type Result struct {
	// Position is the position of the last event appended; 0 when the
	// command appended nothing (a change to the same value).
	Position store.Position
	// Events are the events appended, as decided.
	Events []store.Event
}

// Decide reads what cmd depends on and decides, once: it returns the
// events cmd would append and the condition that guards them, or the
// domain error. It appends nothing. Specs use it to look at a decision's
// condition and to stage races.
func (c *Commands) Decide(ctx context.Context, cmd Command) (decision.Decision, error) {
	d, err := cmd.decide(ctx, c)
	if err != nil {
		return decision.Decision{}, err
	}
	now := c.now().UTC()
	for i := range d.Events {
		if d.Events[i].Metadata.Timestamp.IsZero() {
			d.Events[i].Metadata.Timestamp = now
		}
	}
	return d, nil
}

// Handle carries out cmd: it decides and appends with decision.Execute.
// Commands that retry run under the Retry policy; the others (student
// registration, announcement retraction, exam token issue and revoke, the
// admin book commands) try once, as in the reference sample. A conflict
// that survives is a *ConflictError with the command's message. Domain
// errors are returned as they are.
func (c *Commands) Handle(ctx context.Context, cmd Command) (Result, error) {
	policy := &decision.Policy{Attempts: 1}
	if cmd.retries() {
		policy = c.retry
	}
	var last decision.Decision
	pos, err := decision.Execute(ctx, c.store, func(ctx context.Context) (decision.Decision, error) {
		d, err := c.Decide(ctx, cmd)
		last = d
		return d, err
	}, policy)
	if err != nil {
		if errors.Is(err, store.ErrAppendConditionFailed) {
			return Result{}, &ConflictError{Message: cmd.conflictMessage(), Err: err}
		}
		return Result{}, err
	}
	return Result{Position: pos, Events: last.Events}, nil
}

// appender is a decision model: decision.Model, Model2, Model3 or ModelN.
type appender interface {
	Append(events ...store.Event) decision.Decision
}

// guarded pairs the events a decide function returned with the model's
// condition, or passes its error on.
func guarded(m appender, events []store.Event, err error) (decision.Decision, error) {
	if err != nil {
		return decision.Decision{}, err
	}
	return m.Append(events...), nil
}

func (cmd RegisterStudent) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, EmailTaken(cmd.Email))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideRegistration(m.State, cmd)
	return guarded(m, events, err)
}
func (RegisterStudent) retries() bool           { return false }
func (RegisterStudent) conflictMessage() string { return ConflictMessage }

func (cmd UpdateStudentSubscription) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, StudentExists(cmd.StudentID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideSubscriptionUpdate(m.State, cmd)
	return guarded(m, events, err)
}
func (UpdateStudentSubscription) retries() bool           { return true }
func (UpdateStudentSubscription) conflictMessage() string { return ConflictMessage }

func (cmd CreateCourse) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, CourseExists(cmd.CourseID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideCourseCreation(m.State, cmd)
	return guarded(m, events, err)
}
func (CreateCourse) retries() bool           { return false }
func (CreateCourse) conflictMessage() string { return ConflictMessage }

func (cmd ModifyCourseStudentLimit) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, CourseCapacity(cmd.CourseID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideStudentLimitChange(m.State, cmd)
	return guarded(m, events, err)
}
func (ModifyCourseStudentLimit) retries() bool           { return true }
func (ModifyCourseStudentLimit) conflictMessage() string { return ConflictMessage }

func (cmd EnrollStudent) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build3(ctx, c.store,
		CourseCapacity(cmd.CourseID), StudentEnrollmentLimit(cmd.StudentID), AlreadyEnrolled(cmd.CourseID, cmd.StudentID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideEnrollment(m.First, m.Second, m.Third, cmd)
	return guarded(m, events, err)
}
func (EnrollStudent) retries() bool { return true }
func (EnrollStudent) conflictMessage() string {
	return "Failed to enroll student due to concurrent updates. Please try again."
}

// LastInvoiceQuery selects every invoice: the numbering boundary is global,
// scoped by the event type alone.
var LastInvoiceQuery = store.Types(InvoiceCreatedType)

func (cmd CreateInvoice) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	// No fold: the next number depends on the newest invoice only, which
	// ReadLast finds in O(log n). The guard is the same query with After =
	// that invoice's position, or no After before the first invoice, so
	// that two "first" invoices cannot both be number 1.
	last, err := c.store.ReadLast(ctx, LastInvoiceQuery)
	if err != nil {
		return decision.Decision{}, err
	}
	next, err := NextInvoiceNumber(last)
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideInvoice(next, cmd, c.now().UTC())
	if err != nil {
		return decision.Decision{}, err
	}
	var after store.Position
	if last != nil {
		after = last.Position
	}
	return decision.Decision{Events: events, Condition: store.Guard(LastInvoiceQuery, after)}, nil
}
func (CreateInvoice) retries() bool { return true }
func (CreateInvoice) conflictMessage() string {
	return "Failed to create invoice due to concurrent updates. Please try again."
}

func (cmd PostAnnouncement) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build2(ctx, c.store, CourseExists(cmd.CourseID), IdempotencyTokenWasUsed(cmd.IdempotencyToken))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideAnnouncement(m.First, m.Second, cmd)
	return guarded(m, events, err)
}
func (PostAnnouncement) retries() bool { return true }
func (PostAnnouncement) conflictMessage() string {
	return "Failed to post announcement due to concurrent updates. Please try again."
}

func (cmd RetractAnnouncement) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, RetractableAnnouncement(cmd.IdempotencyToken))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideRetraction(m.State, cmd)
	return guarded(m, events, err)
}
func (RetractAnnouncement) retries() bool           { return false }
func (RetractAnnouncement) conflictMessage() string { return ConflictMessage }

func (cmd IssueExamToken) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, CourseExists(cmd.CourseID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideTokenIssue(m.State, cmd)
	return guarded(m, events, err)
}
func (IssueExamToken) retries() bool           { return false }
func (IssueExamToken) conflictMessage() string { return ConflictMessage }

func (cmd RedeemExamToken) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build2(ctx, c.store, TokenStatus(cmd.TokenID), StudentExists(cmd.StudentID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideTokenRedemption(m.First, m.Second, cmd)
	return guarded(m, events, err)
}
func (RedeemExamToken) retries() bool { return true }
func (RedeemExamToken) conflictMessage() string {
	return "Failed to redeem token due to concurrent updates. Please try again."
}

func (cmd RevokeExamToken) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, TokenStatus(cmd.TokenID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideTokenRevocation(m.State, cmd)
	return guarded(m, events, err)
}
func (RevokeExamToken) retries() bool           { return false }
func (RevokeExamToken) conflictMessage() string { return ConflictMessage }

func (cmd DefineCourseBook) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build2(ctx, c.store, BookExists(cmd.BookID), CourseExists(cmd.CourseID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideBookDefinition(m.First, m.Second, cmd)
	return guarded(m, events, err)
}
func (DefineCourseBook) retries() bool           { return false }
func (DefineCourseBook) conflictMessage() string { return ConflictMessage }

func (cmd ChangeCourseBookPrice) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build(ctx, c.store, BookExists(cmd.BookID))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecidePriceChange(m.State, cmd)
	return guarded(m, events, err)
}
func (ChangeCourseBookPrice) retries() bool           { return false }
func (ChangeCourseBookPrice) conflictMessage() string { return ConflictMessage }

func (cmd PurchaseCourseBook) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	m, err := decision.Build2(ctx, c.store, PriceWithGracePeriod(cmd.BookID, c.grace), StudentExists(cmd.StudentID),
		decision.WithClock(c.now))
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecidePurchase(m.First, m.Second, cmd)
	return guarded(m, events, err)
}
func (PurchaseCourseBook) retries() bool { return true }
func (PurchaseCourseBook) conflictMessage() string {
	return "The purchase could not be completed due to concurrent updates. Please try again."
}

func (cmd OrderCourseBooks) decide(ctx context.Context, c *Commands) (decision.Decision, error) {
	// One price projection per distinct book, all built in the same read
	// as the student's registration: one condition spans the whole cart,
	// so a price change of any of its books invalidates the order, and a
	// change of any other book does not.
	var books []string
	for _, it := range cmd.Items {
		if !slices.Contains(books, it.BookID) {
			books = append(books, it.BookID)
		}
	}
	if len(books) == 0 {
		m, err := decision.Build(ctx, c.store, StudentExists(cmd.StudentID))
		if err != nil {
			return decision.Decision{}, err
		}
		events, err := DecideOrder(m.State, nil, cmd)
		return guarded(m, events, err)
	}
	parts := make([]decision.Projection[*BookPrice], len(books))
	for i, b := range books {
		parts[i] = PriceWithGracePeriod(b, c.grace)
	}
	m, err := decision.Build2(ctx, c.store, StudentExists(cmd.StudentID), Each(parts...), decision.WithClock(c.now))
	if err != nil {
		return decision.Decision{}, err
	}
	prices := make(map[string]*BookPrice, len(books))
	for i, b := range books {
		prices[b] = m.Second[i]
	}
	events, err := DecideOrder(m.First, prices, cmd)
	return guarded(m, events, err)
}
func (OrderCourseBooks) retries() bool { return true }
func (OrderCourseBooks) conflictMessage() string {
	return "The order could not be completed due to concurrent updates. Please try again."
}

// Each composes projections of one state type into a single projection
// whose state holds theirs, in order. Its query is the union of their
// queries, and each event is folded into every part whose own query
// matches it, as decision.BuildAll does; unlike BuildAll's model, the
// result can be built together with projections of other types
// (decision.Build2, Build3).
func Each[S any](parts ...decision.Projection[S]) decision.Projection[[]S] {
	queries := make([]store.Query, len(parts))
	initial := make([]S, len(parts))
	for i, p := range parts {
		queries[i], initial[i] = p.Query, p.Initial
	}
	return decision.Projection[[]S]{
		Initial: initial,
		Query:   store.Union(queries...),
		ApplyAt: func(states []S, e store.StoredEvent, now time.Time) ([]S, error) {
			next := slices.Clone(states) // Initial is shared by every build
			for i, p := range parts {
				if !p.Query.Matches(&e.Event) {
					continue
				}
				var err error
				if p.ApplyAt != nil {
					next[i], err = p.ApplyAt(next[i], e, now)
				} else {
					next[i], err = p.Apply(next[i], e)
				}
				if err != nil {
					return states, err
				}
			}
			return next, nil
		},
	}
}
