package evolving

import (
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// CourseSeatsName is the name of the seats projection: its folder under
// projections/ and its name in the runner's status.
const CourseSeatsName = "course-seats"

// Seats is the read model of one course's seats.
type Seats struct {
	Capacity int `json:"capacity"`
	Taken    int `json:"taken"`
}

// CourseSeatsV1 is the seats projection as it was before this lesson: it
// knows only version 2's enrollments, so it misses every enrollment
// version 1 wrote. Its read models are on disk, computed by this fold.
func CourseSeatsV1() projection.Definition[Seats] {
	return projection.Definition[Seats]{
		Name:       CourseSeatsName,
		Version:    1,
		EventTypes: []string{CourseCreatedType, StudentEnrolledToCourseType},
		Key:        projection.KeyByTag(CourseKey),
		Apply:      evolveSeats,
	}
}

// evolveSeats folds an event of version 2 into a course's seats.
func evolveSeats(current *Seats, e store.StoredEvent) (*Seats, error) {
	s := Seats{}
	if current != nil {
		s = *current
	}
	switch e.Type {
	case CourseCreatedType:
		c, err := DecodeCourseCreated(e.Event)
		if err != nil {
			return nil, err
		}
		s.Capacity = c.MaxStudentCount
	case StudentEnrolledToCourseType:
		s.Taken++
	}
	return &s, nil
}

// CourseSeats is the seats projection that also counts version 1's
// enrollments: it selects their type too, and upcasts every event before
// it keys and folds it. The read models on disk were computed by
// CourseSeatsV1's fold, so it tells the runner to rebuild them.
func CourseSeats() projection.Definition[Seats] {
	// TODO: start from CourseSeatsV1(); select version 1's type too, key and
	// fold the upcast event, and tell the runner that the fold changed.
	panic("TODO: implement CourseSeats (lessons/07-evolving-events/seats.go:57) — README step 5")
}
