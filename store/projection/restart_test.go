package projection_test

import (
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("A rebuild whose progress survives without its read models", func() {
	It("starts over instead of staying failed when the generation's state folder is gone", func() {
		v := newEnv()
		var events []store.Event
		for i := range 30 {
			events = append(events, created(fmt.Sprint("c", i), "Go", 2), enrolled(fmt.Sprint("c", i), "s1"))
		}
		p := appendAll(v.st, events...)
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())

		// Version 2 is killed after its first progress point.
		v.opts.RebuildFlushEvery = 7
		r = v.runner()
		n := 0
		projection.SetFailpoint(r, func(_, point string) error {
			if point == "rebuild:before-progress" {
				if n++; n == 2 {
					return fmt.Errorf("killed at %s", point)
				}
			}
			return nil
		})
		register(r, upperDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() error { return statusOf(r, "courses").Err }).Should(MatchError(ContainSubstring("killed at")))
		Expect(r.Close()).To(Succeed())
		Expect(readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000002")).Position).To(BeNumerically(">", 0), "progress was saved")
		Expect(os.RemoveAll(filepath.Join(v.opts.Dir, "courses", "g000002", "state"))).To(Succeed())

		for range 2 {
			r = v.runner()
			courses := register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p)
			waitLive(r, "courses")
			Expect(statusOf(r, "courses").Err).NotTo(HaveOccurred())
			Expect(states(courses)).To(Equal(evaluate(v.st, upperDef("courses"))))
			Expect(r.Close()).To(Succeed())
		}
	})

	It("rebuilds live read models whose state folder is gone", func() {
		v := newEnv()
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"))
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		Expect(os.RemoveAll(filepath.Join(v.opts.Dir, "courses", "g000001", "state"))).To(Succeed())

		r = v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		waitLive(r, "courses")
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
	})
})
