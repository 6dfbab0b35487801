package main_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// counter is the read model of the projection the specs build: events of
// a type counted per "n" tag.
type counter struct {
	Count int `json:"count"`
}

func counterDef() projection.Definition[counter] {
	return projection.Definition[counter]{
		Name: "counters", Version: 1, EventTypes: []string{"Counted"},
		Key: projection.KeyByTag("n"),
		Apply: func(c *counter, _ store.StoredEvent) (*counter, error) {
			if c == nil {
				c = &counter{}
			}
			c.Count++
			return c, nil
		},
		Tags: func(c *counter) []store.Tag { return []store.Tag{store.NewTag("big", strconv.FormatBool(c.Count > 1))} },
	}
}

// storeWithProjection makes a store whose counters projection is built,
// and returns it with the runner still running when keep is set.
func storeWithProjection(ctx context.Context, keep bool) string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	st, err := store.Open(dir, &store.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(st.Close)
	var events []store.Event
	for _, n := range []string{"a", "b", "a"} {
		events = append(events, store.MustEvent("Counted", map[string]string{"n": n}, store.NewTag("n", n)))
	}
	p, err := st.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
	r, err := projection.NewRunner(st, &projection.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	_, err = projection.Register(r, counterDef())
	Expect(err).NotTo(HaveOccurred())
	Expect(r.Start()).To(Succeed())
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	Expect(r.WaitFor(wctx, "counters", p)).To(Succeed())
	if keep {
		DeferCleanup(r.Close)
	} else {
		Expect(r.Close()).To(Succeed())
	}
	return dir
}

var _ = Describe("opossum projections", func() {
	It("lists the projections and reads their read models, also while the application runs", func(ctx SpecContext) {
		dir := storeWithProjection(ctx, true)
		s := opossum("projections", dir)
		Expect(s).To(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`counters\s+g000001\s+1\s+3\s+2`))

		s = opossum("projections", dir, "list", "--json")
		Expect(s).To(gexec.Exit(0))
		var infos []projection.Info
		Expect(json.Unmarshal(s.Out.Contents(), &infos)).To(Succeed())
		Expect(infos).To(ConsistOf(HaveField("Name", "counters")))

		s = opossum("projections", dir, "get", "counters", "a")
		Expect(s).To(gexec.Exit(0))
		var doc struct {
			Key  string
			Data counter
			Tags []store.Tag
		}
		Expect(json.Unmarshal(s.Out.Contents(), &doc)).To(Succeed())
		Expect(doc.Key).To(Equal("a"))
		Expect(doc.Data.Count).To(Equal(2))
		Expect(doc.Tags).To(ConsistOf(store.NewTag("big", "true")))

		s = opossum("projections", dir, "query", "counters", "big:false")
		Expect(s).To(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`"key":"b"`))
		Expect(string(s.Out.Contents())).NotTo(ContainSubstring(`"key":"a"`))

		s = opossum("projections", dir, "all", "counters")
		Expect(s).To(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(And(ContainSubstring(`"key":"a"`), ContainSubstring(`"key":"b"`)))

		Expect(opossum("projections", dir, "get", "counters", "zzz")).To(gexec.Exit(6))
		Expect(opossum("projections", dir, "get", "nope", "a")).To(gexec.Exit(6))
	})

	It("refuses to change read models while the application's runner holds them", func(ctx SpecContext) {
		dir := storeWithProjection(ctx, true)
		s := opossum("projections", dir, "delete", "counters", "a")
		Expect(s).To(gexec.Exit(3))
		Expect(s.Err).To(gbytes.Say(`locked by another runner`))
	})

	It("saves and deletes a read model, sets a checkpoint and marks a rebuild while the application is stopped", func(ctx SpecContext) {
		dir := storeWithProjection(ctx, false)
		s := opossumWithInput(`{"count": 40}`, "projections", dir, "save", "counters", "c", "-", "--tag", "big:true")
		Expect(s).To(gexec.Exit(0))
		Expect(opossum("projections", dir, "delete", "counters", "b")).To(gexec.Exit(0))
		Expect(opossum("projections", dir, "delete", "counters", "b")).To(gexec.Exit(6))
		Expect(opossumWithInput(`{nope`, "projections", dir, "save", "counters", "c", "-")).To(gexec.Exit(2))
		Expect(opossum("projections", dir, "checkpoint", "counters", "9")).To(gexec.Exit(2))
		Expect(opossum("projections", dir, "checkpoint", "counters", "2")).To(gexec.Exit(0))

		m, err := projection.OpenReadModels[counter](filepath.Join(dir, "projections"), "counters")
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Get("c")).To(HaveField("State.Count", 40))
		Expect(m.Position()).To(BeEquivalentTo(2))
		var big []string
		for it, err := range m.Query(ctx, store.NewTag("big", "true")) {
			Expect(err).NotTo(HaveOccurred())
			big = append(big, it.Key)
		}
		Expect(big).To(ConsistOf("a", "c"))
		_, err = m.Get("b")
		Expect(err).To(MatchError(projection.ErrNotFound))

		s = opossum("projections", dir, "rebuild", "counters")
		Expect(s).To(gexec.Exit(0))
		Expect(opossum("projections", dir).Out).To(gbytes.Say("rebuilt on the next start"))
		Expect(opossum("projections", dir, "frobnicate")).To(gexec.Exit(2))
	})
})
