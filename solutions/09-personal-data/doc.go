// Package personaldata is lesson 09: personal data in an event store that
// never forgets. Events are never rewritten, so a student's name and email
// address must not be in them in a form that outlives the student's right
// to be forgotten.
//
// Start with events.go and keys.go (given): the events of the
// CourseManagement sample, and a folder of per-student keys kept outside
// the store. Then write EmailTag (hash.go): the studentEmail tag as a keyed
// hash, so uniqueness works without the address in a tag; Seal and Open
// (seal.go): AES-GCM for the personal fields; Register (register.go): the
// unique, encrypted registration; Reveal and Forget (student.go): reading
// a student, and crypto-shredding one; and Directory (directory.go): a read
// model that holds no personal data once it is rebuilt after an erasure.
package personaldata
