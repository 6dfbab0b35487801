package dcb

import (
	"time"

	"github.com/opossum-go/opossum/store"
)

// Withdrawal is what the school's web form sends when a student leaves a
// course (README step 9). It holds everything the page knows at that
// moment; not all of it belongs in the event.
type Withdrawal struct {
	// StudentID is the student who leaves.
	StudentID string
	// CourseID is the course the student leaves.
	CourseID string
	// Email is the student's address, to which the school sends a
	// confirmation.
	Email string
	// Reason is what the student typed in the form; it may be empty.
	Reason string
	// At is when the student withdrew. A student who withdraws within
	// RefundPeriod of enrolling gets the fee back.
	At time.Time
	// SeatsLeft is how many seats of the course are free after the
	// withdrawal, as the course's page shows them.
	SeatsLeft int
}

// RefundPeriod is how long after enrolling a student may withdraw and get
// the course's fee back.
const RefundPeriod = 14 * 24 * time.Hour

// WithdrawalEvents returns the events that record w, ready to append: the
// facts of the story of README step 9, with their data and their tags.
// It appends nothing and reads nothing.
//
//workbook:todo step 9: design the event of the story: a past-tense name, the data the fact and its rules need (nothing derived), the tags the decisions select by (no personal data).
func WithdrawalEvents(w Withdrawal) []store.Event {
	type studentWithdrewFromCourse struct {
		StudentID   string    `json:"studentId"`
		CourseID    string    `json:"courseId"`
		Reason      string    `json:"reason,omitempty"`
		WithdrawnAt time.Time `json:"withdrawnAt"`
	}
	fact := studentWithdrewFromCourse{StudentID: w.StudentID, CourseID: w.CourseID, Reason: w.Reason, WithdrawnAt: w.At}
	return []store.Event{store.MustEvent("StudentWithdrewFromCourse", fact, StudentTag(w.StudentID), CourseTag(w.CourseID))}
}
