package projections

import (
	"strconv"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// EnrollmentEntry is one line of the enrollment log.
type EnrollmentEntry struct {
	StudentID string    `json:"studentId"`
	CourseID  string    `json:"courseId"`
	At        time.Time `json:"at"`
}

// EnrollmentLog is THE MISTAKE of README step 6, kept here to look at: a
// projection keyed by the event's position. Every enrollment becomes a read
// model of its own, a file of its own, forever. Do not copy it.
func EnrollmentLog() projection.Definition[EnrollmentEntry] {
	return projection.Definition[EnrollmentEntry]{
		Name:       "enrollment-log",
		Version:    1,
		EventTypes: []string{StudentEnrolledToCourseType},
		Key: func(e store.StoredEvent) (string, error) {
			return strconv.FormatUint(uint64(e.Position), 10), nil // one key per event: a key no reader looks up
		},
		Apply: func(_ *EnrollmentEntry, e store.StoredEvent) (*EnrollmentEntry, error) {
			d, err := store.Decode[StudentEnrolledToCourse](e.Event)
			if err != nil {
				return nil, err
			}
			return &EnrollmentEntry{StudentID: d.StudentID, CourseID: d.CourseID, At: e.Metadata.Timestamp}, nil
		},
	}
}

// Schedule lists the courses a student is enrolled in, in the order of
// enrollment.
type Schedule struct {
	StudentID string   `json:"studentId"`
	Courses   []string `json:"courses"`
}

// StudentSchedules defines the read models of students' schedules: one
// per student, however many enrollments there are.
func StudentSchedules() projection.Definition[Schedule] {
	return projection.Definition[Schedule]{
		Name:       "student-schedules",
		Version:    1,
		EventTypes: []string{StudentEnrolledToCourseType},
		Key:        ScheduleKey,
		Apply:      EvolveSchedule,
	}
}

// ScheduleKey returns the key of the schedule an enrollment belongs to:
// the student's id, taken from the event's studentId tag. An event
// without that tag is an error.
func ScheduleKey(e store.StoredEvent) (string, error) {
	// TODO: e.TagValue(StudentIDKey), or projection.KeyByTag.
	panic("TODO: implement ScheduleKey (lessons/03-projections/schedule.go:63) — README step 6")
}

// EvolveSchedule folds an enrollment into the student's schedule: a new
// schedule for the first one, the course appended for every one.
func EvolveSchedule(current *Schedule, e store.StoredEvent) (*Schedule, error) {
	// TODO: decode StudentEnrolledToCourse; start a Schedule when current is
	// nil.
	panic("TODO: implement EvolveSchedule (lessons/03-projections/schedule.go:71) — README step 6")
}
