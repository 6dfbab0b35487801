package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Announcement is what a retraction needs to know about the announcement
// posted with a token. A nil *Announcement means none was posted.
type Announcement struct {
	AnnouncementID string
	CourseID       string
	Retracted      bool
}

// IdempotencyTokenWasUsed is the decision projection "was this token used
// by an announcement that is still up?" (README step 11). A post uses the
// token; a retraction frees it. The fold follows the events in order:
// posted, retracted, posted again means used.
func IdempotencyTokenWasUsed(token string) decision.Projection[bool] {
	// TODO: posts and retractions tagged IdempotencyTag(token); the last one
	// decides.
	panic("TODO: implement IdempotencyTokenWasUsed (lessons/05-coursemanagement/announcements.go:24) — README step 11")
}

// RetractableAnnouncement is the decision projection of the announcement
// posted with a token (README step 11), over the same events: a post starts
// a new state (not retracted), a retraction marks an existing one
// retracted.
func RetractableAnnouncement(token string) decision.Projection[*Announcement] {
	// TODO: the same query as IdempotencyTokenWasUsed; a post decodes the
	// announcement's id and course.
	panic("TODO: implement RetractableAnnouncement (lessons/05-coursemanagement/announcements.go:34) — README step 11")
}

// DecideAnnouncement decides PostAnnouncement (README step 11): the course
// exists (ErrCourseNotFound), the token is not in use (ErrResubmission).
// It returns one CourseAnnouncementPosted.
func DecideAnnouncement(courseExists, tokenUsed bool, cmd courseapp.PostAnnouncement) ([]store.Event, error) {
	// TODO: two checks, then the posted event.
	panic("TODO: implement DecideAnnouncement (lessons/05-coursemanagement/announcements.go:42) — README step 11")
}

// DecideRetraction decides RetractAnnouncement (README step 11): an
// announcement was posted with the token to the course the command names
// (ErrAnnouncementNotFound), and it is not retracted yet
// (ErrAnnouncementRetracted). It returns one CourseAnnouncementRetracted
// with the announcement's id and course taken from the state.
func DecideRetraction(a *Announcement, cmd courseapp.RetractAnnouncement) ([]store.Event, error) {
	// TODO: two checks, then the retracted event built from the state.
	panic("TODO: implement DecideRetraction (lessons/05-coursemanagement/announcements.go:52) — README step 11")
}
