package personaldata

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// Erased is what a student's personal fields read once their key was
// erased: a clear marker, never an error and never ciphertext.
const Erased = "[erased]"

// ErrStudentNotFound means no student registered with the id.
var ErrStudentNotFound = errors.New("no such student")

// Student is a student as a reader sees them: in plain text, or Erased.
type Student struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Reveal opens the sealed fields of a registration with the student's key
// (keys.Lookup, which never makes a key). When the key was erased, every
// personal field is Erased and Reveal succeeds: the student still exists,
// only their data is gone. Any other error is returned.
func Reveal(keys *Keys, e StudentRegistered) (Student, error) {
	// TODO: keys.Lookup; on ErrKeyErased the three fields are Erased;
	// otherwise Open each of them.
	panic("TODO: implement Reveal (lessons/09-personal-data/student.go:33) — README step 4")
}

// LoadStudent reads the student's registration and reveals it, or fails
// with ErrStudentNotFound.
func LoadStudent(ctx context.Context, s store.EventStore, keys *Keys, studentID string) (Student, error) {
	e, err := s.ReadLast(ctx, store.TypesTagged([]string{StudentRegisteredType}, StudentTag(studentID)))
	if err != nil {
		return Student{}, err
	}
	if e == nil {
		return Student{}, fmt.Errorf("student %s: %w", studentID, ErrStudentNotFound)
	}
	reg, err := store.Decode[StudentRegistered](e.Event)
	if err != nil {
		return Student{}, err
	}
	return Reveal(keys, reg)
}

// Forget erases a student's personal data: it erases their key first, and
// then appends StudentDataErased, so that the read models drop their
// copies. In this order a crash in between leaves the data erased and the
// fact missing (Forget again appends it); the other order could leave a
// fact that says "erased" over data anyone can still read.
func Forget(ctx context.Context, s store.EventStore, keys *Keys, studentID string) error {
	// TODO: keys.Erase first; then append StudentDataErased.
	panic("TODO: implement Forget (lessons/09-personal-data/student.go:60) — README step 4")
}
