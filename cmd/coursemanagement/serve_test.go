package main_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("coursemanagement serve, as an operator runs it", func() {
	It("refuses to listen beyond loopback without an admin token, and says how to give one", func() {
		s := start(GinkgoT().TempDir(), "serve", "-addr", "0.0.0.0:0", "-nosync")
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(2))
		Expect(s.Err).To(gbytes.Say(`admin endpoints would answer anyone on the network .*-admin-token or COURSEMANAGEMENT_ADMIN_TOKEN`))
		Expect(s.Out.Contents()).NotTo(ContainSubstring("serving"))
	})

	It("listens beyond loopback with a token from the environment, and requires it", func(ctx SpecContext) {
		cmd := exec.Command(binary, "serve", "-addr", "0.0.0.0:0", "-nosync")
		cmd.Dir = GinkgoT().TempDir()
		cmd.Env = append(os.Environ(), "COURSEMANAGEMENT_ADMIN_TOKEN=s3cret")
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait() })
		Eventually(s.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`serving http://\S+:(\d+) `))
		port := serving.FindSubmatch(s.Out.Contents())[1]
		base := "http://127.0.0.1:" + string(port[strings.LastIndex(string(port), ":")+1:])

		resp, err := client.Post(base+"/admin/projections/rebuild", "application/json", nil)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusUnauthorized))
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/admin/projections/status", nil)
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err = client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
	}, SpecTimeout(time.Minute))

	It("cuts off a client that sends its headers too slowly (slow loris)", func(ctx SpecContext) {
		_, base := serveOn(GinkgoT().TempDir(), "-read-header-timeout", "200ms")
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(conn.Close)
		_, err = io.WriteString(conn, "GET /courses HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		Expect(err).NotTo(HaveOccurred())
		// The server closes the connection; the read ends (EOF or reset)
		// instead of waiting for the spec's timeout.
		done := make(chan error, 1)
		go func() {
			_, err := io.ReadAll(conn)
			done <- err
		}()
		Eventually(done).WithContext(ctx).Should(Receive())
	}, SpecTimeout(time.Minute))

	It("answers a 5 MB body with a 413 problem", func() {
		_, base := serveOn(GinkgoT().TempDir())
		resp, err := client.Post(base+"/students", "application/json", strings.NewReader(strings.Repeat(" ", 5<<20)))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusRequestEntityTooLarge))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/problem+json"))
	})

	It("logs each request as JSON with -log-format json", func() {
		s, base := serveOn(GinkgoT().TempDir(), "-log-format", "json")
		resp, err := client.Get(base + "/courses")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Eventually(s.Err).Should(gbytes.Say(`\{.*"msg":"request","method":"GET","path":"/courses","status":200,"duration":\d+,"bytes":\d+,"request_id":"[0-9a-f]+"\}`))
	})

	It("lets a request in progress finish on SIGTERM, and the read models write their checkpoints", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, base := serveOn(dir)
		body := `{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(conn.Close)
		// With Expect: 100-continue the server says when the handler starts
		// reading the body: the request is in progress from then on.
		_, err = fmt.Fprintf(conn, "POST /students HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(body))
		Expect(err).NotTo(HaveOccurred())
		r := bufio.NewReader(conn)
		cont, err := http.ReadResponse(r, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(cont.StatusCode).To(Equal(http.StatusContinue))

		s.Signal(syscall.SIGTERM)
		Eventually(s.Out).WithContext(ctx).Should(gbytes.Say("shutting down"))
		_, err = io.WriteString(conn, body)
		Expect(err).NotTo(HaveOccurred())
		resp, err := http.ReadResponse(r, nil)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated))
		Eventually(s).WithContext(ctx).Should(gexec.Exit(0))

		data := filepath.Join(dir, "data", "coursemanagement")
		st, err := store.Open(data, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		head, err := st.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Close()).To(Succeed())
		Expect(head).To(Equal(store.Position(1)))
		currents, err := filepath.Glob(filepath.Join(data, "projections", "*", "current"))
		Expect(err).NotTo(HaveOccurred())
		Expect(currents).NotTo(BeEmpty())
		for _, cur := range currents {
			var c struct{ Generation string }
			Expect(json.Unmarshal(must(os.ReadFile(cur)), &c)).To(Succeed())
			var cp struct {
				Position store.Position
				Clean    bool
			}
			Expect(json.Unmarshal(must(os.ReadFile(filepath.Join(filepath.Dir(cur), c.Generation, "checkpoint.json"))), &cp)).To(Succeed())
			Expect(cp.Position).To(BeNumerically("<=", head), cur)
			Expect(cp.Clean).To(BeTrue(), "%s: written by an orderly stop", cur)
		}
	}, SpecTimeout(time.Minute))

	It("exports traces and metrics to stdout when OTEL_*_EXPORTER=console, with names and units, and no tag values", func(ctx SpecContext) {
		cmd := exec.Command(binary, "serve", "-addr", "127.0.0.1:0", "-nosync")
		cmd.Dir = GinkgoT().TempDir()
		cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=console", "OTEL_METRICS_EXPORTER=console")
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait() })
		Eventually(s.Out).WithContext(ctx).Should(gbytes.Say(`serving http://`))
		base := string(serving.FindSubmatch(s.Out.Contents())[1])
		resp, err := client.Post(base+"/students", "application/json",
			strings.NewReader(`{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated))
		s.Signal(syscall.SIGTERM) // the exporters flush on the way out
		Eventually(s).WithContext(ctx).Should(gexec.Exit(0))

		out := string(s.Out.Contents())
		Expect(out).To(ContainSubstring(`"Name":"POST"`), "otelhttp's server span")
		Expect(out).To(ContainSubstring(`"Name":"append coursemanagement"`), "the store's span")
		Expect(out).To(MatchRegexp(`"Name":"db.client.operation.duration","Description":"[^"]*","Unit":"s"`))
		Expect(out).To(MatchRegexp(`"Name":"http.server.request.duration","Description":"[^"]*","Unit":"s"`))
		Expect(out).To(MatchRegexp(`"Name":"opossum.projection.lag","Description":"[^"]*","Unit":"s"`))
		Expect(out).NotTo(ContainSubstring("ada@example.com"), "tag values stay out of telemetry")
	}, SpecTimeout(time.Minute))

	It("exports nothing by default", func() {
		s, base := serveOn(GinkgoT().TempDir())
		resp, err := client.Get(base + "/courses")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		s.Signal(syscall.SIGTERM)
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).NotTo(ContainSubstring(`"Name"`))
	})
})

func must[T any](v T, err error) T {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred())
	return v
}
