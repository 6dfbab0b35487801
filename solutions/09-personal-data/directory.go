package personaldata

import (
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// DirectoryName is the name of the student directory projection.
const DirectoryName = "student-directory"

// Directory is the student directory: one read model per student, keyed
// by id, in plain text, for the pages that list students. It is a copy of
// personal data outside the events, so an erasure must reach it too:
// StudentRegistered folds to the revealed student (Reveal), which is
// Erased already when the fold runs after the erasure (a rebuild), and
// StudentDataErased replaces every personal field of the instance by
// Erased, so a live directory forgets without a rebuild.
//
//workbook:todo step 5: consume both types, key by the studentId tag, fold a registration with Reveal and an erasure into Erased fields.
func Directory(keys *Keys) projection.Definition[Student] {
	return projection.Definition[Student]{
		Name:       DirectoryName,
		Version:    1,
		EventTypes: []string{StudentRegisteredType, StudentDataErasedType},
		Key:        projection.KeyByTag(StudentKey),
		Apply: func(current *Student, e store.StoredEvent) (*Student, error) {
			if e.Type == StudentDataErasedType {
				erased, err := store.Decode[StudentDataErased](e.Event)
				if err != nil {
					return nil, err
				}
				return &Student{StudentID: erased.StudentID, FirstName: Erased, LastName: Erased, Email: Erased}, nil
			}
			reg, err := store.Decode[StudentRegistered](e.Event)
			if err != nil {
				return nil, err
			}
			st, err := Reveal(keys, reg)
			if err != nil {
				return nil, err
			}
			return &st, nil
		},
	}
}
