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

// tokenEvents selects the posts and retractions carrying the token.
//
//workbook:solution
func tokenEvents(token string) store.Query {
	return store.TypesTagged([]string{CourseAnnouncementPostedType, CourseAnnouncementRetractedType}, IdempotencyTag(token))
}

// IdempotencyTokenWasUsed is the decision projection "was this token used
// by an announcement that is still up?" (README step 11). A post uses the
// token; a retraction frees it. The fold follows the events in order:
// posted, retracted, posted again means used.
//
//workbook:todo step 11: posts and retractions tagged IdempotencyTag(token); the last one decides.
func IdempotencyTokenWasUsed(token string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: tokenEvents(token),
		Apply: func(_ bool, e store.StoredEvent) (bool, error) {
			return e.Type == CourseAnnouncementPostedType, nil
		},
	}
}

// RetractableAnnouncement is the decision projection of the announcement
// posted with a token (README step 11), over the same events: a post starts
// a new state (not retracted), a retraction marks an existing one
// retracted.
//
//workbook:todo step 11: the same query as IdempotencyTokenWasUsed; a post decodes the announcement's id and course.
func RetractableAnnouncement(token string) decision.Projection[*Announcement] {
	return decision.Projection[*Announcement]{
		Query: tokenEvents(token),
		Apply: func(a *Announcement, e store.StoredEvent) (*Announcement, error) {
			switch e.Type {
			case CourseAnnouncementPostedType:
				p, err := store.Decode[CourseAnnouncementPosted](e.Event)
				if err != nil {
					return a, err
				}
				return &Announcement{AnnouncementID: p.AnnouncementID, CourseID: p.CourseID}, nil
			case CourseAnnouncementRetractedType:
				if a == nil {
					return nil, nil
				}
				return &Announcement{AnnouncementID: a.AnnouncementID, CourseID: a.CourseID, Retracted: true}, nil
			}
			return a, nil
		},
	}
}

// DecideAnnouncement decides PostAnnouncement (README step 11): the course
// exists (ErrCourseNotFound), the token is not in use (ErrResubmission).
// It returns one CourseAnnouncementPosted.
//
//workbook:todo step 11: two checks, then the posted event.
func DecideAnnouncement(courseExists, tokenUsed bool, cmd courseapp.PostAnnouncement) ([]store.Event, error) {
	switch {
	case !courseExists:
		return nil, courseapp.ErrCourseNotFound
	case tokenUsed:
		return nil, courseapp.ErrResubmission
	}
	return []store.Event{CourseAnnouncementPosted{
		AnnouncementID: cmd.AnnouncementID, CourseID: cmd.CourseID,
		Title: cmd.Title, Body: cmd.Body, IdempotencyToken: cmd.IdempotencyToken,
	}.Event()}, nil
}

// DecideRetraction decides RetractAnnouncement (README step 11): an
// announcement was posted with the token to the course the command names
// (ErrAnnouncementNotFound), and it is not retracted yet
// (ErrAnnouncementRetracted). It returns one CourseAnnouncementRetracted
// with the announcement's id and course taken from the state.
//
//workbook:todo step 11: two checks, then the retracted event built from the state.
func DecideRetraction(a *Announcement, cmd courseapp.RetractAnnouncement) ([]store.Event, error) {
	switch {
	case a == nil || a.CourseID != cmd.CourseID:
		return nil, courseapp.ErrAnnouncementNotFound
	case a.Retracted:
		return nil, courseapp.ErrAnnouncementRetracted
	}
	return []store.Event{CourseAnnouncementRetracted{
		AnnouncementID: a.AnnouncementID, CourseID: a.CourseID, IdempotencyToken: cmd.IdempotencyToken,
	}.Event()}, nil
}
