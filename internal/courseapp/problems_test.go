package courseapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	coursemanagement "github.com/opossum-go/opossum/solutions/05-coursemanagement"
	"github.com/opossum-go/opossum/store"
)

// answer is a reply of the API: its status and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) String() string { return fmt.Sprintf("%d %s", a.status, bytes.TrimSpace(a.body)) }

// caller sends JSON requests to a served application, every exchange
// checked against the OpenAPI document.
type caller struct {
	base   string
	client *http.Client
}

func (c *caller) call(method, path string, body any) answer {
	GinkgoHelper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	Expect(err).NotTo(HaveOccurred())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// created sends a request that creates something and returns the field
// of the answer that names it.
func (c *caller) created(method, path string, body any, field string) string {
	GinkgoHelper()
	a := c.call(method, path, body)
	Expect(a.status).To(Equal(http.StatusCreated), "%s", a)
	var v map[string]any
	Expect(json.Unmarshal(a.body, &v)).To(Succeed())
	return fmt.Sprint(v[field])
}

func (c *caller) student(email string) string {
	GinkgoHelper()
	return c.created("POST", "/students", map[string]string{"firstName": "Ada", "lastName": "Lovelace", "email": email}, "id")
}

func (c *caller) course(seats int) string {
	GinkgoHelper()
	return c.created("POST", "/courses", map[string]any{"name": "Algebra", "maxStudentCount": seats}, "id")
}

func (c *caller) enroll(course, student string) answer {
	GinkgoHelper()
	return c.call("POST", "/courses/"+course+"/enrollments", map[string]string{"studentId": student})
}

func (c *caller) book(course string) string {
	GinkgoHelper()
	return c.created("POST", "/course-books", map[string]any{"title": "TAOCP", "author": "Knuth", "isbn": "978-0", "price": 10, "courseId": course}, "id")
}

func (c *caller) token(course string) string {
	GinkgoHelper()
	return c.created("POST", "/exams/"+courseapp.NewID()+"/registration-tokens", map[string]string{"courseId": course}, "tokenId")
}

func (c *caller) redeem(token, student string) answer {
	GinkgoHelper()
	return c.call("POST", "/exam-registration-tokens/"+token+"/redeem", map[string]string{"studentId": student})
}

func (c *caller) revoke(token string) answer {
	GinkgoHelper()
	return c.call("DELETE", "/exam-registration-tokens/"+token, nil)
}

func (c *caller) announce(course, token string) answer {
	GinkgoHelper()
	return c.call("POST", "/courses/"+course+"/announcements", map[string]string{"title": "Hi", "body": "Welcome", "idempotencyToken": token})
}

// expectProblemType checks that a is a problem of type p with status.
func expectProblemType(a answer, p courseapp.ProblemType, status int) {
	GinkgoHelper()
	Expect(a.status).To(Equal(status), "%s", a)
	Expect(a.header.Get("Content-Type")).To(Equal("application/problem+json"))
	var got courseapp.Problem
	Expect(json.Unmarshal(a.body, &got)).To(Succeed())
	Expect(got).To(And(HaveField("Type", p.URI()), HaveField("Title", p.Title), HaveField("Status", status)), "%s", a)
	Expect(got.Detail).NotTo(BeEmpty())
}

// rivalFirst is a store that lets a copy of every batch in before the
// batch itself: each append then conflicts with the rival's copy.
type rivalFirst struct{ store.EventStore }

func (s rivalFirst) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	if cond != nil {
		if _, err := s.EventStore.Append(ctx, events, nil); err != nil {
			return 0, err
		}
	}
	return s.EventStore.Append(ctx, events, cond)
}

var _ = Describe("The problem types", func() {
	serve := func(opts courseapp.Options) (*caller, *courseapp.App) {
		GinkgoHelper()
		app := openApp(coursemanagement.Domain(), opts)
		srv, client := serveApp(app)
		return &caller{base: srv.URL, client: client}, app
	}

	DescribeTable("each broken rule answers its own problem type and status",
		func(p courseapp.ProblemType, provoke func(c *caller) []answer, statuses ...int) {
			c, _ := serve(courseapp.Options{})
			answers := provoke(c)
			Expect(answers).To(HaveLen(len(statuses)))
			for i, a := range answers {
				expectProblemType(a, p, statuses[i])
			}
		},
		Entry("an identifier that is no UUID", courseapp.ProblemInvalidID, func(c *caller) []answer {
			return []answer{c.call("POST", "/invoices", map[string]any{"customerId": courseapp.NilID, "amount": 10})}
		}, 400),
		Entry("an invalid email", courseapp.ProblemInvalidEmail, func(c *caller) []answer {
			return []answer{c.call("POST", "/students", map[string]string{"firstName": "Ada", "lastName": "L", "email": "ada"})}
		}, 422),
		Entry("an invalid tier", courseapp.ProblemInvalidTier, func(c *caller) []answer {
			return []answer{c.call("PATCH", "/students/"+c.student("ada@example.com")+"/subscription", map[string]string{"enrollmentTier": "None"})}
		}, 422),
		Entry("a course without a name", courseapp.ProblemCourseNameRequired, func(c *caller) []answer {
			return []answer{c.call("POST", "/courses", map[string]any{"name": "", "maxStudentCount": 3})}
		}, 422),
		Entry("a course without seats", courseapp.ProblemInvalidStudentLimit, func(c *caller) []answer {
			return []answer{
				c.call("POST", "/courses", map[string]any{"name": "Algebra", "maxStudentCount": 0}),
				c.call("PATCH", "/courses/"+c.course(3)+"/student-limit", map[string]any{"newMaxStudentCount": 0}),
			}
		}, 422, 422),
		Entry("an invoice of nothing", courseapp.ProblemInvalidAmount, func(c *caller) []answer {
			return []answer{c.call("POST", "/invoices", map[string]any{"customerId": courseapp.NewID(), "amount": 0})}
		}, 422),
		Entry("a book for nothing", courseapp.ProblemInvalidPrice, func(c *caller) []answer {
			return []answer{c.call("POST", "/course-books", map[string]any{"title": "T", "author": "A", "isbn": "1", "price": 0, "courseId": c.course(3)})}
		}, 422),
		Entry("an empty order", courseapp.ProblemEmptyOrder, func(c *caller) []answer {
			return []answer{c.call("POST", "/course-books/order", map[string]any{"studentId": c.student("ada@example.com"), "items": []any{}})}
		}, 422),
		Entry("an unknown course, named by the path (404) or the body (422)", courseapp.ProblemCourseNotFound, func(c *caller) []answer {
			ada := c.student("ada@example.com")
			return []answer{
				c.enroll(courseapp.NewID(), ada),
				c.call("PATCH", "/courses/"+courseapp.NewID()+"/student-limit", map[string]any{"newMaxStudentCount": 3}),
				c.call("POST", "/courses/aggregate/"+courseapp.NewID()+"/subscriptions", map[string]string{"studentId": ada}),
				c.call("POST", "/course-books", map[string]any{"title": "T", "author": "A", "isbn": "1", "price": 5, "courseId": courseapp.NewID()}),
			}
		}, 404, 404, 404, 422),
		Entry("an unknown student, named by the path (404) or the body (422)", courseapp.ProblemStudentNotFound, func(c *caller) []answer {
			return []answer{
				c.call("PATCH", "/students/"+courseapp.NewID()+"/subscription", map[string]string{"enrollmentTier": "Master"}),
				c.enroll(c.course(3), courseapp.NewID()),
			}
		}, 404, 422),
		Entry("an unknown book, named by the path (404) or the body (422)", courseapp.ProblemBookNotFound, func(c *caller) []answer {
			return []answer{
				c.call("PATCH", "/course-books/"+courseapp.NewID()+"/price", map[string]any{"newPrice": 5}),
				c.call("POST", "/course-books/order", map[string]any{"studentId": c.student("ada@example.com"),
					"items": []any{map[string]any{"bookId": courseapp.NewID(), "displayedPrice": 5}}}),
			}
		}, 404, 422),
		Entry("an unknown exam registration token", courseapp.ProblemTokenNotFound, func(c *caller) []answer {
			return []answer{c.revoke(courseapp.NewID()), c.redeem(courseapp.NewID(), c.student("ada@example.com"))}
		}, 404, 404),
		Entry("an unknown announcement", courseapp.ProblemAnnouncementNotFound, func(c *caller) []answer {
			return []answer{c.call("POST", "/courses/"+c.course(3)+"/announcements/"+courseapp.NewID()+"/retract", nil)}
		}, 404),
		Entry("a taken email", courseapp.ProblemEmailTaken, func(c *caller) []answer {
			c.student("ada@example.com")
			return []answer{c.call("POST", "/students", map[string]string{"firstName": "Ada", "lastName": "King", "email": "ADA@example.com "})}
		}, 409),
		Entry("a second enrollment", courseapp.ProblemAlreadyEnrolled, func(c *caller) []answer {
			course, ada := c.course(3), c.student("ada@example.com")
			Expect(c.enroll(course, ada).status).To(Equal(http.StatusCreated))
			return []answer{c.enroll(course, ada), c.call("POST", "/courses/aggregate/"+course+"/subscriptions", map[string]string{"studentId": ada})}
		}, 409, 409),
		Entry("a full course", courseapp.ProblemCourseFull, func(c *caller) []answer {
			course := c.course(1)
			Expect(c.enroll(course, c.student("ada@example.com")).status).To(Equal(http.StatusCreated))
			bob := c.student("bob@example.com")
			return []answer{c.enroll(course, bob), c.call("POST", "/courses/aggregate/"+course+"/subscriptions", map[string]string{"studentId": bob})}
		}, 409, 409),
		Entry("a student at the tier's limit", courseapp.ProblemEnrollmentLimit, func(c *caller) []answer {
			ada := c.student("ada@example.com")
			for range 2 {
				Expect(c.enroll(c.course(3), ada).status).To(Equal(http.StatusCreated))
			}
			return []answer{c.enroll(c.course(3), ada)}
		}, 409),
		Entry("fewer seats than students", courseapp.ProblemCapacityBelowEnrollments, func(c *caller) []answer {
			course := c.course(3)
			for _, email := range []string{"ada@example.com", "bob@example.com"} {
				Expect(c.enroll(course, c.student(email)).status).To(Equal(http.StatusCreated))
			}
			return []answer{c.call("PATCH", "/courses/"+course+"/student-limit", map[string]any{"newMaxStudentCount": 1})}
		}, 409),
		Entry("a price the student was not shown", courseapp.ProblemStalePrice, func(c *caller) []answer {
			book, ada := c.book(c.course(3)), c.student("ada@example.com")
			return []answer{
				c.call("POST", "/course-books/"+book+"/purchase", map[string]any{"studentId": ada, "displayedPrice": 5}),
				c.call("POST", "/course-books/order", map[string]any{"studentId": ada, "items": []any{map[string]any{"bookId": book, "displayedPrice": 5}}}),
			}
		}, 409, 409),
		Entry("an announcement posted again", courseapp.ProblemResubmission, func(c *caller) []answer {
			course, token := c.course(3), courseapp.NewID()
			Expect(c.announce(course, token).status).To(Equal(http.StatusCreated))
			return []answer{c.announce(course, token)}
		}, 409),
		Entry("an announcement retracted again", courseapp.ProblemAnnouncementRetracted, func(c *caller) []answer {
			course, token := c.course(3), courseapp.NewID()
			Expect(c.announce(course, token).status).To(Equal(http.StatusCreated))
			retract := "/courses/" + course + "/announcements/" + token + "/retract"
			Expect(c.call("POST", retract, nil).status).To(Equal(http.StatusOK))
			return []answer{c.call("POST", retract, nil)}
		}, 409),
		Entry("a revoked token redeemed", courseapp.ProblemTokenRevoked, func(c *caller) []answer {
			token := c.token(c.course(3))
			Expect(c.revoke(token).status).To(Equal(http.StatusOK))
			return []answer{c.redeem(token, c.student("ada@example.com"))}
		}, 409),
		Entry("a token redeemed twice", courseapp.ProblemTokenUsed, func(c *caller) []answer {
			token, ada := c.token(c.course(3)), c.student("ada@example.com")
			Expect(c.redeem(token, ada).status).To(Equal(http.StatusOK))
			return []answer{c.redeem(token, ada)}
		}, 409),
		Entry("a token revoked twice", courseapp.ProblemTokenAlreadyRevoked, func(c *caller) []answer {
			token := c.token(c.course(3))
			Expect(c.revoke(token).status).To(Equal(http.StatusOK))
			return []answer{c.revoke(token)}
		}, 409),
		Entry("a redeemed token revoked", courseapp.ProblemTokenRedeemed, func(c *caller) []answer {
			token := c.token(c.course(3))
			Expect(c.redeem(token, c.student("ada@example.com")).status).To(Equal(http.StatusOK))
			return []answer{c.revoke(token)}
		}, 409),
	)

	It("answers a write that lost every race it ran with write-conflict (409)", func() {
		c, _ := serve(courseapp.Options{WrapStore: func(s store.EventStore) store.EventStore { return rivalFirst{s} }})
		expectProblemType(c.call("POST", "/courses", map[string]any{"name": "Algebra", "maxStudentCount": 3}), courseapp.ProblemWriteConflict, 409)
	})

	// The server makes up the ids of what it creates, so no request can
	// create a course or a book twice: the command handlers can.
	DescribeTable("answers a rule no request can reach with its type too",
		func(p courseapp.ProblemType, provoke func(ctx context.Context, app *courseapp.App) error) {
			_, app := serve(courseapp.Options{})
			err := provoke(context.Background(), app)
			Expect(err).To(HaveOccurred())
			got, ok := courseapp.ProblemTypeOf(err)
			Expect(ok).To(BeTrue())
			Expect(got.Name).To(Equal(p.Name))
		},
		Entry("a course created twice", courseapp.ProblemCourseExists, func(ctx context.Context, app *courseapp.App) error {
			cmd := courseapp.CreateCourse{CourseID: courseapp.NewID(), Name: "Algebra", MaxStudentCount: 3}
			_, err := app.Commands().Handle(ctx, cmd)
			Expect(err).NotTo(HaveOccurred())
			_, err = app.Commands().Handle(ctx, cmd)
			return err
		}),
		Entry("a book defined twice", courseapp.ProblemBookExists, func(ctx context.Context, app *courseapp.App) error {
			course := courseapp.CreateCourse{CourseID: courseapp.NewID(), Name: "Algebra", MaxStudentCount: 3}
			_, err := app.Commands().Handle(ctx, course)
			Expect(err).NotTo(HaveOccurred())
			price, err := courseapp.ParseMoney("10")
			Expect(err).NotTo(HaveOccurred())
			cmd := courseapp.DefineCourseBook{BookID: courseapp.NewID(), Title: "T", Author: "A", Isbn: "1", Price: price, CourseID: course.CourseID}
			_, err = app.Commands().Handle(ctx, cmd)
			Expect(err).NotTo(HaveOccurred())
			_, err = app.Commands().Handle(ctx, cmd)
			return err
		}),
	)

	It("gives every rule of errors.go a problem type", func() {
		src, err := os.ReadFile("errors.go")
		Expect(err).NotTo(HaveOccurred())
		var rules []error
		for _, m := range regexp.MustCompile(`(?m)^\t(Err\w+) *= Rejection`).FindAllStringSubmatch(string(src), -1) {
			rules = append(rules, rejectionByName[m[1]])
		}
		Expect(rules).To(HaveLen(len(rejectionByName)), "every Rejection of errors.go is in this spec's list")
		rules = append(rules, courseapp.InvalidIDError{}, courseapp.StudentNotFoundError{}, courseapp.CourseNotFoundError{},
			courseapp.CourseFullError{}, courseapp.EnrollmentLimitError{}, courseapp.CapacityBelowEnrollmentsError{},
			courseapp.BookExistsError{}, courseapp.BookNotFoundError{}, courseapp.StalePriceError{}, courseapp.StaleOrderPriceError{},
			courseapp.AggregateCourseNotFoundError{}, courseapp.AggregateStudentNotFoundError{}, courseapp.AlreadySubscribedError{},
			courseapp.FullyBookedError{}, &courseapp.ConflictError{})
		Expect(regexp.MustCompile(`(?m)^func \((\w+ )?\*?\w+\) brokenRule\(\)`).FindAllString(string(src), -1)).
			To(HaveLen(15), "every struct rule of errors.go (and Rejection) is in this spec's list")
		for _, rule := range rules {
			p, ok := courseapp.ProblemTypeOf(rule)
			Expect(ok).To(BeTrue(), "%T %v has no problem type", rule, rule)
			Expect(courseapp.ProblemTypes()).To(ContainElement(HaveField("Name", p.Name)))
		}
	})

	It("lists every problem type in openapi.json's ProblemType, with its title and statuses, and no other", func() {
		var doc struct {
			Components struct {
				Schemas struct {
					ProblemType struct {
						AnyOf []struct {
							Const       string `json:"const"`
							Title       string `json:"title"`
							Description string `json:"description"`
						} `json:"anyOf"`
					} `json:"ProblemType"`
				} `json:"schemas"`
			} `json:"components"`
		}
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &doc)).To(Succeed())
		var want, got []string
		for _, p := range courseapp.ProblemTypes() {
			want = append(want, p.URI()+" | "+p.Title+" | "+statuses(p)+". "+p.Description)
		}
		for _, t := range doc.Components.Schemas.ProblemType.AnyOf {
			if t.Const != "about:blank" {
				got = append(got, t.Const+" | "+t.Title+" | "+t.Description)
			}
		}
		Expect(got).To(Equal(want))
	})

	It("has every operation list the problem types it answers with, and every problem type listed by an operation", func() {
		var doc struct {
			Paths map[string]map[string]struct {
				ProblemTypes []string `json:"x-problem-types"`
			} `json:"paths"`
		}
		Expect(json.Unmarshal(courseapp.OpenAPIDocument, &doc)).To(Succeed())
		var names []string
		for _, p := range courseapp.ProblemTypes() {
			names = append(names, p.Name)
		}
		listed := map[string]bool{}
		for path, ops := range doc.Paths {
			for method, op := range ops {
				for _, name := range op.ProblemTypes {
					Expect(names).To(ContainElement(name), "%s %s lists %s", method, path, name)
					listed[name] = true
				}
			}
		}
		for _, name := range names {
			Expect(listed).To(HaveKey(name), "an operation lists %s", name)
		}
	})

	It("lists every problem type in the README of lesson 05, with its statuses and title", func() {
		readme, err := os.ReadFile("../../lessons/05-coursemanagement/README.md")
		Expect(err).NotTo(HaveOccurred())
		var got []string
		for _, m := range regexp.MustCompile("(?m)^\\| `(/problems/[a-z-]+)` +\\| ([^|]+?) +\\| ([^|]+?) +\\|").FindAllStringSubmatch(string(readme), -1) {
			got = append(got, m[1]+" | "+m[2]+" | "+m[3])
		}
		var want []string
		for _, p := range courseapp.ProblemTypes() {
			want = append(want, p.URI()+" | "+strings.ReplaceAll(statuses(p), " or ", ", ")+" | "+p.Title)
		}
		Expect(got).To(Equal(want))
	})
})

// statuses names the statuses of p as openapi.json describes them.
func statuses(p courseapp.ProblemType) string {
	s := fmt.Sprintf("%d %s", p.Status, reason(p.Status))
	if len(p.NotFoundIn) > 0 {
		s = "404 Not Found or " + s
	}
	return s
}

func reason(status int) string {
	if status == http.StatusUnprocessableEntity {
		return "Unprocessable Content" // RFC 9110's name
	}
	return http.StatusText(status)
}

// rejectionByName is every Rejection of errors.go.
var rejectionByName = map[string]error{
	"ErrEmailTaken": courseapp.ErrEmailTaken, "ErrInvalidEmail": courseapp.ErrInvalidEmail, "ErrInvalidTier": courseapp.ErrInvalidTier,
	"ErrCourseNameRequired": courseapp.ErrCourseNameRequired, "ErrCourseExists": courseapp.ErrCourseExists,
	"ErrInvalidMaxStudentCount": courseapp.ErrInvalidMaxStudentCount, "ErrCourseNotFound": courseapp.ErrCourseNotFound,
	"ErrStudentNotRegistered": courseapp.ErrStudentNotRegistered, "ErrAlreadyEnrolled": courseapp.ErrAlreadyEnrolled,
	"ErrInvalidAmount": courseapp.ErrInvalidAmount, "ErrResubmission": courseapp.ErrResubmission,
	"ErrAnnouncementNotFound": courseapp.ErrAnnouncementNotFound, "ErrAnnouncementRetracted": courseapp.ErrAnnouncementRetracted,
	"ErrTokenNotFound": courseapp.ErrTokenNotFound, "ErrTokenRevoked": courseapp.ErrTokenRevoked, "ErrTokenUsed": courseapp.ErrTokenUsed,
	"ErrTokenAlreadyRevoked": courseapp.ErrTokenAlreadyRevoked, "ErrTokenRedeemed": courseapp.ErrTokenRedeemed,
	"ErrInvalidPrice": courseapp.ErrInvalidPrice, "ErrEmptyOrder": courseapp.ErrEmptyOrder,
}
