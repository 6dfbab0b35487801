package decision_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// A small course domain for the specs: courses with seats, students with a
// course limit, invoices, emails.
const (
	courseDefined     = "CourseDefined"
	studentEnrolled   = "StudentEnrolled"
	studentRegistered = "StudentRegistered"
	invoiceCreated    = "InvoiceCreated"
	studentLimit      = 2
)

var (
	errCourseFull   = errors.New("course is full")
	errStudentLimit = errors.New("student reached the course limit")
	errEmailTaken   = errors.New("email is taken")
)

func course(id string) store.Tag  { return store.NewTag("courseId", id) }
func student(id string) store.Tag { return store.NewTag("studentId", id) }
func email(e string) store.Tag    { return store.NewTag("email", e) }

type capacity struct {
	Capacity int `json:"capacity"`
}

type invoice struct {
	Number int `json:"number"`
}

func defineCourse(id string, seats int) store.Event {
	return store.MustEvent(courseDefined, capacity{seats}, course(id))
}

func enrolment(courseID, studentID string) store.Event {
	return store.MustEvent(studentEnrolled, struct{}{}, course(courseID), student(studentID))
}

func registration(studentID, mail string) store.Event {
	return store.MustEvent(studentRegistered, struct{}{}, student(studentID), email(mail))
}

type seatState struct{ Capacity, Taken int }

// seats is the course half of the enrolment decision.
func seats(courseID string) decision.Projection[seatState] {
	return decision.Projection[seatState]{
		Query: store.TypesTagged([]string{courseDefined, studentEnrolled}, course(courseID)),
		Apply: func(s seatState, e store.StoredEvent) (seatState, error) {
			switch e.Type {
			case courseDefined:
				c, err := store.Decode[capacity](e.Event)
				if err != nil {
					return s, err
				}
				s.Capacity = c.Capacity
			case studentEnrolled:
				s.Taken++
			}
			return s, nil
		},
	}
}

// courses is the student half: how many courses the student joined.
func courses(studentID string) decision.Projection[int] {
	return decision.Projection[int]{
		Query: store.TypesTagged([]string{studentEnrolled}, student(studentID)),
		Apply: func(n int, _ store.StoredEvent) (int, error) { return n + 1, nil },
	}
}

// enrol is the composed decision: course capacity and student limit, one
// read, one guard.
func enrol(s store.EventStore, courseID, studentID string) decision.Decide {
	return func(ctx context.Context) (decision.Decision, error) {
		m, err := decision.Build2(ctx, s, seats(courseID), courses(studentID))
		if err != nil {
			return decision.Decision{}, err
		}
		if m.First.Taken >= m.First.Capacity {
			return decision.Decision{}, errCourseFull
		}
		if m.Second >= studentLimit {
			return decision.Decision{}, errStudentLimit
		}
		return m.Append(enrolment(courseID, studentID)), nil
	}
}

// lastInvoice is the invoice number decision: ReadLast plus After.
func nextInvoice(s store.EventStore, number *int) decision.Decide {
	return func(ctx context.Context) (decision.Decision, error) {
		q := store.Types(invoiceCreated)
		last, err := s.ReadLast(ctx, q)
		if err != nil {
			return decision.Decision{}, err
		}
		next, after := 1, store.Position(0)
		if last != nil {
			inv, err := store.Decode[invoice](last.Event)
			if err != nil {
				return decision.Decision{}, err
			}
			next, after = inv.Number+1, last.Position
		}
		*number = next
		e := store.MustEvent(invoiceCreated, invoice{next}, store.NewTag("invoiceNumber", fmt.Sprint(next)))
		return decision.Decision{Events: []store.Event{e}, Condition: store.Guard(q, after)}, nil
	}
}

// register claims an email: the decision reads every event tagged with it.
func register(s store.EventStore, studentID, mail string) decision.Decide {
	return func(ctx context.Context) (decision.Decision, error) {
		m, err := decision.Build(ctx, s, decision.Projection[bool]{
			Query: store.Tagged(email(mail)),
			Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
		})
		if err != nil {
			return decision.Decision{}, err
		}
		if m.State {
			return decision.Decision{}, errEmailTaken
		}
		return m.Append(registration(studentID, mail)), nil
	}
}

// factory opens an empty store for one spec and closes it at the end.
type factory struct {
	name string
	open func() store.EventStore
}

var factories = []factory{
	{"memory store", func() store.EventStore {
		s := store.NewMemory()
		DeferCleanup(s.Close)
		return s
	}},
	{"file store", func() store.EventStore {
		GinkgoHelper()
		s, err := store.Open(GinkgoT().TempDir(), nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}},
	{"PostgreSQL store", func() store.EventStore {
		GinkgoHelper()
		return pgtest.OpenStore(context.Background(), nil)
	}},
}

// given appends events one by one, unconditionally.
func given(s store.EventStore, events ...store.Event) {
	GinkgoHelper()
	for _, e := range events {
		_, err := s.Append(context.Background(), []store.Event{e}, nil)
		Expect(err).NotTo(HaveOccurred())
	}
}

// eventsOf returns every stored event of type typ.
func eventsOf(s store.EventStore, typ string) []store.StoredEvent {
	GinkgoHelper()
	es, err := store.ReadAll(context.Background(), s, store.Types(typ))
	Expect(err).NotTo(HaveOccurred())
	return es
}

// race runs f(0..n-1) in n goroutines released together and returns their
// errors by index.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer GinkgoRecover()
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// racing is the retry policy of the race specs: enough attempts for 20
// writers on one boundary, short waits.
var racing = &decision.Policy{Attempts: 60, BaseDelay: 500 * time.Microsecond, MaxDelay: 10 * time.Millisecond}
