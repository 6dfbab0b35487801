package courseapp

import (
	"context"
	"errors"
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
// each command the domain's decide function reads what the command
// depends on and decides; Commands appends the events it returns guarded
// by the read's condition, through decision.Execute, and decides again
// on a conflict when the command retries.
//
// Commands is safe for concurrent use; the store's atomic conditional
// append is what keeps concurrent decisions consistent.
type Commands struct {
	store  store.EventStore
	decide func(context.Context, Env, Command) (decision.Decision, error)
	now    func() time.Time
	retry  *decision.Policy
	grace  time.Duration
}

// NewCommands returns the command handler for s, deciding with the
// domain's decide function (Domain.Decide). A nil opts means the defaults.
func NewCommands(s store.EventStore, decide func(context.Context, Env, Command) (decision.Decision, error), opts *CommandOptions) *Commands {
	c := &Commands{store: s, decide: decide, now: time.Now, retry: DefaultRetry, grace: GracePeriod}
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
	// retries reports whether a conflict is decided again.
	retries() bool
	// conflictMessage is the ConflictError message when no retry helped.
	conflictMessage() string
}

// RetryConflicts calls attempt until it returns anything but a conflict
// (store.ErrAppendConditionFailed), with no wait, attempts times in all (3
// when attempts is not positive), and stops early when ctx is done. A
// conflict on the last attempt is a *ConflictError with ConflictMessage.
// The aggregate variant's commands, which reload and try again, use it.
func RetryConflicts(ctx context.Context, attempts int, attempt func() (store.Position, error)) (store.Position, error) {
	if attempts <= 0 {
		attempts = 3
	}
	for i := 1; ; i++ {
		pos, err := attempt()
		if !errors.Is(err, store.ErrAppendConditionFailed) {
			return pos, err
		}
		if i >= attempts || ctx.Err() != nil {
			return 0, &ConflictError{Message: ConflictMessage, Err: err}
		}
	}
}

// Env is what a decision reads: the store, and the clock and grace period
// of the book prices.
type Env struct {
	Store store.EventStore
	// Now is the clock of new events and of the price grace period; it is
	// never nil in an Env that Commands builds.
	Now         func() time.Time
	GracePeriod time.Duration
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
	d, err := c.decide(ctx, Env{Store: c.store, Now: c.now, GracePeriod: c.grace}, cmd)
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
// Commands that retry run under the Retry policy; the others
// (announcement retraction, exam token issue and revoke, the admin book
// commands) try once, as in the reference sample. Student registration
// retries, unlike the sample's: a lost race then answers "email taken". A conflict
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

func (RegisterStudent) retries() bool           { return true }
func (RegisterStudent) conflictMessage() string { return ConflictMessage }

func (UpdateStudentSubscription) retries() bool           { return true }
func (UpdateStudentSubscription) conflictMessage() string { return ConflictMessage }

func (CreateCourse) retries() bool           { return false }
func (CreateCourse) conflictMessage() string { return ConflictMessage }

func (ModifyCourseStudentLimit) retries() bool           { return true }
func (ModifyCourseStudentLimit) conflictMessage() string { return ConflictMessage }

func (EnrollStudent) retries() bool { return true }
func (EnrollStudent) conflictMessage() string {
	return "Failed to enroll student due to concurrent updates. Please try again."
}

func (CreateInvoice) retries() bool { return true }
func (CreateInvoice) conflictMessage() string {
	return "Failed to create invoice due to concurrent updates. Please try again."
}

func (PostAnnouncement) retries() bool { return true }
func (PostAnnouncement) conflictMessage() string {
	return "Failed to post announcement due to concurrent updates. Please try again."
}

func (RetractAnnouncement) retries() bool           { return false }
func (RetractAnnouncement) conflictMessage() string { return ConflictMessage }

func (IssueExamToken) retries() bool           { return false }
func (IssueExamToken) conflictMessage() string { return ConflictMessage }

func (RedeemExamToken) retries() bool { return true }
func (RedeemExamToken) conflictMessage() string {
	return "Failed to redeem token due to concurrent updates. Please try again."
}

func (RevokeExamToken) retries() bool           { return false }
func (RevokeExamToken) conflictMessage() string { return ConflictMessage }

func (DefineCourseBook) retries() bool           { return false }
func (DefineCourseBook) conflictMessage() string { return ConflictMessage }

func (ChangeCourseBookPrice) retries() bool           { return false }
func (ChangeCourseBookPrice) conflictMessage() string { return ConflictMessage }

func (PurchaseCourseBook) retries() bool { return true }
func (PurchaseCourseBook) conflictMessage() string {
	return "The purchase could not be completed due to concurrent updates. Please try again."
}

func (OrderCourseBooks) retries() bool { return true }
func (OrderCourseBooks) conflictMessage() string {
	return "The order could not be completed due to concurrent updates. Please try again."
}
