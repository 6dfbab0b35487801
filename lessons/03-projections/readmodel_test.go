package projections_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = steps.Describe("Step 3: a read model is the fold, kept on disk and up to date", func() {
	name := projections.CourseSummariesName

	It("keeps one read model per course, under the course id, equal to the fold of its history", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, withoutTags(projections.CourseSummaries()))
		Expect(r.Start()).To(Succeed())
		p := record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"), enroll("s-ada", "c-go"), dcbToThree)
		waitFor(r, name, p)

		for _, id := range []string{"c-dcb", "c-go"} {
			it, err := courses.Get(id)
			Expect(err).NotTo(HaveOccurred(), "no read model for %s", id)
			folded, err := projections.CourseFromStore(ctx, s, id)
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State).To(Equal(*folded))
		}
		_, err := courses.Get("c-nope")
		Expect(err).To(MatchError(projection.ErrNotFound))
	})

	It("stores each read model as a JSON file you can read, with the position of the last event applied", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		register(r, withoutTags(projections.CourseSummaries()))
		Expect(r.Start()).To(Succeed())
		p := record(ctx, s, dcb, enroll("s-ada", "c-dcb"))
		waitFor(r, name, p)
		Expect(stateFiles(s, r, name)).To(Equal([]string{"c-dcb.json"}))

		b, err := os.ReadFile(filepath.Join(s.Dir(), "projections", name, "g000001", "state", "c-dcb.json"))
		Expect(err).NotTo(HaveOccurred())
		var file struct {
			Key      string `json:"key"`
			Metadata struct {
				Version  int `json:"version"`
				Position int `json:"position"`
			} `json:"metadata"`
			Data projections.Course `json:"data"`
		}
		Expect(json.Unmarshal(b, &file)).To(Succeed())
		Expect(file.Key).To(Equal("c-dcb"))
		Expect(file.Metadata.Version).To(Equal(2), "two events applied")
		Expect(file.Metadata.Position).To(Equal(2), "the last one at position 2")
		Expect(file.Data.Enrolled).To(Equal(1))
	})

	It("catches up after a restart from its checkpoint instead of starting over", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		register(r, withoutTags(projections.CourseSummaries()))
		Expect(r.Start()).To(Succeed())
		p := record(ctx, s, dcb, enroll("s-ada", "c-dcb"))
		waitFor(r, name, p)
		Expect(r.Close()).To(Succeed())

		var checkpoint struct {
			Position int `json:"position"`
		}
		b, err := os.ReadFile(filepath.Join(s.Dir(), "projections", name, "g000001", "checkpoint.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &checkpoint)).To(Succeed())
		Expect(checkpoint.Position).To(Equal(2), "the checkpoint file records what the read models cover")

		By("events appended while no runner runs")
		p = record(ctx, s, enroll("s-bob", "c-dcb"), golang)

		r = newRunner(s)
		courses := register(r, withoutTags(projections.CourseSummaries()))
		Expect(r.Start()).To(Succeed())
		waitFor(r, name, p)
		it, err := courses.Get("c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Students).To(Equal([]string{"s-ada", "s-bob"}), "each enrollment counted once")
		st, err := r.StatusOf(name)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Rebuilds).To(BeZero(), "with a checkpoint, nothing is rebuilt")
		Expect(st.Position).To(Equal(p))
	})

	It("stops at an enrollment in a course that was never created: the read models keep their state, and the status names the event", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, withoutTags(projections.CourseSummaries()))
		Expect(r.Start()).To(Succeed())
		good := record(ctx, s, dcb, enroll("s-ada", "c-dcb"))
		waitFor(r, name, good)

		poison := record(ctx, s, enroll("s-bob", "c-ghost"))
		record(ctx, s, enroll("s-cyd", "c-dcb"))
		err := r.WaitFor(ctx, name, poison)
		surfaceTODO(err)
		var failed *projection.FoldError
		Expect(errors.As(err, &failed)).To(BeTrue(), "the fold's error must stop the projection, got %v", err)
		Expect(failed.Position).To(Equal(poison), "the status names the event the fold refused")
		Expect(err).To(MatchError(projections.ErrUnknownCourse))

		st, err := r.StatusOf(name)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(projection.Failed))
		Expect(st.Position).To(Equal(good), "readers see the state before the poison event: old, never wrong")
		it, err := courses.Get("c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Students).To(Equal([]string{"s-ada"}), "nothing after the poison event is applied")
	}, SpecTimeout(10*time.Second))
})
