package courseapptest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp/courseapptest"
)

const studentID = "0192f3a4-5b6c-7d8e-9f01-23456789abcd"

var _ = Describe("The transport that holds exchanges to the OpenAPI document", func() {
	var (
		status      int
		contentType string
		answer      string
		sent        string
		base        string
		validator   *courseapptest.Validator
		client      *http.Client
	)

	BeforeEach(func() {
		status, contentType, answer, sent = http.StatusOK, "application/json", "", ""
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			sent = string(b)
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, answer)
		}))
		DeferCleanup(srv.Close)
		var err error
		validator, err = courseapptest.NewValidator(srv.Client().Transport)
		Expect(err).NotTo(HaveOccurred())
		client, base = &http.Client{Transport: validator}, srv.URL
	})

	exchange := func(method, path, body string) string {
		GinkgoHelper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		return string(b)
	}

	It("passes a described exchange, leaving both bodies intact", func() {
		status, answer = http.StatusCreated, `{"id":"`+studentID+`"}`
		got := exchange("POST", "/students", `{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`)
		Expect(got).To(Equal(answer))
		Expect(sent).To(ContainSubstring("Lovelace"))
		Expect(validator.Err()).NotTo(HaveOccurred())
	})

	It("passes a student's details with enrolled courses, and refuses a field the document does not name", func() {
		answer = `{"studentId":"` + studentID + `","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com",` +
			`"enrollmentTier":"Basic","currentEnrollmentCount":1,"maxEnrollmentCount":2,"isMaxedOut":false,` +
			`"enrolledCourses":[{"courseId":"` + studentID + `","name":"Logic"}]}`
		exchange("GET", "/students/"+studentID+"/details", "")
		Expect(validator.Err()).NotTo(HaveOccurred())

		answer = strings.Replace(answer, `"isMaxedOut"`, `"nickname":"Countess","isMaxedOut"`, 1)
		exchange("GET", "/students/"+studentID+"/details", "")
		Expect(validator.Err()).To(MatchError(ContainSubstring("does not match the document")))
	})

	It("reports a status the operation does not describe", func() {
		status, contentType, answer = http.StatusTeapot, "application/problem+json", `{"type":"about:blank","title":"Teapot","status":418}`
		exchange("GET", "/students/"+studentID, "")
		Expect(validator.Err()).To(MatchError(ContainSubstring("418")))
	})

	It("reports a request the document refuses that the server accepts", func() {
		status, answer = http.StatusCreated, `{"id":"`+studentID+`"}`
		exchange("POST", "/students", `{"firstName":"Ada","shoeSize":42}`)
		Expect(validator.Err()).To(MatchError(ContainSubstring("the document refuses the request")))
	})

	It("accepts a refused request the server refuses too", func() {
		status, contentType = http.StatusBadRequest, "application/problem+json"
		answer = `{"type":"about:blank","title":"Bad Request","status":400,"detail":"no"}`
		exchange("POST", "/students", `{"firstName":"Ada","shoeSize":42}`)
		Expect(validator.Err()).NotTo(HaveOccurred())
	})

	It("wants a 404 problem for a path the document does not have", func() {
		status, contentType = http.StatusNotFound, "application/problem+json"
		answer = `{"type":"about:blank","title":"Not Found","status":404}`
		exchange("GET", "/no/such/thing", "")
		Expect(validator.Err()).NotTo(HaveOccurred())

		contentType, answer = "text/plain", "404 page not found"
		exchange("GET", "/no/such/thing", "")
		Expect(validator.Err()).To(MatchError(ContainSubstring("not a problem")))
	})

	It("wants a 405 for a method the path does not take", func() {
		status, contentType = http.StatusOK, "application/json"
		exchange("DELETE", "/courses", "")
		Expect(validator.Err()).To(MatchError(ContainSubstring("should be 405")))
	})
})
