package coursemanagement

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Domain is this package as the application needs it: its decisions, its
// read models and its aggregate variant. cmd/coursemanagement and the
// HTTP specs run courseapp.Open(dir, Domain(), opts): the application on
// this package's code.
func Domain() courseapp.Domain {
	return courseapp.Domain{
		Decide: Decide,
		ReadModels: courseapp.ReadModelDefinitions{
			CourseShortInfo:       CourseShortInfoDefinition,
			CourseDetails:         CourseDetailsDefinition,
			StudentShortInfo:      StudentShortInfoDefinition,
			StudentDetails:        StudentDetailsDefinition,
			StudentPurchasedBooks: StudentPurchasedBooksDefinition,
			Invoices:              InvoiceDefinition,
			CourseBookCatalog:     CourseBookCatalogDefinition,
			CourseBuyers:          CourseBuyersDefinition,
		},
		Aggregates: func(s store.EventStore, now func() time.Time) courseapp.Aggregates {
			return NewAggregateCourses(s, now)
		},
	}
}

// Decide reads what cmd depends on from env.Store and decides, once. For
// each command it names the decision projections the command depends on,
// built in one read (courseapp.On, On2, On3), and the pure decide function
// that gets their states. It returns the events and the condition that
// guards them, or the domain error, and appends nothing: the
// application's command handler (courseapp.Commands) appends, and decides
// again on a conflict.
func Decide(ctx context.Context, env courseapp.Env, cmd courseapp.Command) (decision.Decision, error) {
	switch cmd := cmd.(type) {
	case courseapp.RegisterStudent:
		return courseapp.On(ctx, env, EmailTaken(cmd.Email), cmd, DecideRegistration)
	case courseapp.UpdateStudentSubscription:
		return courseapp.On(ctx, env, StudentExists(cmd.StudentID), cmd, DecideSubscriptionUpdate)
	case courseapp.CreateCourse:
		return courseapp.On(ctx, env, CourseExists(cmd.CourseID), cmd, DecideCourseCreation)
	case courseapp.ModifyCourseStudentLimit:
		return courseapp.On(ctx, env, CourseCapacity(cmd.CourseID), cmd, DecideStudentLimitChange)
	case courseapp.EnrollStudent:
		return courseapp.On3(ctx, env, CourseCapacity(cmd.CourseID), StudentEnrollmentLimit(cmd.StudentID),
			AlreadyEnrolled(cmd.CourseID, cmd.StudentID), cmd, DecideEnrollment)
	case courseapp.CreateInvoice:
		return decideInvoice(ctx, env, cmd)
	case courseapp.PostAnnouncement:
		return courseapp.On2(ctx, env, CourseExists(cmd.CourseID), IdempotencyTokenWasUsed(cmd.IdempotencyToken),
			cmd, DecideAnnouncement)
	case courseapp.RetractAnnouncement:
		return courseapp.On(ctx, env, RetractableAnnouncement(cmd.IdempotencyToken), cmd, DecideRetraction)
	case courseapp.IssueExamToken:
		return courseapp.On(ctx, env, CourseExists(cmd.CourseID), cmd, DecideTokenIssue)
	case courseapp.RedeemExamToken:
		return courseapp.On2(ctx, env, TokenStatus(cmd.TokenID), StudentExists(cmd.StudentID), cmd, DecideTokenRedemption)
	case courseapp.RevokeExamToken:
		return courseapp.On(ctx, env, TokenStatus(cmd.TokenID), cmd, DecideTokenRevocation)
	case courseapp.DefineCourseBook:
		return courseapp.On2(ctx, env, BookExists(cmd.BookID), CourseExists(cmd.CourseID), cmd, DecideBookDefinition)
	case courseapp.ChangeCourseBookPrice:
		return courseapp.On(ctx, env, BookExists(cmd.BookID), cmd,
			func(exists bool, cmd courseapp.ChangeCourseBookPrice) ([]store.Event, error) {
				return DecidePriceChange(exists, cmd, env.Now().UTC())
			})
	case courseapp.PurchaseCourseBook:
		return courseapp.On2(ctx, env, PriceWithGracePeriod(cmd.BookID, env.GracePeriod), StudentExists(cmd.StudentID),
			cmd, DecidePurchase)
	case courseapp.OrderCourseBooks:
		return decideOrder(ctx, env, cmd)
	}
	return decision.Decision{}, fmt.Errorf("coursemanagement: no decision for the command %T", cmd)
}

// LastInvoiceQuery selects every invoice: the numbering boundary is global,
// scoped by the event type alone.
var LastInvoiceQuery = store.Types(InvoiceCreatedType)

// decideInvoice needs no fold: the next number depends on the newest
// invoice only, which ReadLast finds in O(log n). The guard is the same
// query with After = that invoice's position, or no After before the first
// invoice, so that two "first" invoices cannot both be number 1.
func decideInvoice(ctx context.Context, env courseapp.Env, cmd courseapp.CreateInvoice) (decision.Decision, error) {
	last, err := env.Store.ReadLast(ctx, LastInvoiceQuery)
	if err != nil {
		return decision.Decision{}, err
	}
	next, err := NextInvoiceNumber(last)
	if err != nil {
		return decision.Decision{}, err
	}
	events, err := DecideInvoice(next, cmd, env.Now().UTC())
	if err != nil {
		return decision.Decision{}, err
	}
	var after store.Position
	if last != nil {
		after = last.Position
	}
	return decision.Decision{Events: events, Condition: store.Guard(LastInvoiceQuery, after)}, nil
}

// decideOrder builds one price projection per distinct book, all in the
// same read as the student's registration: one condition spans the whole
// cart, so a price change of any of its books invalidates the order, and
// a change of any other book does not.
func decideOrder(ctx context.Context, env courseapp.Env, cmd courseapp.OrderCourseBooks) (decision.Decision, error) {
	var books []string
	for _, it := range cmd.Items {
		if !slices.Contains(books, it.BookID) {
			books = append(books, it.BookID)
		}
	}
	if len(books) == 0 { // an empty order: a union of no queries is no query
		return courseapp.On(ctx, env, StudentExists(cmd.StudentID), cmd,
			func(registered bool, cmd courseapp.OrderCourseBooks) ([]store.Event, error) {
				return DecideOrder(registered, nil, cmd)
			})
	}
	parts := make([]decision.Projection[*BookPrice], len(books))
	for i, b := range books {
		parts[i] = PriceWithGracePeriod(b, env.GracePeriod)
	}
	return courseapp.On2(ctx, env, StudentExists(cmd.StudentID), courseapp.Each(parts...), cmd,
		func(registered bool, found []*BookPrice, cmd courseapp.OrderCourseBooks) ([]store.Event, error) {
			prices := make(map[string]*BookPrice, len(books))
			for i, b := range books {
				prices[b] = found[i]
			}
			return DecideOrder(registered, prices, cmd)
		})
}
