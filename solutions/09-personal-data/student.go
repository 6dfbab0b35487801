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
//
//workbook:todo step 4: keys.Lookup; on ErrKeyErased the three fields are Erased; otherwise Open each of them.
func Reveal(keys *Keys, e StudentRegistered) (Student, error) {
	st := Student{StudentID: e.StudentID}
	key, err := keys.Lookup(e.StudentID)
	if errors.Is(err, ErrKeyErased) {
		st.FirstName, st.LastName, st.Email = Erased, Erased, Erased
		return st, nil
	}
	if err != nil {
		return Student{}, err
	}
	if st.FirstName, err = Open(key, e.FirstName); err == nil {
		if st.LastName, err = Open(key, e.LastName); err == nil {
			st.Email, err = Open(key, e.Email)
		}
	}
	if err != nil {
		return Student{}, fmt.Errorf("student %s: %w", e.StudentID, err)
	}
	return st, nil
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
//
//workbook:todo step 4: keys.Erase first; then append StudentDataErased.
func Forget(ctx context.Context, s store.EventStore, keys *Keys, studentID string) error {
	if err := keys.Erase(studentID); err != nil {
		return err
	}
	_, err := s.Append(ctx, []store.Event{StudentDataErased{StudentID: studentID}.Event()}, nil)
	return err
}
