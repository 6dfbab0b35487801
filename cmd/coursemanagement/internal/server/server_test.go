package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/opossum-go/opossum/cmd/coursemanagement/internal/server"
)

// problem is an RFC 9457 problem as the service writes it.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

var _ = Describe("The service around the application", func() {
	var (
		inner http.Handler
		logs  *bytes.Buffer
		conf  server.Config
		srv   *httptest.Server
		// read is what the inner handler read of the last request's body.
		read []byte
	)

	BeforeEach(func() {
		read = nil
		inner = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			read = b
			w.WriteHeader(http.StatusTeapot)
			_, _ = io.WriteString(w, "inner")
		})
		logs = &bytes.Buffer{}
		conf = server.Config{Log: slog.New(slog.NewJSONHandler(logs, nil))}
	})

	start := func() {
		srv = httptest.NewServer(server.Handler(inner, conf))
		DeferCleanup(srv.Close)
	}

	do := func(method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
		GinkgoHelper()
		req, err := http.NewRequest(method, srv.URL+path, body)
		Expect(err).NotTo(HaveOccurred())
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := srv.Client().Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		return resp, b
	}

	asProblem := func(resp *http.Response, body []byte, status int) problem {
		GinkgoHelper()
		Expect(resp.StatusCode).To(Equal(status), string(body))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
		var p problem
		Expect(json.Unmarshal(body, &p)).To(Succeed())
		Expect(p.Status).To(Equal(status))
		Expect(p.Title).To(Equal(http.StatusText(status)))
		Expect(p.Type).To(Equal("about:blank"))
		return p
	}

	Describe("the admin token", func() {
		BeforeEach(func() {
			conf.AdminToken = "s3cret"
			start()
		})

		DescribeTable("guards every admin endpoint",
			func(method, path string) {
				resp, body := do(method, path, nil)
				p := asProblem(resp, body, http.StatusUnauthorized)
				Expect(resp.Header.Get("WWW-Authenticate")).To(HavePrefix("Bearer"))
				Expect(p.Detail).To(ContainSubstring("Authorization: Bearer"))

				resp, body = do(method, path, nil, "Authorization", "Bearer guess")
				asProblem(resp, body, http.StatusForbidden)

				resp, _ = do(method, path, nil, "Authorization", "Bearer s3cret")
				Expect(resp.StatusCode).To(Equal(http.StatusTeapot), "the token opens the door")
			},
			Entry("rebuild all", "POST", "/admin/projections/rebuild"),
			Entry("rebuild one", "POST", "/admin/projections/CourseShortInfo/rebuild"),
			Entry("status", "GET", "/admin/projections/status"),
			Entry("checkpoints", "GET", "/admin/projections/checkpoints"),
			Entry("delete the store", "DELETE", "/admin/store"),
		)

		It("leaves the other endpoints alone", func() {
			resp, _ := do("GET", "/courses", nil)
			Expect(resp.StatusCode).To(Equal(http.StatusTeapot))
		})
	})

	DescribeTable("refuses to serve beyond loopback without an admin token",
		func(addr, token string, refused bool) {
			a, err := net.ResolveTCPAddr("tcp", addr)
			Expect(err).NotTo(HaveOccurred())
			err = server.CheckExposure(a, token)
			if refused {
				Expect(err).To(MatchError(server.ErrExposed))
			} else {
				Expect(err).NotTo(HaveOccurred())
			}
		},
		Entry("every address, no token", "0.0.0.0:8080", "", true),
		Entry("a network address, no token", "192.0.2.7:8080", "", true),
		Entry("IPv6 any, no token", "[::]:8080", "", true),
		Entry("loopback, no token", "127.0.0.1:8080", "", false),
		Entry("IPv6 loopback, no token", "[::1]:8080", "", false),
		Entry("every address, with a token", "0.0.0.0:8080", "t", false),
	)

	Describe("the body limit", func() {
		BeforeEach(start)

		It("answers a 5 MB body with a 413 problem, before the handler reads it", func() {
			resp, body := do("POST", "/students", bytes.NewReader(make([]byte, 5<<20)), "Content-Type", "application/json")
			asProblem(resp, body, http.StatusRequestEntityTooLarge)
			Expect(read).To(BeNil())
		})

		It("answers a chunked body over the limit with a 413 problem too", func() {
			// A reader of unknown length makes the client send it chunked.
			resp, body := do("POST", "/students", io.MultiReader(strings.NewReader("{"), bytes.NewReader(make([]byte, 5<<20))))
			asProblem(resp, body, http.StatusRequestEntityTooLarge)
			Expect(read).To(BeNil())
		})

		It("passes a body within the limit through whole", func() {
			resp, _ := do("POST", "/students", io.MultiReader(strings.NewReader(`{"a":1}`)))
			Expect(resp.StatusCode).To(Equal(http.StatusTeapot))
			Expect(string(read)).To(Equal(`{"a":1}`))
		})
	})

	Describe("the access log", func() {
		BeforeEach(start)

		It("logs method, path, status, duration and request id of every request, and answers with the id", func() {
			resp, _ := do("GET", "/courses?pageSize=2", nil, server.RequestIDHeader, "abc-123")
			Expect(resp.Header.Get(server.RequestIDHeader)).To(Equal("abc-123"))
			resp, _ = do("GET", "/students", nil, server.RequestIDHeader, "not a sane id!")
			made := resp.Header.Get(server.RequestIDHeader)
			Expect(made).To(MatchRegexp(`^[0-9a-f]{16}$`))

			var records []map[string]any
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var rec map[string]any
				Expect(json.Unmarshal([]byte(line), &rec)).To(Succeed())
				records = append(records, rec)
			}
			Expect(records).To(HaveLen(2))
			Expect(records[0]).To(HaveKeyWithValue("method", "GET"))
			Expect(records[0]).To(HaveKeyWithValue("path", "/courses"))
			Expect(records[0]).To(HaveKeyWithValue("status", 418.0))
			Expect(records[0]).To(HaveKey("duration"))
			Expect(records[0]).To(HaveKeyWithValue("request_id", "abc-123"))
			Expect(records[1]).To(HaveKeyWithValue("request_id", made))
		})
	})

	Describe("OpenTelemetry", func() {
		BeforeEach(start)

		It("makes a server span and the HTTP server metrics for every request", func(ctx context.Context) {
			before := len(spans.Ended())
			resp, _ := do("GET", "/courses", nil)
			Expect(resp.StatusCode).To(Equal(http.StatusTeapot))

			var served []string
			for _, sp := range spans.Ended()[before:] {
				if sp.SpanKind().String() == "server" {
					served = append(served, sp.Name())
				}
			}
			Expect(served).To(Equal([]string{"GET"}))

			var rm metricdata.ResourceMetrics
			Expect(reader.Collect(ctx, &rm)).To(Succeed())
			units := map[string]string{}
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					units[m.Name] = m.Unit
				}
			}
			Expect(units).To(HaveKeyWithValue("http.server.request.duration", "s"))
		})
	})
})
