package evolving_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	ev "github.com/opossum-go/opossum/lessons/07-evolving-events"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

// v1Course is a CourseCreated event as version 1 wrote it: no description,
// no maxStudentCount.
func v1Course(courseID string) store.Event {
	return store.MustEvent(ev.CourseCreatedType, map[string]string{"courseId": courseID, "name": "Course " + courseID}, ev.CourseTag(courseID))
}

func course(courseID string, seats int) store.Event {
	return ev.CourseCreated{CourseID: courseID, Name: "Course " + courseID, Description: "About " + courseID, MaxStudentCount: seats}.Event()
}

// v1Enrolled is an enrollment as version 1 wrote it.
func v1Enrolled(courseID, studentID string) store.Event {
	return ev.StudentSubscribedToCourse{Student: studentID, Course: courseID}.Event()
}

func enrolled(courseID, studentID string) store.Event {
	return ev.StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()
}

func enrolling(courseID, studentID string) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error { return ev.Enroll(ctx, s, courseID, studentID) }
}

var _ = steps.Describe("Step 1: a field version 1 did not write", func() {
	DescribeTable("a CourseCreated event",
		func(e store.Event, description string, seats int) {
			c, err := ev.DecodeCourseCreated(e)
			Expect(err).NotTo(HaveOccurred())
			Expect(c).To(Equal(ev.CourseCreated{CourseID: "c-1", Name: "Course c-1", Description: description, MaxStudentCount: seats}))
		},
		Entry("of version 1, without maxStudentCount, has DefaultMaxStudentCount seats (and no description)", v1Course("c-1"), "", ev.DefaultMaxStudentCount),
		Entry("of version 2 keeps its description and its maxStudentCount", course("c-1", 25), "About c-1", 25),
		Entry("of version 2 that says 0 seats has 0 seats: missing is not zero", course("c-1", 0), "About c-1", 0),
	)

	It("that is not JSON is an error, not a course", func() {
		_, err := ev.DecodeCourseCreated(store.Event{Type: ev.CourseCreatedType, Data: []byte("not json")})
		Expect(err).To(HaveOccurred())
	})
})

var _ = steps.Describe("Step 2: an event type version 1 named differently", func() {
	It("turns a version-1 enrollment into a StudentEnrolledToCourse, with version 2's data and tags, at the same position", func() {
		up, err := ev.Upcast(store.StoredEvent{Position: 7, Event: v1Enrolled("c-1", "s-ada")})
		Expect(err).NotTo(HaveOccurred())
		Expect(up.Position).To(Equal(store.Position(7)))
		Expect(up.Type).To(Equal(ev.StudentEnrolledToCourseType))
		Expect(store.Decode[ev.StudentEnrolledToCourse](up.Event)).To(Equal(ev.StudentEnrolledToCourse{StudentID: "s-ada", CourseID: "c-1"}))
		Expect(up).To(And(matchers.HaveTag(ev.CourseTag("c-1")), matchers.HaveTag(ev.StudentTag("s-ada"))))
	})

	It("leaves the events of version 2 as they are", func() {
		for _, e := range []store.Event{course("c-1", 5), enrolled("c-1", "s-ada")} {
			in := store.StoredEvent{Position: 3, Event: e}
			Expect(ev.Upcast(in)).To(Equal(in))
		}
	})

	It("refuses a version-1 enrollment that names no student, rather than invent one", func() {
		broken := store.MustEvent(ev.StudentSubscribedToCourseType, map[string]string{"course": "c-1"}, ev.V1CourseTag("c-1"))
		_, err := ev.Upcast(store.StoredEvent{Position: 4, Event: broken})
		Expect(err).To(HaveOccurred())
	})
})

var _ = steps.Describe("Step 3: one boundary across both versions", func() {
	It("counts version-1 enrollments toward the course's seats", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course("c-1", 1), v1Enrolled("c-1", "s-bob")).
			When(enrolling("c-1", "s-ada")).
			ThenError(ev.ErrCourseFull).
			ThenNothingAppended()
	})

	It("sees that the student enrolled under version 1", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course("c-1", 5), v1Enrolled("c-1", "s-ada")).
			When(enrolling("c-1", "s-ada")).
			ThenError(ev.ErrAlreadyEnrolled).
			ThenNothingAppended()
	})

	It("fills a version-1 course up to its default seats", func(ctx SpecContext) {
		history := []store.Event{v1Course("c-1")}
		for i := range ev.DefaultMaxStudentCount - 1 {
			history = append(history, v1Enrolled("c-1", "s-"+string(rune('a'+i))))
		}
		gwt.NewScenario(ctx).
			Given(history...).
			When(enrolling("c-1", "s-ada")).
			ThenAppended(ev.StudentEnrolledToCourseType)
	})

	It("fails the append when a writer still on version 1 takes the last seat between the read and the append", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).Given(course("c-1", 1))
		rival := &interleaved{EventStore: sc.Store(), rival: []store.Event{v1Enrolled("c-1", "s-bob")}}
		err := ev.Enroll(ctx, rival, "c-1", "s-ada")
		Expect(err).To(matchers.BeRejectedByCondition(),
			"Enroll read the course with one free seat, then a version-1 writer enrolled s-bob: the guard must notice, or the course is overbooked. Does EnrollmentQuery select version 1's type with version 1's tags?")
		Expect(sc.Store()).To(matchers.HaveAppended(ev.CourseCreatedType, ev.StudentSubscribedToCourseType))
	})
})

var _ = steps.Describe("Step 4: give the old events the new tags", func() {
	It("tags every version-1 enrollment with version 2's tags and keeps version 1's", func(ctx SpecContext) {
		fs := fileStore()
		_, err := fs.Append(ctx, []store.Event{course("c-1", 5), v1Enrolled("c-1", "s-ada"), v1Enrolled("c-2", "s-bob"), enrolled("c-1", "s-cy")}, nil)
		Expect(err).NotTo(HaveOccurred())

		res, err := ev.RetroTag(ctx, fs)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal(store.AddTagsResult{EventsProcessed: 2, EventsChanged: 2, TagsAdded: 4}))

		found, err := store.ReadAll(ctx, fs, store.TypesTagged([]string{ev.StudentSubscribedToCourseType}, ev.CourseTag("c-1"), ev.StudentTag("s-ada")))
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(HaveLen(1))
		Expect(found[0]).To(matchers.HaveTag(ev.V1CourseTag("c-1")), "version 1 may still be running, and reads by its own tags")
		Expect(found[0].Position).To(Equal(store.Position(2)))
	})

	It("is safe to run again: the second run adds no tag", func(ctx SpecContext) {
		fs := fileStore()
		_, err := fs.Append(ctx, []store.Event{v1Enrolled("c-1", "s-ada")}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = ev.RetroTag(ctx, fs)
		Expect(err).NotTo(HaveOccurred())
		again, err := ev.RetroTag(ctx, fs)
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(store.AddTagsResult{EventsProcessed: 1}))
	})
})
