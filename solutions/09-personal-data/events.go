package personaldata

import "github.com/opossum-go/opossum/store"

// Event types: StudentRegistered as in the CourseManagement sample;
// StudentDataErased is this lesson's.
const (
	StudentRegisteredType = "StudentRegistered"
	StudentDataErasedType = "StudentDataErased"
)

// Tag keys, as in the CourseManagement sample.
const (
	StudentKey = "studentId"
	EmailKey   = "studentEmail"
)

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// StudentRegistered: a student signed up. The fields are those of the
// CourseManagement sample, but FirstName, LastName and Email hold sealed
// text (see Seal), encrypted with the student's own key: the event keeps
// the facts, and the key decides who can still read them.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact tagged with the student and with emailTag, the
// keyed hash of the address (see EmailTag).
func (e StudentRegistered) Event(emailTag store.Tag) store.Event {
	return store.MustEvent(StudentRegisteredType, e, StudentTag(e.StudentID), emailTag)
}

// StudentDataErased: the student's key was erased, so their personal data
// can no longer be read. The event records when it happened, and tells the
// read models to drop their copies.
type StudentDataErased struct {
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the student.
func (e StudentDataErased) Event() store.Event {
	return store.MustEvent(StudentDataErasedType, e, StudentTag(e.StudentID))
}

// RegisterStudent is the command: a student signs up with their name and
// address, in plain text. Only Register sees them so.
type RegisterStudent struct {
	StudentID string
	FirstName string
	LastName  string
	Email     string
}
