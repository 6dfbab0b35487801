package courseapp_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("The HTTP API's answers outside the routes' own rules", func() {
	var (
		app    *courseapp.App
		srv    *httptest.Server
		client *http.Client
		logs   *bytes.Buffer
	)

	BeforeEach(func() {
		logs = &bytes.Buffer{}
		app = openApp(coursemanagement.Domain(), courseapp.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
		srv, client = serveApp(app)
	})

	do := func(method, path, contentType, body string, header ...string) (*http.Response, courseapp.Problem) {
		GinkgoHelper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		resp.Body = io.NopCloser(bytes.NewReader(b)) // read again by specs of other bodies
		var p courseapp.Problem
		if resp.Header.Get("Content-Type") == "application/problem+json" {
			Expect(json.Unmarshal(b, &p)).To(Succeed())
		}
		return resp, p
	}

	It("answers an unknown path with a 404 problem", func() {
		resp, p := do("GET", "/no/such/thing", "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
		Expect(p.Status).To(Equal(http.StatusNotFound))
		Expect(p.Detail).To(ContainSubstring("/no/such/thing"))
	})

	It("answers a method a path does not take with a 405 problem and Allow", func() {
		resp, p := do("DELETE", "/courses", "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
		Expect(resp.Header.Get("Allow")).To(ContainSubstring("GET"))
		Expect(resp.Header.Get("Allow")).To(ContainSubstring("POST"))
		Expect(p.Title).To(Equal("Method Not Allowed"))
	})

	It("answers a body that is not JSON by its content type with a 415 problem", func() {
		resp, p := do("POST", "/students", "text/plain", `firstName=Ada`)
		Expect(resp.StatusCode).To(Equal(http.StatusUnsupportedMediaType))
		Expect(p.Detail).To(ContainSubstring("application/json"))

		resp, _ = do("POST", "/students", "application/json; charset=utf-8",
			`{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`)
		Expect(resp.StatusCode).To(Equal(http.StatusCreated), "JSON with parameters is JSON")
	})

	It("answers a body over 1 MiB with a 413 problem", func() {
		big := `{"firstName":"` + strings.Repeat("a", 1<<20) + `","lastName":"L","email":"a@b.c"}`
		resp, p := do("POST", "/students", "application/json", big)
		Expect(resp.StatusCode).To(Equal(http.StatusRequestEntityTooLarge))
		Expect(p.Detail).To(ContainSubstring("larger than"))
	})

	It("answers a minimum position past the store's head at once, as a bad request", func() {
		resp, p := do("GET", "/courses", "", "", courseapp.MinPositionHeader, "999999")
		Expect(resp.StatusCode).To(Equal(http.StatusBadRequest))
		Expect(p.Detail).To(ContainSubstring("past the store's last event"))
	})

	DescribeTable("refuses a page out of its limits on every list with a 400 problem, never another page",
		func(query, detail string) {
			for _, list := range []string{"/students", "/courses", "/course-books", "/invoices"} {
				resp, p := do("GET", list+query, "", "")
				Expect(resp.StatusCode).To(Equal(http.StatusBadRequest), list+query)
				Expect(p.Detail).To(Equal(detail), list+query)
			}
		},
		Entry("page 0", "?pageNumber=0", "'pageNumber' must be 1 or more."),
		Entry("a negative page", "?pageNumber=-1", "'pageNumber' must be 1 or more."),
		Entry("a page of 0 items", "?pageSize=0", "'pageSize' must be between 1 and 100."),
		Entry("a page of 101 items", "?pageSize=101", "'pageSize' must be between 1 and 100."),
	)

	It("answers the largest and the smallest page it allows", func() {
		for _, query := range []string{"?pageSize=100&pageNumber=1", "?pageSize=1&pageNumber=9999"} {
			resp, _ := do("GET", "/students"+query, "", "")
			Expect(resp.StatusCode).To(Equal(http.StatusOK), query)
		}
	})

	servers := func(host string) []map[string]string {
		GinkgoHelper()
		req, err := http.NewRequest("GET", srv.URL+"/openapi.json", nil)
		Expect(err).NotTo(HaveOccurred())
		if host != "" {
			req.Host = host
		}
		resp, err := client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		var doc struct {
			Servers []map[string]string `json:"servers"`
			Paths   map[string]any      `json:"paths"`
		}
		Expect(json.NewDecoder(resp.Body).Decode(&doc)).To(Succeed())
		Expect(doc.Paths).NotTo(BeEmpty(), "the rest of the document is served as written")
		return doc.Servers
	}

	It("serves openapi.json naming as its server the address the request reached, not the default one", func() {
		Expect(servers("")).To(ConsistOf(HaveKeyWithValue("url", srv.URL)))
		Expect(servers("api.example.test:9000")).To(ConsistOf(HaveKeyWithValue("url", "http://api.example.test:9000")))
	})

	It("serves openapi.json as written apart from its servers, in the same order", func() {
		req := httptest.NewRequest("GET", "/openapi.json", nil)
		served, err := courseapp.ServedDocument(req)
		Expect(err).NotTo(HaveOccurred())
		var want, got map[string]any
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &want)).To(Succeed())
		Expect(json.Unmarshal(served, &got)).To(Succeed())
		want["servers"], got["servers"] = nil, nil
		Expect(got).To(Equal(want))
		keys := regexp.MustCompile(`(?m)^ "(\w+)":`)
		Expect(keys.FindAllString(string(served), -1)).To(Equal(keys.FindAllString(string(courseapp.OpenAPIDocument), -1)))
	})

	It("has no two path templates that match one URL unless one is the more specific (OpenAPI matches concrete segments first)", func() {
		var doc struct {
			Paths map[string]any `json:"paths"`
		}
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &doc)).To(Succeed())
		var paths []string
		for p := range doc.Paths {
			paths = append(paths, p)
		}
		for i, a := range paths {
			for _, b := range paths[i+1:] {
				Expect(ambiguous(a, b)).To(BeFalse(), "%s and %s both match a URL, and neither is the more specific", a, b)
			}
		}
	})

	It("serves at GET / a page of the API reference, rendered from the document, linked through, with nothing from elsewhere", func() {
		resp, _ := do("GET", "/", "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(HavePrefix("text/html"))
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		page := string(body)

		var doc struct {
			Paths map[string]map[string]struct {
				OperationID  string   `json:"operationId"`
				Summary      string   `json:"summary"`
				ProblemTypes []string `json:"x-problem-types"`
			} `json:"paths"`
		}
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &doc)).To(Succeed())
		for path, ops := range doc.Paths {
			for method, op := range ops {
				Expect(page).To(ContainSubstring(`id="%s"`, op.OperationID), "%s %s has a section", method, path)
				Expect(page).To(ContainSubstring(`href="#%s"`, op.OperationID), "%s %s is in the contents", method, path)
				Expect(page).To(ContainSubstring(`<span class="path">%s</span>`, path))
				Expect(page).To(ContainSubstring(template.HTMLEscapeString(op.Summary)))
				for _, t := range op.ProblemTypes {
					Expect(page).To(ContainSubstring(`<a href="#problem-%s"><code>%s</code></a>`, t, t), "%s %s lists its problem types", method, path)
				}
			}
		}
		for _, p := range courseapp.ProblemTypes() {
			Expect(page).To(ContainSubstring(`<tr id="problem-%s"><td><code>%s</code></td><td>%s</td>`, p.Name, p.URI(), p.Title))
		}
		for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(page, -1) {
			Expect(page).To(ContainSubstring(`id="%s"`, m[1]), "the link to #%s leads somewhere", m[1])
		}
		Expect(page).NotTo(ContainSubstring("<script"), "no script")
		Expect(page).NotTo(MatchRegexp(`(src|href)="(https?:)?//`), "nothing fetched from, or linked to, another site")
	})

	It("redirects a problem type's URI to its entry on the reference page, and answers an unknown one with 404", func() {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		DeferCleanup(func() { client.CheckRedirect = nil })
		resp, _ := do("GET", courseapp.ProblemCourseFull.URI(), "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusFound))
		Expect(resp.Header.Get("Location")).To(Equal("/#problem-course-full"))
		resp, p := do("GET", "/problems/no-such-rule", "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(p.Detail).To(ContainSubstring("no-such-rule"))
	})

	It("never puts an internal error in a 500's answer, and logs it", func() {
		Expect(app.Close()).To(Succeed()) // every request now fails inside
		resp, p := do("GET", "/courses", "", "")
		Expect(resp.StatusCode).To(Equal(http.StatusInternalServerError))
		Expect(p.Detail).NotTo(ContainSubstring("closed"))
		Expect(p.Detail).To(ContainSubstring("X-Request-Id"))
		Expect(logs.String()).To(ContainSubstring("store: closed"))
	})

	// operations lists the document's operations, a path's parameters
	// filled with an identifier, and whether each takes a body.
	operations := func() []operation {
		GinkgoHelper()
		var doc struct {
			Paths map[string]map[string]struct {
				RequestBody any `json:"requestBody"`
			} `json:"paths"`
		}
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &doc)).To(Succeed())
		param := regexp.MustCompile(`\{[^}]+\}`)
		var ops []operation
		for path, methods := range doc.Paths {
			for method, op := range methods {
				ops = append(ops, operation{method: strings.ToUpper(method),
					path: param.ReplaceAllString(path, "0192f3a4-5b6c-7d8e-9f01-23456789abcd"), body: op.RequestBody != nil})
			}
		}
		Expect(ops).NotTo(BeEmpty())
		return ops
	}

	It("answers every operation on a closed store with a 500 the document describes", func() {
		Expect(app.Close()).To(Succeed())
		for _, op := range operations() {
			if op.path == "/" || op.path == "/openapi.json" || op.path == "/admin/store" || strings.HasPrefix(op.path, "/problems/") ||
				op.path == "/healthz" {
				continue // they do not use the store, or (healthz) report that it is closed
			}
			body, contentType := "", ""
			if op.body {
				body, contentType = "{}", "application/json"
			}
			resp, _ := do(op.method, op.path, contentType, body)
			Expect(resp.StatusCode).To(Equal(http.StatusInternalServerError), "%s %s", op.method, op.path)
		}
	})

	It("answers every operation that takes a body with a 415 the document describes when the body is not JSON", func() {
		n := 0
		for _, op := range operations() {
			if !op.body {
				continue
			}
			resp, _ := do(op.method, op.path, "text/plain", "{}")
			Expect(resp.StatusCode).To(Equal(http.StatusUnsupportedMediaType), "%s %s", op.method, op.path)
			n++
		}
		Expect(n).To(BeNumerically(">", 10))
	})
})

var _ = Describe("A read that asks for a position its read model has not reached", func() {
	It("answers 503 with Retry-After when the read model does not catch up in time", func(ctx SpecContext) {
		srv, client := serveApp(openStalled(courseapp.Options{ReadWait: 50 * time.Millisecond}))

		created, err := client.Post(srv.URL+"/courses", "application/json", strings.NewReader(`{"name":"Algebra","maxStudentCount":3}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(created.Body.Close()).To(Succeed())
		Expect(created.StatusCode).To(Equal(http.StatusCreated))
		position := created.Header.Get(courseapp.PositionHeader)
		Expect(position).NotTo(BeEmpty())

		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/courses", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set(courseapp.MinPositionHeader, position)
		resp, err := client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
		Expect(resp.Header.Get("Retry-After")).To(MatchRegexp(`^[1-9][0-9]*$`), "Retry-After in whole seconds")
	}, NodeTimeout(time.Minute))
})

var _ = Describe("GET /healthz", func() {
	// serve serves app and returns its /healthz answer.
	serve := func(app *courseapp.App) (*courseapp.App, func() (int, courseapp.Health)) {
		GinkgoHelper()
		srv, client := serveApp(app)
		return app, func() (int, courseapp.Health) {
			GinkgoHelper()
			resp, err := client.Get(srv.URL + "/healthz")
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.Header.Get("Cache-Control")).To(Equal("no-store"))
			var h courseapp.Health
			Expect(json.NewDecoder(resp.Body).Decode(&h)).To(Succeed())
			return resp.StatusCode, h
		}
	}

	It("answers 200 when the store is open and every read model is live and caught up", func(ctx SpecContext) {
		app, health := serve(openApp(coursemanagement.Domain(), courseapp.Options{}))
		Expect(app.WaitForViews(ctx)).To(Succeed())
		Eventually(func() int { code, _ := health(); return code }).WithContext(ctx).Should(Equal(http.StatusOK))
		_, h := health()
		Expect(h.Status).To(Equal("ok"))
		Expect(h.ReadModels).To(HaveLen(8))
		Expect(h.Problems).To(BeEmpty())
	}, NodeTimeout(time.Minute))

	It("answers 503 with the reason when the store is closed", func() {
		app, health := serve(openApp(coursemanagement.Domain(), courseapp.Options{}))
		Expect(app.Close()).To(Succeed())
		code, h := health()
		Expect(code).To(Equal(http.StatusServiceUnavailable))
		Expect(h.Status).To(Equal("unavailable"))
		Expect(h.Problems).To(ContainElement(ContainSubstring("store")))
	})

	It("answers 503 when a read model trails the head by more than the allowed lag", func(ctx SpecContext) {
		app, health := serve(openStalled(courseapp.Options{HealthzLag: 1}))
		Eventually(func() int { code, _ := health(); return code }).WithContext(ctx).Should(Equal(http.StatusOK),
			"the read models are live on the empty store")
		for range 3 {
			_, err := app.Commands().Handle(ctx, courseapp.CreateCourse{CourseID: courseapp.NewID(), Name: "Algebra", MaxStudentCount: 3})
			Expect(err).NotTo(HaveOccurred())
		}
		code, h := health()
		Expect(code).To(Equal(http.StatusServiceUnavailable))
		Expect(h.Problems).To(ContainElement("read model CourseShortInfo trails the head by 3 events (at most 1)"))
	}, NodeTimeout(time.Minute))

	It("answers 503 when a read model is not live (a failed one)", func(ctx SpecContext) {
		domain := coursemanagement.Domain()
		domain.ReadModels.CourseShortInfo.Key = func(store.StoredEvent) (string, error) {
			return "", errors.New("a fold that fails")
		}
		app, health := serve(openApp(domain, courseapp.Options{}))
		Eventually(func() int { code, _ := health(); return code }).WithContext(ctx).Should(Equal(http.StatusOK),
			"the read models are live on the empty store")
		_, err := app.Commands().Handle(ctx, courseapp.CreateCourse{CourseID: courseapp.NewID(), Name: "Algebra", MaxStudentCount: 3})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() []string { _, h := health(); return h.Problems }).WithContext(ctx).
			Should(ContainElement("read model CourseShortInfo is failed"))
		code, _ := health()
		Expect(code).To(Equal(http.StatusServiceUnavailable))
	}, NodeTimeout(time.Minute))
})

// operation is a method and a path of the OpenAPI document.
type operation struct {
	method, path string
	body         bool
}

// ambiguous reports whether the path templates a and b match a same URL
// and neither is the more specific: each has a concrete segment where the
// other has a template.
func ambiguous(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	wild := func(s string) bool { return strings.HasPrefix(s, "{") }
	aFirst, bFirst := false, false
	for i := range as {
		switch {
		case wild(as[i]) && wild(bs[i]):
		case wild(as[i]):
			bFirst = true
		case wild(bs[i]):
			aFirst = true
		case as[i] != bs[i]:
			return false
		}
	}
	return aFirst && bFirst
}
