package explorer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gleak"

	"github.com/opossum-go/opossum/internal/explorer"
	"github.com/opossum-go/opossum/store"
)

// row is the part of an event row the specs look at.
type row struct {
	Position int    `json:"position"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Tags     []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"tags"`
	Batch *struct {
		First int `json:"first"`
		Last  int `json:"last"`
	} `json:"batch"`
	File     string `json:"file"`
	Raw      string `json:"raw"`
	Matched  []int  `json:"matched"`
	Conflict bool   `json:"conflict"`
	Damaged  string `json:"damaged"`
}

type page struct {
	Head   int   `json:"head"`
	Events []row `json:"events"`
	Next   int   `json:"next"`
	Query  struct {
		Text string `json:"text"`
		Go   string `json:"go"`
		CLI  string `json:"cli"`
	} `json:"query"`
	Condition *struct {
		After     int    `json:"after"`
		WouldFail bool   `json:"wouldFail"`
		Latest    int    `json:"latest"`
		Conflicts int    `json:"conflicts"`
		Go        string `json:"go"`
	} `json:"condition"`
}

type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func positions(rows []row) []int {
	ps := make([]int, len(rows))
	for i, r := range rows {
		ps[i] = r.Position
	}
	return ps
}

var _ = Describe("The explorer's JSON endpoints", func() {
	var (
		dir    string
		st     *store.FileStore
		server *httptest.Server
		before map[string]string
	)

	BeforeEach(func(ctx SpecContext) {
		dir = seed(ctx)
		buildCourses(ctx, dir)
		before = tree(dir)
		var err error
		st, err = store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(st.Close)
		server = httptest.NewServer(explorer.New(st, nil))
		DeferCleanup(server.Close)
	})

	// get fetches path and decodes its JSON answer into v; it returns the
	// status and the content type. The exchange is checked against
	// openapi.json.
	get := func(path string, v any) (int, string) {
		GinkgoHelper()
		res, body := getValidated(server.URL + path)
		Expect(json.Unmarshal(body, v)).To(Succeed())
		return res.StatusCode, res.Header.Get("Content-Type")
	}
	getPage := func(path string) page {
		GinkgoHelper()
		var p page
		status, _ := get(path, &p)
		Expect(status).To(Equal(http.StatusOK))
		return p
	}
	getProblem := func(path string, status int) problem {
		GinkgoHelper()
		var p problem
		got, ct := get(path, &p)
		Expect(got).To(Equal(status))
		Expect(ct).To(Equal("application/problem+json"))
		Expect(p.Status).To(Equal(status))
		return p
	}
	queryParam := func(q store.Query) string {
		b, err := json.Marshal(q)
		Expect(err).NotTo(HaveOccurred())
		return url.QueryEscape(string(b))
	}

	It("serves the page itself, embedded", func() {
		res, b := getValidated(server.URL + "/")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		Expect(string(b)).To(ContainSubstring("Opossum Explorer"))
		Expect(string(b)).NotTo(ContainSubstring("http"), "the page loads nothing from the network")
	})

	It("describes its endpoints in openapi.json, which it serves", func() {
		res, body := getValidated(server.URL + "/openapi.json")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		onDisk, err := os.ReadFile("openapi.json")
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(Equal(onDisk))
	})

	It("says which store it shows and its head", func() {
		var info struct {
			Dir  string `json:"dir"`
			Head int    `json:"head"`
		}
		get("/api/store", &info)
		Expect(info.Dir).To(Equal(dir))
		Expect(info.Head).To(Equal(seededHead))
	})

	Describe("the timeline", func() {
		It("pages newest first, each page continuing below the previous one", func() {
			p := getPage("/api/events?limit=5")
			Expect(p.Head).To(Equal(seededHead))
			Expect(positions(p.Events)).To(Equal([]int{12, 11, 10, 9, 8}))
			Expect(p.Next).To(Equal(8))
			p = getPage("/api/events?limit=5&before=8")
			Expect(positions(p.Events)).To(Equal([]int{7, 6, 5, 4, 3}))
			p = getPage("/api/events?limit=5&before=3")
			Expect(positions(p.Events)).To(Equal([]int{2, 1}))
			Expect(p.Next).To(BeZero(), "the last page has no next cursor")
		})

		It("pages oldest first with after=", func() {
			p := getPage("/api/events?order=oldest&limit=4")
			Expect(positions(p.Events)).To(Equal([]int{1, 2, 3, 4}))
			Expect(p.Next).To(Equal(4))
			p = getPage("/api/events?order=oldest&limit=4&after=10")
			Expect(positions(p.Events)).To(Equal([]int{11, 12}))
			Expect(p.Next).To(BeZero())
		})

		It("shows which events were appended in one batch, their types and tags", func() {
			p := getPage("/api/events?order=oldest&limit=3")
			Expect(p.Events[0].Batch.First).To(Equal(1))
			Expect(p.Events[1].Batch.First).To(Equal(2))
			Expect(p.Events[1].Batch.Last).To(Equal(3))
			Expect(p.Events[2].Batch.First).To(Equal(2))
			Expect(p.Events[2].Type).To(Equal("StudentSubscribed"))
			Expect(p.Events[2].Tags).To(HaveLen(2))
			Expect(p.Events[2].Raw).To(BeEmpty(), "a page leaves the files to the event endpoint")
		})

		It("filters by a tag, as opossum's --tag, and pages the filtered view by position", func() {
			p := getPage("/api/events?tag=studentId:s-1&limit=2")
			Expect(positions(p.Events)).To(Equal([]int{5, 3}))
			Expect(p.Next).To(Equal(3))
			Expect(p.Query.CLI).To(Equal("opossum query " + dir + " --tag studentId:s-1"))
			p = getPage("/api/events?tag=studentId:s-1&limit=2&before=3")
			Expect(positions(p.Events)).To(Equal([]int{2}))
		})

		It("filters by types (any of them) and tags (all of them)", func() {
			p := getPage("/api/events?type=CourseDefined&type=StudentSubscribed&tag=courseId:c-1")
			Expect(positions(p.Events)).To(Equal([]int{3, 1}))
		})

		It("filters by correlation and by causation, which the index does not cover", func() {
			Expect(positions(getPage("/api/events?correlation=signup-1").Events)).To(Equal([]int{3, 2}))
			Expect(positions(getPage("/api/events?causation=cmd-7&order=oldest").Events)).To(Equal([]int{3, 5}))
		})
	})

	Describe("one event", func() {
		It("is the stored JSON as on disk, with its file and batch", func() {
			var r row
			status, _ := get("/api/events/3", &r)
			Expect(status).To(Equal(http.StatusOK))
			onDisk, err := os.ReadFile(eventFile(dir, 3))
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Raw).To(Equal(string(onDisk)))
			Expect(r.File).To(Equal(eventFile(dir, 3)))
			Expect(r.ID).To(MatchRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))
			Expect(r.Raw).To(ContainSubstring(r.ID), "the id is the one stored")
			Expect(r.Batch.First).To(Equal(2))
		})

		It("is a 404 problem beyond the head and a 400 problem for a position that is not one", func() {
			Expect(getProblem("/api/events/13", http.StatusNotFound).Detail).To(ContainSubstring("the head is 12"))
			Expect(getProblem("/api/events/x", http.StatusBadRequest).Type).To(HaveSuffix("#invalid-parameter"))
		})
	})

	Describe("a query", func() {
		It("marks which item matched each event, and renders the query as Go code and a command line", func() {
			q := store.Items(
				store.QueryItem{Types: []string{"CourseDefined"}},
				store.QueryItem{Tags: []store.Tag{store.NewTag("courseId", "c-1")}},
			)
			p := getPage("/api/events?query=" + queryParam(q))
			Expect(positions(p.Events)).To(Equal([]int{4, 3, 1}))
			Expect(p.Events[0].Matched).To(Equal([]int{0}))
			Expect(p.Events[1].Matched).To(Equal([]int{1}))
			Expect(p.Events[2].Matched).To(Equal([]int{0, 1}))
			Expect(p.Query.Go).To(Equal("store.Items(\n" +
				"\tstore.QueryItem{Types: []string{\"CourseDefined\"}},\n" +
				"\tstore.QueryItem{Tags: []store.Tag{store.NewTag(\"courseId\", \"c-1\")}},\n)"))
			Expect(p.Query.CLI).To(Equal("opossum query " + dir + " '(CourseDefined) OR [courseId:c-1]'"))
		})

		DescribeTable("that is invalid is a 400 problem saying why",
			func(params, why string) {
				p := getProblem("/api/events?"+params, http.StatusBadRequest)
				Expect(p.Type).To(HaveSuffix("#invalid-query"))
				Expect(p.Detail).To(ContainSubstring(why))
			},
			Entry("an item with neither types nor tags", "query="+url.QueryEscape(`{"items":[{"types":["A"]},{}]}`), "item 1 has neither types nor tags"),
			Entry("no items", "query="+url.QueryEscape(`{"items":[]}`), "no items"),
			Entry("not JSON", "query=types:A", "invalid query"),
			Entry("a tag without a value separator", "tag=courseId", "no ':'"),
			Entry("query= and tag= together", "query="+url.QueryEscape(`{"all":true}`)+"&tag=a:b", "not both"),
		)

		It("rejects parameters out of range with a problem", func() {
			Expect(getProblem("/api/events?limit=0", http.StatusBadRequest).Type).To(HaveSuffix("#invalid-parameter"))
			Expect(getProblem("/api/events?order=sideways", http.StatusBadRequest).Detail).To(ContainSubstring("newest or oldest"))
			Expect(getProblem("/api/events?order=oldest&before=3", http.StatusBadRequest).Detail).To(ContainSubstring("after="))
		})
	})

	Describe("an append condition", func() {
		q := store.Tagged(store.NewTag("studentId", "s-1"))

		It("fails when an event matches after its position, and the page marks those events", func() {
			p := getPage("/api/events?conditionAfter=3&query=" + queryParam(q))
			Expect(p.Condition.WouldFail).To(BeTrue())
			Expect(p.Condition.Latest).To(Equal(5))
			Expect(p.Condition.Conflicts).To(Equal(1))
			Expect(p.Condition.Go).To(HavePrefix("store.Guard(store.Items("))
			Expect(p.Events[0].Conflict).To(BeTrue())
			Expect(p.Events[1].Conflict).To(BeFalse())
		})

		It("holds when no event matches after its position, as Append would find", func(ctx SpecContext) {
			var c struct {
				WouldFail bool `json:"wouldFail"`
			}
			get("/api/condition?after=5&query="+queryParam(q), &c)
			Expect(c.WouldFail).To(BeFalse())
			get("/api/condition?after=4&query="+queryParam(q), &c)
			Expect(c.WouldFail).To(BeTrue())

			w, err := store.Open(GinkgoT().TempDir(), nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(w.Close)
			_, err = store.AppendOne(ctx, w, store.MustEvent("X", map[string]int{}), store.Guard(q, 4))
			Expect(err).NotTo(HaveOccurred(), "an empty store has nothing to conflict with; the verdict is the store's own rule")
		})
	})

	Describe("read models", func() {
		It("lists the projections found in the folder with their checkpoint and lag", func(ctx SpecContext) {
			appendNoted(ctx, dir, "late")
			var r struct {
				Head        int `json:"head"`
				Projections []struct {
					Name     string `json:"name"`
					Position int    `json:"position"`
					Lag      int    `json:"lag"`
				} `json:"projections"`
			}
			get("/api/projections", &r)
			Expect(r.Head).To(Equal(seededHead + 1))
			Expect(r.Projections).To(HaveLen(1))
			Expect(r.Projections[0].Name).To(Equal("courses"))
			Expect(r.Projections[0].Position).To(Equal(seededHead))
			Expect(r.Projections[0].Lag).To(Equal(1))
		})

		It("serves each read model's JSON by key, and pages the keys", func() {
			var one struct {
				Key  string `json:"key"`
				Data course `json:"data"`
			}
			get("/api/projections/courses/model?key=c-1", &one)
			Expect(one.Data).To(Equal(course{ID: "c-1", Students: 1}))
			var list struct {
				Models []struct {
					Key string `json:"key"`
				} `json:"models"`
				Next string `json:"next"`
			}
			get("/api/projections/courses/models?limit=1", &list)
			Expect(list.Models).To(HaveLen(1))
			Expect(list.Next).To(Equal("c-1"))
			list.Next = ""
			get("/api/projections/courses/models?limit=1&after=c-1", &list)
			Expect(list.Models[0].Key).To(Equal("c-2"))
			Expect(list.Next).To(BeEmpty())
		})

		It("answers 404 problems for an unknown key or projection", func() {
			getProblem("/api/projections/courses/model?key=c-9", http.StatusNotFound)
			getProblem("/api/projections/nope/models", http.StatusNotFound)
		})
	})

	Describe("live events", func() {
		It("streams events committed by another handle as server-sent events", func(ctx SpecContext) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.URL+"/api/stream", nil)
			Expect(err).NotTo(HaveOccurred())
			expectDescribed(req)
			res, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer res.Body.Close()
			Expect(res.Header.Get("Content-Type")).To(Equal("text/event-stream"))
			lines := bufio.NewScanner(res.Body)
			next := func(prefix string) string {
				for lines.Scan() {
					if s, ok := strings.CutPrefix(lines.Text(), prefix); ok {
						return s
					}
				}
				Fail("the stream ended: " + prefix)
				return ""
			}
			Expect(next("data: ")).To(Equal(`{"after":12}`), "the stream starts at the head")
			p := appendNoted(ctx, dir, "live")
			Expect(next("id: ")).To(Equal("13"))
			Expect(next("event: ")).To(Equal("append"))
			var r row
			Expect(json.Unmarshal([]byte(next("data: ")), &r)).To(Succeed())
			Expect(r.Position).To(BeEquivalentTo(p))
			Expect(r.Type).To(Equal("Noted"))
		}, SpecTimeout(30e9))

		It("ends its goroutines when the client goes away", func(ctx SpecContext) {
			before := Goroutines()
			streamCtx, cancel := context.WithCancel(ctx)
			req, err := http.NewRequestWithContext(streamCtx, http.MethodGet, server.URL+"/api/stream", nil)
			Expect(err).NotTo(HaveOccurred())
			res, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			line, err := bufio.NewReader(res.Body).ReadString('\n')
			Expect(err).NotTo(HaveOccurred())
			Expect(line).To(HavePrefix("retry:"))
			cancel()
			res.Body.Close()
			server.CloseClientConnections()
			Eventually(Goroutines).WithContext(ctx).ShouldNot(HaveLeaked(before))
		}, SpecTimeout(30e9))
	})

	Describe("a damaged event file", func() {
		BeforeEach(func() {
			Expect(os.WriteFile(eventFile(dir, 4), []byte("{not json"), 0o644)).To(Succeed())
		})

		It("is a row that says so, and the rest stays browsable", func() {
			p := getPage("/api/events?order=oldest&limit=6")
			Expect(positions(p.Events)).To(Equal([]int{1, 2, 3, 4, 5, 6}))
			Expect(p.Events[3].Damaged).To(ContainSubstring("corrupt event file"))
			Expect(p.Events[4].Type).To(Equal("StudentSubscribed"))
			p = getPage("/api/events?type=CourseDefined")
			Expect(positions(p.Events)).To(Equal([]int{4, 1}), "the index still lists it")
			Expect(p.Events[0].Damaged).NotTo(BeEmpty())
		})

		It("shows its content as stored on the event endpoint", func() {
			var r row
			status, _ := get("/api/events/4", &r)
			Expect(status).To(Equal(http.StatusOK))
			Expect(r.Damaged).NotTo(BeEmpty())
			Expect(r.Raw).To(Equal("{not json"))
		})
	})

	It("writes nothing to the store", func(ctx SpecContext) {
		for _, path := range []string{"/api/store", "/api/events", "/api/events?order=oldest", "/api/events/2", "/api/projections",
			"/api/projections/courses/models", "/api/condition?tag=courseId:c-1"} {
			res, _ := getValidated(server.URL + path)
			Expect(res.StatusCode).To(Equal(http.StatusOK), path)
		}
		Expect(st.Close()).To(Succeed())
		Expect(tree(dir)).To(Equal(before))
	})
})
