package coursemanagement_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/internal/courseapp/courseapptest"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// api is an HTTP client of a running application. It remembers the
// highest Opossum-Position a write answered and sends it as
// Opossum-Min-Position with every read: read-your-writes.
type api struct {
	base     string
	client   *http.Client
	mu       sync.Mutex
	position uint64
}

// reply is an answer of the API.
type reply struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

// String is the reply as a failure message shows it, with what the server
// logged for the request: a 500 never says why, its log does (a TODO of
// yours that panicked, for example).
func (r reply) String() string {
	s := fmt.Sprintf("%s %s answered %d %s", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Body))
	if lines := serverLogs.of(r.Header.Get(courseapp.RequestIDHeader)); len(lines) > 0 {
		s += "\nThe server logged: " + strings.Join(lines, "; ")
	}
	return s
}

// serverLog keeps the application's log records by request id, so that
// a reply can show its own.
type serverLog struct {
	mu   sync.Mutex
	byID map[string][]string
}

// serverLogs is the log of every application the specs serve; request
// ids are unique across them.
var serverLogs = &serverLog{byID: map[string][]string{}}

// requestIDs numbers the specs' requests.
var requestIDs atomic.Int64

func (l *serverLog) of(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.byID[id])
}

func (l *serverLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *serverLog) Handle(_ context.Context, rec slog.Record) error {
	id, line := "", rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "request_id" {
			id = a.Value.String()
		} else {
			line += " " + a.Key + "=" + a.Value.String()
		}
		return true
	})
	if id != "" {
		l.mu.Lock()
		l.byID[id] = append(l.byID[id], line)
		l.mu.Unlock()
	}
	return nil
}

func (l *serverLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *serverLog) WithGroup(string) slog.Handler      { return l }

// serve starts the application's HTTP API on a loopback port. Each
// request gets an id (X-Request-Id), as cmd/coursemanagement's server
// gives it, and the application logs into serverLogs.
func serve(opts *courseapp.Options) (*api, *courseapp.App) {
	GinkgoHelper()
	o := courseapp.Options{}
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(serverLogs)
	}
	app := openApp(&o)
	handler := app.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(courseapp.RequestIDHeader, fmt.Sprintf("spec-%d", requestIDs.Add(1)))
		handler.ServeHTTP(w, r)
	}))
	DeferCleanup(srv.Close)
	client := srv.Client()
	validator, err := courseapptest.NewValidator(client.Transport)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		Expect(validator.Err()).NotTo(HaveOccurred(), "every exchange matches the OpenAPI document")
	})
	client.Transport = validator
	client.Timeout = 30 * time.Second
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &api{base: srv.URL, client: client}, app
}

// try sends a request; it makes no assertion, so goroutines may call it.
func (a *api) try(ctx context.Context, method, path string, body any) (reply, error) {
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				return reply{}, err
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == http.MethodGet {
		a.mu.Lock()
		if a.position > 0 {
			req.Header.Set(courseapp.MinPositionHeader, strconv.FormatUint(a.position, 10))
		}
		a.mu.Unlock()
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	if p, err := strconv.ParseUint(resp.Header.Get(courseapp.PositionHeader), 10, 64); err == nil {
		a.mu.Lock()
		a.position = max(a.position, p)
		a.mu.Unlock()
	}
	return reply{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

func (a *api) do(ctx context.Context, method, path string, body any) reply {
	GinkgoHelper()
	r, err := a.try(ctx, method, path, body)
	Expect(err).NotTo(HaveOccurred())
	return r
}

func (a *api) get(ctx context.Context, path string) reply {
	return a.do(ctx, http.MethodGet, path, nil)
}
func (a *api) post(ctx context.Context, path string, body any) reply {
	return a.do(ctx, http.MethodPost, path, body)
}
func (a *api) patch(ctx context.Context, path string, body any) reply {
	return a.do(ctx, http.MethodPatch, path, body)
}
func (a *api) del(ctx context.Context, path string) reply {
	return a.do(ctx, http.MethodDelete, path, nil)
}

// expectStatus checks the status of a reply. The failure shows the whole
// reply: a problem's detail says what went wrong on the server, a TODO
// you have not written yet included.
func expectStatus(r reply, status int) {
	GinkgoHelper()
	Expect(r.Status).To(Equal(status), "%s", r)
}

// expectProblem checks that a reply is a problem with the status and
// detail.
func expectProblem(r reply, status int, detail string) {
	GinkgoHelper()
	expectStatus(r, status)
	Expect(r.Header.Get("Content-Type")).To(Equal("application/problem+json"))
	p := decodeAs[courseapp.Problem](r)
	Expect(p.Status).To(Equal(status))
	Expect(p.Detail).To(Equal(detail))
	Expect(p.Instance).To(Equal(strings.Split(r.Path, "?")[0]))
}

// expectRule checks that a reply is a problem of the broken rule's type
// with the status and detail.
func expectRule(r reply, rule courseapp.ProblemType, status int, detail string) {
	GinkgoHelper()
	expectProblem(r, status, detail)
	p := decodeAs[courseapp.Problem](r)
	Expect(p.Type).To(Equal(rule.URI()), "%s", r)
	Expect(p.Title).To(Equal(rule.Title), "%s", r)
}

func decodeAs[T any](r reply) T {
	GinkgoHelper()
	var v T
	Expect(json.Unmarshal(r.Body, &v)).To(Succeed(), "%s", r)
	return v
}

// id reads the "id"-like field of a creation reply.
func idOf(r reply, field string) string {
	GinkgoHelper()
	expectStatus(r, http.StatusCreated)
	v := decodeAs[map[string]any](r)
	id, ok := v[field].(string)
	Expect(ok).To(BeTrue(), "%s: no %q", r, field)
	return id
}

func (a *api) student(ctx context.Context, first, last, email string) string {
	GinkgoHelper()
	return idOf(a.post(ctx, "/students", map[string]string{"firstName": first, "lastName": last, "email": email}), "id")
}

func (a *api) course(ctx context.Context, name string, max int) string {
	GinkgoHelper()
	return idOf(a.post(ctx, "/courses", map[string]any{"name": name, "description": "About " + name, "maxStudentCount": max}), "id")
}

func (a *api) enroll(ctx context.Context, courseID, studentID string) reply {
	GinkgoHelper()
	return a.post(ctx, "/courses/"+courseID+"/enrollments", map[string]string{"studentId": studentID})
}

func (a *api) book(ctx context.Context, courseID, title string, price float64) string {
	GinkgoHelper()
	return idOf(a.post(ctx, "/course-books", map[string]any{"title": title, "author": "Knuth", "isbn": "978-0", "price": price, "courseId": courseID}), "id")
}

// endpoints is the endpoint catalogue of the API.
var endpoints = []string{
	"POST /students", "GET /students", "GET /students/{id}", "GET /students/{id}/details",
	"GET /students/{id}/purchased-books", "PATCH /students/{id}/subscription",
	"POST /courses", "GET /courses", "GET /courses/{id}", "GET /courses/{id}/details", "GET /courses/{id}/book-buyers",
	"PATCH /courses/{id}/student-limit", "POST /courses/{id}/enrollments",
	"POST /invoices", "GET /invoices", "GET /invoices/{number}",
	"POST /courses/{id}/announcements", "POST /courses/{id}/announcements/{token}/retract",
	"POST /exams/{examId}/registration-tokens", "POST /exam-registration-tokens/{tokenId}/redeem",
	"DELETE /exam-registration-tokens/{tokenId}",
	"POST /course-books", "GET /course-books", "PATCH /course-books/{id}/price", "POST /course-books/{id}/purchase",
	"POST /course-books/order",
	"POST /courses/aggregate", "PATCH /courses/aggregate/{id}/capacity", "POST /courses/aggregate/{id}/subscriptions",
	"POST /admin/projections/rebuild", "POST /admin/projections/{name}/rebuild", "GET /admin/projections/status",
	"GET /admin/projections/checkpoints", "DELETE /admin/store",
	"GET /openapi.json", "GET /", "GET /problems/{name}", "GET /healthz",
}

var _ = steps.Describe("Step 7: the application over HTTP", func() {
	var a *api
	var app *courseapp.App

	BeforeEach(func() {
		a, app = serve(nil)
	})

	It("describes itself: GET /openapi.json documents exactly the endpoints the API serves", func(ctx SpecContext) {
		r := a.get(ctx, "/openapi.json")
		expectStatus(r, http.StatusOK)
		doc := decodeAs[struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}](r)
		Expect(doc.OpenAPI).To(HavePrefix("3.1"))
		var documented []string
		for path, ops := range doc.Paths {
			for method := range ops {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
		Expect(documented).To(ConsistOf(endpoints))
		for _, e := range endpoints {
			method, path, _ := strings.Cut(e, " ")
			r := a.do(ctx, method, strings.NewReplacer("{id}", "x", "{number}", "x", "{token}", "x", "{examId}", "x",
				"{tokenId}", "x", "{name}", "x").Replace(path), nil)
			Expect(r.Status).NotTo(Equal(http.StatusMethodNotAllowed), "%s is documented but not served", e)
		}
		page := a.get(ctx, "/")
		expectStatus(page, http.StatusOK)
		Expect(page.Header.Get("Content-Type")).To(HavePrefix("text/html"), "GET / is the API reference, a page for people")
	})

	Describe("students", func() {
		It("registers a student (201, Location, id) who is then listed as Basic", func(ctx SpecContext) {
			r := a.post(ctx, "/students", map[string]string{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"})
			id := idOf(r, "id")
			Expect(r.Header.Get("Location")).To(Equal("/students/" + id))
			Expect(r.Header.Get(courseapp.PositionHeader)).NotTo(BeEmpty())

			s := decodeAs[courseapp.StudentShortInfo](a.get(ctx, "/students/"+id))
			Expect(s).To(Equal(courseapp.StudentShortInfo{StudentID: id, FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
				EnrollmentTier: courseapp.Basic, MaxEnrollmentCount: 2}))
		})

		It("refuses a taken email with 409, the problem type email-taken and the message as the detail", func(ctx SpecContext) {
			a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			r := a.post(ctx, "/students", map[string]string{"firstName": "Ada", "lastName": "King", "email": " ADA@example.com"})
			expectRule(r, courseapp.ProblemEmailTaken, http.StatusConflict, "A user with this email already exists.")
		})

		It("lets exactly one of several concurrent registrations with one email in; the others get 409 \"email taken\"", func(ctx SpecContext) {
			replies := make([]reply, 5)
			errs := race(len(replies), func(i int) error {
				var err error
				replies[i], err = a.try(ctx, http.MethodPost, "/students", map[string]string{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"})
				return err
			})
			Expect(succeeded(errs)).To(Equal(len(replies)))
			created := 0
			for _, r := range replies {
				if r.Status == http.StatusCreated {
					created++
					continue
				}
				expectRule(r, courseapp.ProblemEmailTaken, http.StatusConflict, "A user with this email already exists.")
			}
			Expect(created).To(Equal(1), "%v", replies)
		})

		It("changes a student's tier (200) and refuses an unknown student (404) or tier (422)", func(ctx SpecContext) {
			id := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			expectStatus(a.patch(ctx, "/students/"+id+"/subscription", map[string]string{"enrollmentTier": "Professional"}), http.StatusOK)
			s := decodeAs[courseapp.StudentShortInfo](a.get(ctx, "/students/"+id))
			Expect(s.EnrollmentTier).To(Equal(courseapp.Professional))
			Expect(s.MaxEnrollmentCount).To(Equal(10))

			other := courseapp.NewID()
			expectRule(a.patch(ctx, "/students/"+other+"/subscription", map[string]string{"enrollmentTier": "Master"}),
				courseapp.ProblemStudentNotFound, http.StatusNotFound, "Student with ID "+other+" does not exist.")
			expectRule(a.patch(ctx, "/students/"+id+"/subscription", map[string]string{"enrollmentTier": "None"}),
				courseapp.ProblemInvalidTier, http.StatusUnprocessableEntity, courseapp.ErrInvalidTier.Error())
		})

		It("answers 404 for a student it does not know, with the reference messages", func(ctx SpecContext) {
			id := courseapp.NewID()
			expectProblem(a.get(ctx, "/students/"+id), http.StatusNotFound, "Student with ID "+id+" not found.")
			expectProblem(a.get(ctx, "/students/"+id+"/details"), http.StatusNotFound, "Student with ID "+id+" not found.")
			expectProblem(a.get(ctx, "/students/"+id+"/purchased-books"), http.StatusNotFound, "No purchase history found for student "+id+".")
			expectStatus(a.get(ctx, "/students/not-a-uuid"), http.StatusNotFound)
		})
	})

	Describe("courses and enrollments", func() {
		It("creates a course and changes its limit", func(ctx SpecContext) {
			r := a.post(ctx, "/courses", map[string]any{"name": "Algebra", "description": "Groups", "maxStudentCount": 10})
			id := idOf(r, "id")
			Expect(r.Header.Get("Location")).To(Equal("/courses/" + id))
			expectStatus(a.patch(ctx, "/courses/"+id+"/student-limit", map[string]int{"newMaxStudentCount": 12}), http.StatusOK)
			Expect(decodeAs[courseapp.CourseDetails](a.get(ctx, "/courses/"+id+"/details"))).To(Equal(courseapp.CourseDetails{
				CourseID: id, Name: "Algebra", Description: "Groups", MaxStudentCount: 12, EnrolledStudents: []courseapp.EnrolledStudent{}}))
		})

		It("refuses an unusable course or limit with 422, and an unknown course with 404", func(ctx SpecContext) {
			expectRule(a.post(ctx, "/courses", map[string]any{"name": "Algebra", "maxStudentCount": 0}),
				courseapp.ProblemInvalidStudentLimit, http.StatusUnprocessableEntity, "Maximum student count must be greater than zero.")
			id := a.course(ctx, "Algebra", 5)
			expectRule(a.patch(ctx, "/courses/"+id+"/student-limit", map[string]int{"newMaxStudentCount": 0}),
				courseapp.ProblemInvalidStudentLimit, http.StatusUnprocessableEntity, "Maximum student count must be greater than zero.")
			other := courseapp.NewID()
			expectRule(a.patch(ctx, "/courses/"+other+"/student-limit", map[string]int{"newMaxStudentCount": 3}),
				courseapp.ProblemCourseNotFound, http.StatusNotFound, "Course with ID "+other+" does not exist.")
			expectProblem(a.get(ctx, "/courses/"+other), http.StatusNotFound, "Course with ID "+other+" not found.")
		})

		It("enrolls a student (201, Location, body) and refuses the five broken rules with their messages", func(ctx SpecContext) {
			ada := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			bob := a.student(ctx, "Bob", "Barker", "bob@example.com")
			small := a.course(ctx, "Small", 1)
			r := a.enroll(ctx, small, ada)
			expectStatus(r, http.StatusCreated)
			Expect(r.Header.Get("Location")).To(Equal("/courses/" + small + "/enrollments/" + ada))
			Expect(decodeAs[map[string]string](r)).To(Equal(map[string]string{"courseId": small, "studentId": ada}))

			expectRule(a.enroll(ctx, small, ada), courseapp.ProblemAlreadyEnrolled, http.StatusConflict, "Student is already enrolled in this course.")
			expectRule(a.enroll(ctx, small, bob), courseapp.ProblemCourseFull, http.StatusConflict, "Course is at maximum capacity (1 students).")
			expectRule(a.enroll(ctx, small, courseapp.NewID()), courseapp.ProblemStudentNotFound, http.StatusUnprocessableEntity, "Student is not registered.")
			expectRule(a.enroll(ctx, courseapp.NewID(), ada), courseapp.ProblemCourseNotFound, http.StatusNotFound, "Course does not exist.")
			expectStatus(a.enroll(ctx, a.course(ctx, "Second", 5), ada), http.StatusCreated)
			expectRule(a.enroll(ctx, a.course(ctx, "Third", 5), ada), courseapp.ProblemEnrollmentLimit, http.StatusConflict,
				"Student has reached their enrollment limit (2 courses for Basic tier).")

			expectStatus(a.patch(ctx, "/students/"+ada+"/subscription", map[string]string{"enrollmentTier": "Standard"}), http.StatusOK)
			for i := range 3 {
				expectStatus(a.enroll(ctx, a.course(ctx, fmt.Sprintf("More %d", i), 5), ada), http.StatusCreated)
			}
			s := decodeAs[courseapp.StudentDetails](a.get(ctx, "/students/"+ada+"/details"))
			Expect(s.EnrolledCourses).To(HaveLen(5))
			Expect(s.IsMaxedOut).To(BeTrue())
		})

		DescribeTable("the race for the last seats: 20 concurrent clients, exactly capacity enrollments, every loser told the course is full",
			func(ctx SpecContext, capacity, taken int) {
				courseID := a.course(ctx, "Popular", capacity)
				for i := range taken {
					expectStatus(a.enroll(ctx, courseID, a.student(ctx, "Early", fmt.Sprint(i), fmt.Sprintf("early%d@example.com", i))), http.StatusCreated)
				}
				students := make([]string, 20)
				for i := range students {
					students[i] = a.student(ctx, "Racer", fmt.Sprint(i), fmt.Sprintf("racer%d@example.com", i))
				}
				replies := make([]reply, len(students))
				errs := race(len(students), func(i int) error {
					var err error
					replies[i], err = a.try(ctx, http.MethodPost, "/courses/"+courseID+"/enrollments", map[string]string{"studentId": students[i]})
					return err
				})
				Expect(succeeded(errs)).To(Equal(len(students)), "every request must be answered: %v", errs)

				won := 0
				for _, r := range replies {
					if r.Status == http.StatusCreated {
						won++
						continue
					}
					expectRule(r, courseapp.ProblemCourseFull, http.StatusConflict, fmt.Sprintf("Course is at maximum capacity (%d students).", capacity))
				}
				Expect(won).To(Equal(capacity - taken))
				c := decodeAs[courseapp.CourseShortInfo](a.get(ctx, "/courses/"+courseID))
				Expect(c.CurrentEnrollmentCount).To(Equal(capacity))
				Expect(c.IsFull).To(BeTrue())
				Expect(decodeAs[courseapp.CourseDetails](a.get(ctx, "/courses/"+courseID+"/details")).EnrolledStudents).To(HaveLen(capacity))
			},
			Entry("the last seat of three", 3, 2),
			Entry("five free seats", 5, 0),
		)

		It("answers 409 when every attempt of a decision conflicts", func(ctx SpecContext) {
			var mu sync.Mutex
			var target string
			a, _ = serve(&courseapp.Options{
				Retry: &decision.Policy{Attempts: 3, BaseDelay: time.Millisecond},
				WrapStore: func(s store.EventStore) store.EventStore {
					return interleaveAlways(s, func(int) []store.Event {
						mu.Lock()
						defer mu.Unlock()
						if target == "" {
							return nil
						}
						return []store.Event{subscribed(target, courseapp.Master)} // inside the student's boundary
					})
				},
			})
			courseID := a.course(ctx, "Busy", 5)
			studentID := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			mu.Lock()
			target = studentID
			mu.Unlock()
			expectRule(a.enroll(ctx, courseID, studentID), courseapp.ProblemWriteConflict, http.StatusConflict,
				"Failed to enroll student due to concurrent updates. Please try again.")
		})
	})

	Describe("invoices", func() {
		It("numbers invoices 1, 2, 3, lists and serves them", func(ctx SpecContext) {
			customer := courseapp.NewID()
			for n := 1; n <= 3; n++ {
				r := a.post(ctx, "/invoices", map[string]any{"customerId": customer, "amount": 10.5 * float64(n)})
				expectStatus(r, http.StatusCreated)
				Expect(decodeAs[map[string]int](r)).To(Equal(map[string]int{"invoiceNumber": n}))
				Expect(r.Header.Get("Location")).To(Equal(fmt.Sprintf("/invoices/%d", n)))
			}
			page := decodeAs[courseapp.Page[courseapp.Invoice]](a.get(ctx, "/invoices"))
			Expect(page.Items).To(HaveLen(3))
			Expect(page.Items[0].InvoiceNumber).To(Equal(1))
			Expect(page.Items[2].Amount).To(Equal(courseapp.Money(3150)))
			desc := decodeAs[courseapp.Page[courseapp.Invoice]](a.get(ctx, "/invoices?sortBy=Amount&sortOrder=Descending"))
			Expect(desc.Items[0].InvoiceNumber).To(Equal(3))
			Expect(decodeAs[courseapp.Invoice](a.get(ctx, "/invoices/2")).CustomerID).To(Equal(customer))
			expectProblem(a.get(ctx, "/invoices/999999"), http.StatusNotFound, "Invoice 999999 not found.")
		})

		DescribeTable("refuses an invoice that is not one",
			func(ctx SpecContext, body string, status int, detail string) {
				expectProblem(a.post(ctx, "/invoices", body), status, detail)
			},
			Entry("the nil customer", `{"customerId":"00000000-0000-0000-0000-000000000000","amount":10}`, http.StatusBadRequest,
				"'customerId' must be a valid non-empty GUID."),
			Entry("no amount", `{"customerId":"0b9f6d3e-5c1a-4e2b-9f00-7a1c2d3e4f50","amount":0}`, http.StatusUnprocessableEntity,
				"'amount' must be greater than zero."),
			Entry("a negative amount", `{"customerId":"0b9f6d3e-5c1a-4e2b-9f00-7a1c2d3e4f50","amount":-1}`, http.StatusUnprocessableEntity,
				"'amount' must be greater than zero."),
			Entry("fractions of a cent", `{"customerId":"0b9f6d3e-5c1a-4e2b-9f00-7a1c2d3e4f50","amount":1.005}`, http.StatusBadRequest,
				`The request body is not valid: money: "1.005" is not an amount with at most two decimals`),
		)
	})

	Describe("the aggregate variant", func() {
		It("creates, resizes and fills a course through the aggregate, with its own messages and statuses", func(ctx SpecContext) {
			r := a.post(ctx, "/courses/aggregate", map[string]any{"name": "Aggregates", "description": "DDD", "maxStudents": 2})
			courseID := idOf(r, "id")
			Expect(r.Header.Get("Location")).To(Equal("/courses/aggregate/" + courseID))
			ada := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			bob := a.student(ctx, "Bob", "Barker", "bob@example.com")

			r = a.post(ctx, "/courses/aggregate/"+courseID+"/subscriptions", map[string]string{"studentId": ada})
			expectStatus(r, http.StatusCreated)
			Expect(r.Header.Get("Location")).To(Equal("/courses/aggregate/" + courseID + "/subscriptions/" + ada))
			expectRule(a.patch(ctx, "/courses/aggregate/"+courseID+"/capacity", map[string]int{"newCapacity": 0}),
				courseapp.ProblemInvalidStudentLimit, http.StatusUnprocessableEntity, "Maximum student count must be greater than zero.")
			expectStatus(a.patch(ctx, "/courses/aggregate/"+courseID+"/capacity", map[string]int{"newCapacity": 1}), http.StatusOK)
			expectRule(a.post(ctx, "/courses/aggregate/"+courseID+"/subscriptions", map[string]string{"studentId": bob}),
				courseapp.ProblemCourseFull, http.StatusConflict, fmt.Sprintf("Course %q is already fully booked.", courseID))
			stranger := courseapp.NewID()
			expectRule(a.post(ctx, "/courses/aggregate/"+courseID+"/subscriptions", map[string]string{"studentId": stranger}),
				courseapp.ProblemStudentNotFound, http.StatusUnprocessableEntity, "Student '"+stranger+"' is not registered.")
			other := courseapp.NewID()
			expectProblem(a.patch(ctx, "/courses/aggregate/"+other+"/capacity", map[string]int{"newCapacity": 3}),
				http.StatusNotFound, "Course '"+other+"' does not exist.")
			expectProblem(a.post(ctx, "/courses/aggregate/"+other+"/subscriptions", map[string]string{"studentId": ada}),
				http.StatusNotFound, "Course '"+other+"' does not exist.")

			c := decodeAs[courseapp.CourseShortInfo](a.get(ctx, "/courses/"+courseID))
			Expect(c).To(Equal(courseapp.CourseShortInfo{CourseID: courseID, Name: "Aggregates", MaxStudentCount: 1, CurrentEnrollmentCount: 1, IsFull: true}),
				"the aggregate writes the same events as the DCB path: the same read models follow them")
		})
	})

	Describe("lists: paging, sorting and filters", func() {
		var ada, bob, cyd string

		BeforeEach(func(ctx SpecContext) {
			ada = a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			bob = a.student(ctx, "Bob", "Barker", "bob@example.com")
			cyd = a.student(ctx, "Cyd", "Charisse", "cyd@example.com")
			expectStatus(a.patch(ctx, "/students/"+bob+"/subscription", map[string]string{"enrollmentTier": "Master"}), http.StatusOK)
			expectStatus(a.patch(ctx, "/students/"+cyd+"/subscription", map[string]string{"enrollmentTier": "Standard"}), http.StatusOK)
			full, open := a.course(ctx, "Zoology", 1), a.course(ctx, "Algebra", 3)
			expectStatus(a.enroll(ctx, full, ada), http.StatusCreated)
			expectStatus(a.enroll(ctx, open, ada), http.StatusCreated)
		})

		students := func(ctx SpecContext, query string) courseapp.Page[courseapp.StudentShortInfo] {
			GinkgoHelper()
			r := a.get(ctx, "/students"+query)
			expectStatus(r, http.StatusOK)
			return decodeAs[courseapp.Page[courseapp.StudentShortInfo]](r)
		}
		ids := func(p courseapp.Page[courseapp.StudentShortInfo]) []string {
			var out []string
			for _, s := range p.Items {
				out = append(out, s.StudentID)
			}
			return out
		}

		It("pages with optional parameters: page 1 of 50 by default (Q6)", func(ctx SpecContext) {
			p := students(ctx, "")
			Expect(p.PageNumber).To(Equal(1))
			Expect(p.PageSize).To(Equal(50))
			Expect(p.TotalCount).To(Equal(3))
			Expect(p.TotalPages).To(Equal(1))
			Expect(ids(p)).To(Equal([]string{bob, cyd, ada}), "sorted by last name: Barker, Charisse, Lovelace")
			Expect(students(ctx, "?pageSize=100").PageSize).To(Equal(100))

			second := students(ctx, "?pageSize=1&pageNumber=2")
			Expect(ids(second)).To(Equal([]string{cyd}))
			Expect(second).To(And(HaveField("TotalPages", 3), HaveField("HasPreviousPage", true), HaveField("HasNextPage", true)))
			Expect(students(ctx, "?pageSize=2&pageNumber=5").Items).To(BeEmpty())
		})

		It("sorts by tier and by enrollment count, either way", func(ctx SpecContext) {
			Expect(ids(students(ctx, "?sortBy=EnrollmentTier&sortOrder=Descending"))).To(Equal([]string{bob, cyd, ada}))
			Expect(ids(students(ctx, "?sortBy=enrollmentcount&sortOrder=desc"))[0]).To(Equal(ada))
			Expect(ids(students(ctx, "?sortBy=Name&sortOrder=Descending"))).To(Equal([]string{ada, cyd, bob}))
		})

		It("filters by the read models' tags, combined with AND", func(ctx SpecContext) {
			Expect(ids(students(ctx, "?tierFilter=Master"))).To(Equal([]string{bob}))
			Expect(ids(students(ctx, "?isMaxedOut=true"))).To(Equal([]string{ada}))
			Expect(ids(students(ctx, "?isMaxedOut=false&tierFilter=Standard"))).To(Equal([]string{cyd}))
			courses := decodeAs[courseapp.Page[courseapp.CourseShortInfo]](a.get(ctx, "/courses?isFull=true"))
			Expect(courses.Items).To(ConsistOf(HaveField("Name", "Zoology")))
			byCapacity := decodeAs[courseapp.Page[courseapp.CourseShortInfo]](a.get(ctx, "/courses?sortBy=Capacity&sortOrder=Descending"))
			Expect(byCapacity.Items[0].Name).To(Equal("Algebra"))
		})

		DescribeTable("refuses a list request it cannot answer",
			func(ctx SpecContext, query, detail string) {
				expectProblem(a.get(ctx, "/students"+query), http.StatusBadRequest, detail)
			},
			Entry("an unknown sort field", "?sortBy=Age", "'sortBy' must be one of Name, EnrollmentTier, EnrollmentCount."),
			Entry("an unknown sort order", "?sortOrder=sideways", "'sortOrder' must be Ascending or Descending."),
			Entry("a page that is not a number", "?pageNumber=two", "'pageNumber' must be a whole number."),
			Entry("a page below 1 (Q6)", "?pageNumber=0", "'pageNumber' must be 1 or more."),
			Entry("a page size below 1 (Q6)", "?pageSize=0", "'pageSize' must be between 1 and 100."),
			Entry("a page size above 100, never cut to 100 (Q6)", "?pageSize=500", "'pageSize' must be between 1 and 100."),
			Entry("an unknown tier", "?tierFilter=None", "'tierFilter' must be one of Basic, Standard, Professional or Master."),
			Entry("a filter that is not a boolean", "?isMaxedOut=perhaps", "'isMaxedOut' must be true or false."),
		)
	})

	Describe("problem details", func() {
		DescribeTable("answers a malformed request with 400",
			func(ctx SpecContext, body, detail string) {
				expectProblem(a.post(ctx, "/courses", body), http.StatusBadRequest, detail)
			},
			Entry("no body", "", "A JSON request body is required."),
			Entry("broken JSON", `{"name":`, "The request body is not valid: unexpected EOF"),
			Entry("an unknown field, such as the reference fixture's misspelled capacity", `{"name":"Algebra","studentLimit":10}`,
				`The request body is not valid: json: unknown field "studentLimit"`),
			Entry("two objects", `{"name":"Algebra","maxStudentCount":1} {}`, "The request body must hold one JSON object."),
		)

		It("answers an id that is not a UUID with 404, as for any unknown resource", func(ctx SpecContext) {
			expectStatus(a.patch(ctx, "/courses/42/student-limit", map[string]int{"newMaxStudentCount": 3}), http.StatusNotFound)
		})

		It("answers a read that asks for a position past the store's last event with 400, at once", func(ctx SpecContext) {
			a.position = 1 << 40
			expectStatus(a.get(ctx, "/students"), http.StatusBadRequest)
		})
	})

	Describe("administration", func() {
		BeforeEach(func(ctx SpecContext) {
			ada := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			expectStatus(a.enroll(ctx, a.course(ctx, "Algebra", 3), ada), http.StatusCreated)
			caughtUp(ctx, app)
		})

		It("rebuilds every read model on request, and only the ones that need it otherwise", func(ctx SpecContext) {
			r := a.post(ctx, "/admin/projections/rebuild?forceAll=true", nil)
			expectStatus(r, http.StatusOK)
			res := decodeAs[courseapp.RebuildResult](r)
			Expect(res.Success).To(BeTrue())
			Expect(res.TotalRebuilt).To(Equal(8))
			Expect(res.Details).To(HaveLen(8))
			Expect(res.FailedProjections).To(BeEmpty())

			again := decodeAs[courseapp.RebuildResult](a.post(ctx, "/admin/projections/rebuild?forceAll=false", nil))
			Expect(again.TotalRebuilt).To(BeZero())
		})

		It("rebuilds one read model by name, and answers 404 for a name it does not know", func(ctx SpecContext) {
			r := a.post(ctx, "/admin/projections/CourseShortInfo/rebuild", nil)
			expectStatus(r, http.StatusOK)
			Expect(decodeAs[map[string]any](r)).To(And(HaveKeyWithValue("projectionName", "CourseShortInfo"), HaveKeyWithValue("status", "Rebuilt")))
			expectProblem(a.post(ctx, "/admin/projections/Nope/rebuild", nil), http.StatusNotFound, "Projection 'Nope' is not registered.")
		})

		It("reports each read model's status and checkpoint", func(ctx SpecContext) {
			status := decodeAs[courseapp.StatusReport](a.get(ctx, "/admin/projections/status"))
			Expect(status.IsRebuilding).To(BeFalse())
			Expect(status.Projections).To(HaveLen(8))
			Expect(status.Projections).To(HaveEach(HaveField("State", "live")))

			head, err := app.Store().Head(ctx)
			Expect(err).NotTo(HaveOccurred())
			checkpoints := decodeAs[map[string]store.Position](a.get(ctx, "/admin/projections/checkpoints"))
			Expect(checkpoints).To(HaveLen(8))
			Expect(checkpoints).To(HaveKeyWithValue("StudentShortInfo", head))
		})

		It("deletes the store only when confirmed, and again on an empty one", func(ctx SpecContext) {
			r := a.del(ctx, "/admin/store")
			expectProblem(r, http.StatusBadRequest, "Confirmation required. Pass ?confirm=true to permanently delete all store data.")

			expectStatus(a.del(ctx, "/admin/store?confirm=true"), http.StatusNoContent)
			a.position = 0
			Expect(decodeAs[courseapp.Page[courseapp.StudentShortInfo]](a.get(ctx, "/students")).TotalCount).To(BeZero())
			head, err := app.Store().Head(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(head).To(BeZero())
			Expect(filepath.Join(app.Dir(), "opossum.json")).To(BeAnExistingFile(), "the folder the app was opened on holds a new, empty store")
			entries, err := os.ReadDir(filepath.Join(app.Dir(), "events"))
			if err == nil {
				Expect(slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.IsDir() })).To(BeFalse(), "no event files are left")
			}
			expectStatus(a.del(ctx, "/admin/store?confirm=true"), http.StatusNoContent)
			a.student(ctx, "Ada", "Lovelace", "ada@example.com")
		})
	})
})

var _ = steps.Describe("Step 8: kata, exam registration tokens", func() {
	var a *api

	BeforeEach(func() {
		a, _ = serve(nil)
	})

	Describe("over HTTP", func() {
		It("issues, redeems and revokes exam registration tokens", func(ctx SpecContext) {
			courseID := a.course(ctx, "Algebra", 5)
			ada := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			issue := func() string {
				GinkgoHelper()
				r := a.post(ctx, "/exams/"+courseapp.NewID()+"/registration-tokens", map[string]string{"courseId": courseID})
				id := idOf(r, "tokenId")
				Expect(r.Header.Get("Location")).To(Equal("/exam-registration-tokens/" + id))
				return id
			}
			first, second := issue(), issue()
			redeem := func(token string) reply {
				return a.post(ctx, "/exam-registration-tokens/"+token+"/redeem", map[string]string{"studentId": ada})
			}
			expectStatus(redeem(first), http.StatusOK)
			expectRule(redeem(first), courseapp.ProblemTokenUsed, http.StatusConflict, "Exam registration token has already been used.")
			expectRule(a.del(ctx, "/exam-registration-tokens/"+first), courseapp.ProblemTokenRedeemed, http.StatusConflict,
				"Cannot revoke a token that has already been redeemed.")
			expectStatus(a.del(ctx, "/exam-registration-tokens/"+second), http.StatusOK)
			expectRule(redeem(second), courseapp.ProblemTokenRevoked, http.StatusConflict, "Exam registration token has been revoked.")
			expectRule(a.del(ctx, "/exam-registration-tokens/"+second), courseapp.ProblemTokenAlreadyRevoked, http.StatusConflict,
				"Exam registration token has already been revoked.")
			expectRule(redeem(courseapp.NewID()), courseapp.ProblemTokenNotFound, http.StatusNotFound, "Exam registration token not found.")
			expectRule(a.post(ctx, "/exams/"+courseapp.NewID()+"/registration-tokens", map[string]string{"courseId": courseapp.NewID()}),
				courseapp.ProblemCourseNotFound, http.StatusUnprocessableEntity, "Course does not exist.")
		})
	})
})

var _ = steps.Describe("Step 10: kata, a cart", func() {
	var a *api

	BeforeEach(func() {
		a, _ = serve(nil)
	})

	Describe("over HTTP", func() {
		It("sells books singly and in orders, within the price's grace period, and shows catalog, buyers and histories", func(ctx SpecContext) {
			algebra, physics := a.course(ctx, "Algebra", 5), a.course(ctx, "Physics", 5)
			ada := a.student(ctx, "Ada", "Lovelace", "ada@example.com")
			b1, b2 := a.book(ctx, algebra, "Groups", 20), a.book(ctx, physics, "Waves", 35.5)
			expectProblem(a.get(ctx, "/students/"+ada+"/purchased-books"), http.StatusNotFound, "No purchase history found for student "+ada+".")

			expectStatus(a.patch(ctx, "/course-books/"+b1+"/price", map[string]float64{"newPrice": 25}), http.StatusOK)
			r := a.post(ctx, "/course-books/"+b1+"/purchase", map[string]any{"studentId": ada, "displayedPrice": 20})
			expectStatus(r, http.StatusCreated)
			Expect(r.Header.Get("Location")).To(Equal("/students/" + ada + "/purchased-books"))
			expectRule(a.post(ctx, "/course-books/"+b1+"/purchase", map[string]any{"studentId": ada, "displayedPrice": 19.99}),
				courseapp.ProblemStalePrice, http.StatusConflict, "The displayed price 19.99 is no longer valid. Please refresh and try again.")
			missing := courseapp.NewID()
			expectRule(a.post(ctx, "/course-books/"+missing+"/purchase", map[string]any{"studentId": ada, "displayedPrice": 1}),
				courseapp.ProblemBookNotFound, http.StatusNotFound, "Course book '"+missing+"' does not exist.")

			idOf(a.post(ctx, "/course-books/order", map[string]any{"studentId": ada, "items": []map[string]any{
				{"bookId": b1, "displayedPrice": 25}, {"bookId": b2, "displayedPrice": 35.5}}}), "orderId")
			expectRule(a.post(ctx, "/course-books/order", map[string]any{"studentId": ada, "items": []any{}}),
				courseapp.ProblemEmptyOrder, http.StatusUnprocessableEntity, "Order must contain at least one item.")

			catalog := decodeAs[courseapp.Page[courseapp.CourseBook]](a.get(ctx, "/course-books?sortBy=Price&sortOrder=desc"))
			Expect(catalog.Items).To(HaveLen(2))
			Expect(catalog.Items[0].BookID).To(Equal(b2))
			Expect(catalog.Items[1].CurrentPrice).To(Equal(courseapp.Money(2500)))

			history := decodeAs[courseapp.StudentPurchasedBooks](a.get(ctx, "/students/"+ada+"/purchased-books"))
			Expect(history.Books).To(ConsistOf(
				And(HaveField("BookID", b1), HaveField("TotalPaid", courseapp.Money(4500)), HaveField("PurchaseCount", 2)),
				And(HaveField("BookID", b2), HaveField("TotalPaid", courseapp.Money(3550)), HaveField("PurchaseCount", 1))))

			buyers := decodeAs[courseapp.CourseBuyers](a.get(ctx, "/courses/"+physics+"/book-buyers"))
			Expect(buyers.Buyers).To(ConsistOf(And(HaveField("StudentID", ada), HaveField("BookID", b2))),
				"the order spanned two courses: each course sees its part")
			Expect(decodeAs[courseapp.CourseBuyers](a.get(ctx, "/courses/"+algebra+"/book-buyers")).Buyers).To(HaveLen(2))
			other := courseapp.NewID()
			expectProblem(a.get(ctx, "/courses/"+other+"/book-buyers"), http.StatusNotFound, "No course buyers data found for course "+other+".")
		})
	})
})

var _ = steps.Describe("Step 11: kata, idempotent announcements and their retraction", func() {
	var a *api

	BeforeEach(func() {
		a, _ = serve(nil)
	})

	Describe("over HTTP", func() {
		It("posts an announcement once per token, retracts it, and accepts the token again", func(ctx SpecContext) {
			courseID := a.course(ctx, "Algebra", 5)
			token := courseapp.NewID()
			body := map[string]string{"title": "Welcome", "body": "Hello", "idempotencyToken": token}
			r := a.post(ctx, "/courses/"+courseID+"/announcements", body)
			announcement := idOf(r, "announcementId")
			Expect(r.Header.Get("Location")).To(Equal("/courses/" + courseID + "/announcements/" + announcement))
			expectRule(a.post(ctx, "/courses/"+courseID+"/announcements", body), courseapp.ProblemResubmission, http.StatusConflict,
				"Re-submission detected: this request has already been processed.")
			expectStatus(a.post(ctx, "/courses/"+courseID+"/announcements/"+token+"/retract", nil), http.StatusOK)
			expectRule(a.post(ctx, "/courses/"+courseID+"/announcements/"+token+"/retract", nil), courseapp.ProblemAnnouncementRetracted,
				http.StatusConflict, "Announcement has already been retracted.")
			expectStatus(a.post(ctx, "/courses/"+courseID+"/announcements", body), http.StatusCreated)
			expectRule(a.post(ctx, "/courses/"+courseapp.NewID()+"/announcements", map[string]string{"idempotencyToken": courseapp.NewID()}),
				courseapp.ProblemCourseNotFound, http.StatusNotFound, "Course does not exist.")
			expectProblem(a.post(ctx, "/courses/"+courseID+"/announcements", map[string]string{"idempotencyToken": "again"}),
				http.StatusBadRequest, "'idempotencyToken' must be a valid non-empty GUID.")
		})
	})
})
