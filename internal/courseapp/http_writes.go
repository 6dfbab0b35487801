package courseapp

import (
	"fmt"
	"net/http"

	"github.com/opossum-go/opossum/store"
)

// The write endpoints: each decodes its body, builds the command (with the
// ids the server generates) and hands it to the command handlers.

// run carries out cmd and answers with status, Location and body (see
// written), or returns the command's error for writeError.
func (in *instance) run(w http.ResponseWriter, r *http.Request, cmd Command, status int, location string, body any) error {
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, status, location, body)
	return nil
}

// pathAndBody reads the id in the path value name (pathID), then decodes
// the request's body into body (decodeBody).
func pathAndBody(w http.ResponseWriter, r *http.Request, name string, body any) (string, error) {
	id, err := pathID(r, name)
	if err != nil {
		return "", err
	}
	return id, decodeBody(w, r, body)
}

func (a *App) registerStudent(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ FirstName, LastName, Email string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	cmd := RegisterStudent{StudentID: NewID(), FirstName: body.FirstName, LastName: body.LastName, Email: body.Email}
	return in.run(w, r, cmd, http.StatusCreated, "/students/"+cmd.StudentID, map[string]string{"id": cmd.StudentID})
}

func (a *App) updateSubscription(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ EnrollmentTier Tier }
	id, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	return in.run(w, r, UpdateStudentSubscription{StudentID: id, Tier: body.EnrollmentTier}, http.StatusOK, "", nil)
}

func (a *App) createCourse(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		Name, Description string
		MaxStudentCount   int
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	cmd := CreateCourse{CourseID: NewID(), Name: body.Name, Description: body.Description, MaxStudentCount: body.MaxStudentCount}
	return in.run(w, r, cmd, http.StatusCreated, "/courses/"+cmd.CourseID, map[string]string{"id": cmd.CourseID})
}

func (a *App) modifyStudentLimit(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ NewMaxStudentCount int }
	id, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	return in.run(w, r, ModifyCourseStudentLimit{CourseID: id, MaxStudentCount: body.NewMaxStudentCount}, http.StatusOK, "", nil)
}

func (a *App) enroll(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ StudentID string }
	courseID, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	return in.run(w, r, EnrollStudent{CourseID: courseID, StudentID: studentID}, http.StatusCreated, fmt.Sprintf("/courses/%s/enrollments/%s", courseID, studentID),
		map[string]string{"courseId": courseID, "studentId": studentID})
}

func (a *App) createInvoice(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		CustomerID string
		Amount     Money
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), CreateInvoice{CustomerID: body.CustomerID, Amount: body.Amount})
	if err != nil {
		return err
	}
	// The number is in the event the domain decided: its data's
	// invoiceNumber field.
	number := 0
	if len(res.Events) == 1 {
		if inv, err := store.Decode[struct {
			InvoiceNumber int `json:"invoiceNumber"`
		}](res.Events[0]); err == nil {
			number = inv.InvoiceNumber
		}
	}
	written(w, res, http.StatusCreated, fmt.Sprintf("/invoices/%d", number), map[string]int{"invoiceNumber": number})
	return nil
}

func (a *App) postAnnouncement(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ Title, Body, IdempotencyToken string }
	courseID, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	token, err := bodyID("idempotencyToken", body.IdempotencyToken)
	if err != nil {
		return err
	}
	cmd := PostAnnouncement{AnnouncementID: NewID(), CourseID: courseID, Title: body.Title, Body: body.Body, IdempotencyToken: token}
	return in.run(w, r, cmd, http.StatusCreated, fmt.Sprintf("/courses/%s/announcements/%s", courseID, cmd.AnnouncementID),
		map[string]string{"announcementId": cmd.AnnouncementID})
}

func (a *App) retractAnnouncement(w http.ResponseWriter, r *http.Request, in *instance) error {
	courseID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	token, err := pathID(r, "token")
	if err != nil {
		return err
	}
	return in.run(w, r, RetractAnnouncement{CourseID: courseID, IdempotencyToken: token}, http.StatusOK, "", nil)
}

func (a *App) issueToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ CourseID string }
	examID, err := pathAndBody(w, r, "examId", &body)
	if err != nil {
		return err
	}
	courseID, err := bodyID("courseId", body.CourseID)
	if err != nil {
		return err
	}
	cmd := IssueExamToken{TokenID: NewID(), ExamID: examID, CourseID: courseID}
	return in.run(w, r, cmd, http.StatusCreated, "/exam-registration-tokens/"+cmd.TokenID, map[string]string{"tokenId": cmd.TokenID})
}

func (a *App) redeemToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ StudentID string }
	tokenID, err := pathAndBody(w, r, "tokenId", &body)
	if err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	return in.run(w, r, RedeemExamToken{TokenID: tokenID, StudentID: studentID}, http.StatusOK, "", nil)
}

func (a *App) revokeToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	tokenID, err := pathID(r, "tokenId")
	if err != nil {
		return err
	}
	return in.run(w, r, RevokeExamToken{TokenID: tokenID}, http.StatusOK, "", nil)
}

func (a *App) defineBook(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		Title, Author, Isbn string
		Price               Money
		CourseID            string
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	courseID, err := bodyID("courseId", body.CourseID)
	if err != nil {
		return err
	}
	cmd := DefineCourseBook{BookID: NewID(), Title: body.Title, Author: body.Author, Isbn: body.Isbn, Price: body.Price, CourseID: courseID}
	return in.run(w, r, cmd, http.StatusCreated, "/course-books/"+cmd.BookID, map[string]string{"id": cmd.BookID})
}

func (a *App) changePrice(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ NewPrice Money }
	bookID, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	return in.run(w, r, ChangeCourseBookPrice{BookID: bookID, Price: body.NewPrice}, http.StatusOK, "", nil)
}

func (a *App) purchaseBook(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		StudentID      string
		DisplayedPrice Money
	}
	bookID, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	return in.run(w, r, PurchaseCourseBook{BookID: bookID, StudentID: studentID, DisplayedPrice: body.DisplayedPrice}, http.StatusCreated, "/students/"+studentID+"/purchased-books", nil)
}

func (a *App) orderBooks(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		StudentID string
		Items     []struct {
			BookID         string
			DisplayedPrice Money
		}
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	cmd := OrderCourseBooks{OrderID: NewID(), StudentID: studentID}
	for _, it := range body.Items {
		bookID, err := bodyID("bookId", it.BookID)
		if err != nil {
			return err
		}
		cmd.Items = append(cmd.Items, OrderItem{BookID: bookID, DisplayedPrice: it.DisplayedPrice})
	}
	return in.run(w, r, cmd, http.StatusCreated, "/students/"+studentID+"/purchased-books", map[string]string{"orderId": cmd.OrderID})
}

func (a *App) aggregateCreate(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct {
		Name, Description string
		MaxStudents       int
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	id := NewID()
	pos, err := in.aggregates.Create(r.Context(), id, body.Name, body.Description, body.MaxStudents)
	if err != nil {
		return err
	}
	written(w, Result{Position: pos}, http.StatusCreated, "/courses/aggregate/"+id, map[string]string{"id": id})
	return nil
}

func (a *App) aggregateCapacity(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ NewCapacity int }
	id, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	pos, err := in.aggregates.ChangeCapacity(r.Context(), id, body.NewCapacity)
	if err != nil {
		return err
	}
	written(w, Result{Position: pos}, http.StatusOK, "", nil)
	return nil
}

func (a *App) aggregateSubscribe(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ StudentID string }
	courseID, err := pathAndBody(w, r, "id", &body)
	if err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	pos, err := in.aggregates.Subscribe(r.Context(), courseID, studentID)
	if err != nil {
		return err
	}
	written(w, Result{Position: pos}, http.StatusCreated, fmt.Sprintf("/courses/aggregate/%s/subscriptions/%s", courseID, studentID),
		map[string]string{"courseId": courseID, "studentId": studentID})
	return nil
}
