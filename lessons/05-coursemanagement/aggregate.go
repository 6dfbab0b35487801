package coursemanagement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// This file is the aggregate-based variant of course creation, capacity
// change and enrollment, kept beside the DCB commands for contrast (README
// step 6). It writes the same event types, with the same tags, to the same
// log; what differs is the consistency boundary. An aggregate loads every
// event tagged with its id, of any type, and guards its save with "nothing
// tagged with my id after my version": a book purchase or an announcement
// on the course is inside that boundary too, and makes a concurrent
// enrollment conflict for nothing (a false conflict). And the boundary is
// one aggregate's: an enrollment's rule that spans the course and the
// student (the tier limit) is checked but not guarded. The DCB decision
// reads, and guards, exactly the events its rules depend on, of both.

// CourseAggregate is a course as an aggregate: its state, rebuilt from
// every event tagged with the course, and the events recorded since.
type CourseAggregate struct {
	ID          string
	Name        string
	Description string
	Capacity    int
	// Version is the position of the last event the aggregate was rebuilt
	// from: a global position, not a count of the course's events. Zero
	// for a new course.
	Version  store.Position
	students map[string]bool
	recorded []store.Event
}

// NewCourseAggregate creates a course and records its CourseCreated. The
// rules of course creation are the DCB path's (DecideCourseCreation).
func NewCourseAggregate(id, name, description string, maxStudents int) (*CourseAggregate, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, courseapp.ErrCourseNameRequired
	case maxStudents <= 0:
		return nil, courseapp.ErrInvalidMaxStudentCount
	}
	c := &CourseAggregate{ID: id, students: map[string]bool{}}
	err := c.record(CourseCreated{CourseID: id, Name: name, Description: description, MaxStudentCount: maxStudents}.Event())
	return c, err
}

// ReconstituteCourse rebuilds a course from its events, in position
// order. Events the course does not care about are skipped but move
// Version. It returns nil when the events hold no CourseCreated.
func ReconstituteCourse(events []store.StoredEvent) (*CourseAggregate, error) {
	c := &CourseAggregate{students: map[string]bool{}}
	created := false
	for _, e := range events {
		if err := c.apply(e.Event); err != nil {
			return nil, fmt.Errorf("course aggregate: event %d: %w", e.Position, err)
		}
		created = created || e.Type == CourseCreatedType
		c.Version = e.Position
	}
	if !created {
		return nil, nil
	}
	return c, nil
}

// EnrollmentCount is the number of students in the course.
func (c *CourseAggregate) EnrollmentCount() int { return len(c.students) }

// ChangeCapacity changes the capacity under the one rule every capacity
// change follows: positive (ErrInvalidMaxStudentCount), not below the
// students enrolled (CapacityBelowEnrollmentsError); the same capacity
// again records nothing.
func (c *CourseAggregate) ChangeCapacity(n int) error {
	switch {
	case n <= 0:
		return courseapp.ErrInvalidMaxStudentCount
	case n < c.EnrollmentCount():
		return courseapp.CapacityBelowEnrollmentsError{CourseID: c.ID, Count: c.EnrollmentCount()}
	case n == c.Capacity:
		return nil
	}
	return c.record(CourseStudentLimitModified{CourseID: c.ID, NewMaxStudentCount: n}.Event())
}

// SubscribeStudent enrolls a student: not subscribed yet
// (AlreadySubscribedError), a seat free (FullyBookedError).
func (c *CourseAggregate) SubscribeStudent(studentID string) error {
	switch {
	case c.students[studentID]:
		return courseapp.AlreadySubscribedError{StudentID: studentID, CourseID: c.ID}
	case c.EnrollmentCount() >= c.Capacity:
		return courseapp.FullyBookedError{CourseID: c.ID}
	}
	return c.record(StudentEnrolledToCourse{CourseID: c.ID, StudentID: studentID}.Event())
}

// PullRecordedEvents returns the events recorded since the course was
// created or rebuilt, and forgets them.
func (c *CourseAggregate) PullRecordedEvents() []store.Event {
	out := c.recorded
	c.recorded = nil
	return out
}

func (c *CourseAggregate) record(e store.Event) error {
	if err := c.apply(e); err != nil {
		return err
	}
	c.recorded = append(c.recorded, e)
	return nil
}

func (c *CourseAggregate) apply(e store.Event) error {
	switch e.Type {
	case CourseCreatedType:
		d, err := store.Decode[CourseCreated](e)
		if err != nil {
			return err
		}
		c.ID, c.Name, c.Description, c.Capacity = d.CourseID, d.Name, d.Description, d.MaxStudentCount
	case CourseStudentLimitModifiedType:
		d, err := store.Decode[CourseStudentLimitModified](e)
		if err != nil {
			return err
		}
		c.Capacity = d.NewMaxStudentCount
	case StudentEnrolledToCourseType:
		d, err := store.Decode[StudentEnrolledToCourse](e)
		if err != nil {
			return err
		}
		c.students[d.StudentID] = true
	}
	return nil
}

// StudentAggregate is the read-only student an enrollment consults.
type StudentAggregate struct {
	ID       string
	Tier     courseapp.Tier
	Enrolled int
	// Version is the position of the last event the student was rebuilt
	// from.
	Version store.Position
}

// ReconstituteStudent rebuilds a student from its events; nil when they
// hold no StudentRegistered.
func ReconstituteStudent(events []store.StoredEvent) (*StudentAggregate, error) {
	var s *StudentAggregate
	for _, e := range events {
		switch {
		case e.Type == StudentRegisteredType:
			r, err := store.Decode[StudentRegistered](e.Event)
			if err != nil {
				return nil, err
			}
			s = &StudentAggregate{ID: r.StudentID, Tier: courseapp.Basic}
		case s == nil:
		case e.Type == StudentSubscriptionUpdatedType:
			u, err := store.Decode[StudentSubscriptionUpdated](e.Event)
			if err != nil {
				return nil, err
			}
			s.Tier = u.EnrollmentTier
		case e.Type == StudentEnrolledToCourseType:
			s.Enrolled++
		}
		if s != nil {
			s.Version = e.Position
		}
	}
	return s, nil
}

// IsAtEnrollmentLimit reports whether the student may join no more
// courses.
func (s *StudentAggregate) IsAtEnrollmentLimit() bool { return s.Enrolled >= s.Tier.MaxCourses() }

// AggregateRepository loads and saves aggregates. The tag query replaces
// the stream lock of a classic event store: an aggregate is every event
// tagged with its id.
type AggregateRepository struct {
	store store.EventStore
	now   func() time.Time
}

// LoadCourse rebuilds the course from every event tagged with it, of any
// type; nil when there is none.
func (r *AggregateRepository) LoadCourse(ctx context.Context, courseID string) (*CourseAggregate, error) {
	events, err := store.ReadAll(ctx, r.store, store.Tagged(CourseTag(courseID)))
	if err != nil {
		return nil, err
	}
	return ReconstituteCourse(events)
}

// LoadStudent rebuilds the student from every event tagged with it.
func (r *AggregateRepository) LoadStudent(ctx context.Context, studentID string) (*StudentAggregate, error) {
	events, err := store.ReadAll(ctx, r.store, store.Tagged(StudentTag(studentID)))
	if err != nil {
		return nil, err
	}
	return ReconstituteStudent(events)
}

// SaveCourse appends the course's recorded events guarded by the
// aggregate's own boundary: nothing tagged with the course after its
// Version (anything at all for a new course).
func (r *AggregateRepository) SaveCourse(ctx context.Context, c *CourseAggregate) (store.Position, error) {
	events := c.PullRecordedEvents()
	if len(events) == 0 {
		return 0, nil
	}
	now := r.now().UTC()
	for i := range events {
		events[i].Metadata.Timestamp = now
	}
	return r.store.Append(ctx, events, store.Guard(store.Tagged(CourseTag(c.ID)), c.Version))
}

// AggregateCourses runs the aggregate variant's commands. Each reloads
// and tries again on a conflict (courseapp.RetryConflicts, Attempts times
// in all, 3 when zero, as in the reference sample).
type AggregateCourses struct {
	Repository *AggregateRepository
	Attempts   int
}

// NewAggregateCourses returns the aggregate variant on s, stamping events
// with now (nil means time.Now).
func NewAggregateCourses(s store.EventStore, now func() time.Time) *AggregateCourses {
	if now == nil {
		now = time.Now
	}
	return &AggregateCourses{Repository: &AggregateRepository{store: s, now: now}}
}

// Create creates a course through the aggregate.
func (a *AggregateCourses) Create(ctx context.Context, courseID, name, description string, maxStudents int) (store.Position, error) {
	return courseapp.RetryConflicts(ctx, a.Attempts, func() (store.Position, error) {
		c, err := NewCourseAggregate(courseID, name, description, maxStudents)
		if err != nil {
			return 0, err
		}
		return a.Repository.SaveCourse(ctx, c)
	})
}

// ChangeCapacity loads the course, changes its capacity and saves it.
func (a *AggregateCourses) ChangeCapacity(ctx context.Context, courseID string, capacity int) (store.Position, error) {
	return courseapp.RetryConflicts(ctx, a.Attempts, func() (store.Position, error) {
		c, err := a.Repository.LoadCourse(ctx, courseID)
		if err != nil {
			return 0, err
		}
		if c == nil {
			return 0, courseapp.AggregateCourseNotFoundError{CourseID: courseID}
		}
		if err := c.ChangeCapacity(capacity); err != nil {
			return 0, err
		}
		return a.Repository.SaveCourse(ctx, c)
	})
}

// Subscribe enrolls a student, as the reference's domain service does:
// load the course (AggregateCourseNotFoundError), load the student
// (AggregateStudentNotFoundError), check the tier limit
// (EnrollmentLimitError), then let the course decide (already subscribed,
// fully booked). Note the order: the tier limit comes before the
// duplicate and capacity checks, unlike DecideEnrollment.
//
// The save is guarded the stream way: by the course's own boundary
// alone, nothing tagged with the course after its Version. The student is
// read but not guarded, because a stream store appends to one stream at a
// time: the tier limit counts the student's enrollments in every course,
// a rule spanning streams, and one stream write cannot guard it. Two
// enrollments of one student into two courses, racing, both pass, and the
// student ends up above the limit (the spec of README step 6 stages it);
// the DCB decision guards the course and the student in one condition.
func (a *AggregateCourses) Subscribe(ctx context.Context, courseID, studentID string) (store.Position, error) {
	return courseapp.RetryConflicts(ctx, a.Attempts, func() (store.Position, error) {
		c, err := a.Repository.LoadCourse(ctx, courseID)
		if err != nil {
			return 0, err
		}
		if c == nil {
			return 0, courseapp.AggregateCourseNotFoundError{CourseID: courseID}
		}
		s, err := a.Repository.LoadStudent(ctx, studentID)
		if err != nil {
			return 0, err
		}
		if s == nil {
			return 0, courseapp.AggregateStudentNotFoundError{StudentID: studentID}
		}
		if s.IsAtEnrollmentLimit() {
			return 0, courseapp.EnrollmentLimitError{Max: s.Tier.MaxCourses(), Tier: s.Tier}
		}
		if err := c.SubscribeStudent(studentID); err != nil {
			return 0, err
		}
		return a.Repository.SaveCourse(ctx, c)
	})
}
