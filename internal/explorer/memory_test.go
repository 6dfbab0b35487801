package explorer_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/explorer"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("The explorer over a store without files (the memory store)", func() {
	var (
		server *httptest.Server
		st     *store.MemoryStore
	)

	BeforeEach(func(ctx SpecContext) {
		st = store.NewMemory()
		DeferCleanup(st.Close)
		for i := range 5 {
			tag := store.NewTag("k", "odd")
			if i%2 == 1 {
				tag = store.NewTag("k", "even")
			}
			e := store.MustEvent("Noted", map[string]int{"i": i + 1}, tag)
			e.Metadata.Timestamp = time.Date(2026, 3, 1, 9, i, 0, 0, time.UTC)
			_, err := store.AppendOne(ctx, st, e, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		server = httptest.NewServer(explorer.New(st, nil))
		DeferCleanup(server.Close)
	})

	getPage := func(path string) page {
		GinkgoHelper()
		res, body := getValidated(server.URL + path)
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		var p page
		Expect(json.Unmarshal(body, &p)).To(Succeed())
		return p
	}

	It("pages through the events with Read, newest and oldest first", func() {
		p := getPage("/api/events?limit=2")
		Expect(positions(p.Events)).To(Equal([]int{5, 4}))
		Expect(positions(getPage("/api/events?limit=2&before=4").Events)).To(Equal([]int{3, 2}))
		Expect(positions(getPage("/api/events?order=oldest&limit=2&after=2").Events)).To(Equal([]int{3, 4}))
		Expect(p.Events[0].Batch).To(BeNil(), "without files there is no batch to show")
	})

	It("pages newest first through more events than it reads at once", func(ctx SpecContext) {
		for i := 6; i <= 130; i++ {
			_, err := store.AppendOne(ctx, st, store.MustEvent("More", map[string]int{"i": i}), nil)
			Expect(err).NotTo(HaveOccurred())
		}
		var seen []int
		for before := 0; ; {
			p := getPage(fmt.Sprintf("/api/events?limit=50&before=%d", before))
			seen = append(seen, positions(p.Events)...)
			if p.Next == 0 {
				break
			}
			before = p.Next
		}
		Expect(seen).To(HaveLen(130))
		for i, p := range seen {
			Expect(p).To(Equal(130-i), "newest first, none missing or repeated")
		}
	})

	It("filters and checks conditions as for a file store", func() {
		Expect(positions(getPage("/api/events?tag=k:odd").Events)).To(Equal([]int{5, 3, 1}))
		p := getPage("/api/events?tag=k:even&conditionAfter=2")
		Expect(p.Condition.WouldFail).To(BeTrue())
		Expect(p.Condition.Conflicts).To(Equal(1))
	})

	It("shows one event without a file", func() {
		res, body := getValidated(server.URL + "/api/events/2")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		var r row
		Expect(json.Unmarshal(body, &r)).To(Succeed())
		Expect(r.Position).To(Equal(2))
		Expect(r.File).To(BeEmpty())
	})
})
