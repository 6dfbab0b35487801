package courseapp

import (
	"context"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
	"github.com/opossum-go/opossum/store/projection"
)

// Domain is what the application needs of a domain package: its
// decisions, its read models and its aggregate variant, as function
// values. Lesson 5's package and its solution each return one from their
// Domain function, so the application runs on either.
type Domain struct {
	// Decide reads what cmd depends on from env.Store and decides, once:
	// the events and the condition that guards them, or the domain error.
	// It appends nothing.
	Decide func(ctx context.Context, env Env, cmd Command) (decision.Decision, error)
	// ReadModels are the definitions of the eight read models.
	ReadModels ReadModelDefinitions
	// Aggregates returns the aggregate variant's command handlers on s,
	// stamping events with now.
	Aggregates func(s store.EventStore, now func() time.Time) Aggregates
}

// ReadModelDefinitions are the definitions of the eight read models that
// the views serve.
type ReadModelDefinitions struct {
	CourseShortInfo       projection.Definition[CourseShortInfo]
	CourseDetails         projection.Definition[CourseDetails]
	StudentShortInfo      projection.Definition[StudentShortInfo]
	StudentDetails        projection.Definition[StudentDetails]
	StudentPurchasedBooks projection.Definition[StudentPurchasedBooks]
	Invoices              projection.Definition[Invoice]
	CourseBookCatalog     projection.Definition[CourseBook]
	CourseBuyers          projection.Definition[CourseBuyers]
}

// Aggregates are the aggregate variant's command handlers: course
// creation, capacity change and enrollment through aggregates, served
// under /courses/aggregate for contrast with the DCB commands.
type Aggregates interface {
	Create(ctx context.Context, courseID, name, description string, maxStudents int) (store.Position, error)
	ChangeCapacity(ctx context.Context, courseID string, capacity int) (store.Position, error)
	Subscribe(ctx context.Context, courseID, studentID string) (store.Position, error)
}
