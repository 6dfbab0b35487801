package personaldata

import (
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
func Directory(keys *Keys) projection.Definition[Student] {
	// TODO: consume both types, key by the studentId tag, fold a registration
	// with Reveal and an erasure into Erased fields.
	panic("TODO: implement Directory (lessons/09-personal-data/directory.go:20) — README step 5")
}
