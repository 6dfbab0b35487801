// Package evolving is lesson 07: events outlive the code that wrote them.
//
// The store holds events written by version 1 of the application next to
// those of version 2, which you maintain. Start with events.go: it shows
// both versions. Then write, in the order of the README's steps,
// DecodeCourseCreated (a field version 1 did not write), Upcast (an event
// type version 1 named differently), EnrollmentQuery (the boundary must
// cover both versions, or a version-1 writer slips past the guard) and
// RetroTag (give the old events the new tags, once).
package evolving
