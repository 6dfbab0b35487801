package coursemanagement

import (
	"fmt"
	"net/http"

	"github.com/opossum-go/opossum/store"
)

// The write endpoints: each decodes its body, builds the command (with the
// ids the server generates) and hands it to the command handlers.

func (a *App) registerStudent(w http.ResponseWriter, r *http.Request, in *instance) error {
	var body struct{ FirstName, LastName, Email string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	cmd := RegisterStudent{StudentID: NewID(), FirstName: body.FirstName, LastName: body.LastName, Email: body.Email}
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/students/"+cmd.StudentID, map[string]string{"id": cmd.StudentID})
	return nil
}

func (a *App) updateSubscription(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ EnrollmentTier Tier }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), UpdateStudentSubscription{StudentID: id, Tier: body.EnrollmentTier})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
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
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/courses/"+cmd.CourseID, map[string]string{"id": cmd.CourseID})
	return nil
}

func (a *App) modifyStudentLimit(w http.ResponseWriter, r *http.Request, in *instance) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ NewMaxStudentCount int }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), ModifyCourseStudentLimit{CourseID: id, MaxStudentCount: body.NewMaxStudentCount})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
}

func (a *App) enroll(w http.ResponseWriter, r *http.Request, in *instance) error {
	courseID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ StudentID string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), EnrollStudent{CourseID: courseID, StudentID: studentID})
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, fmt.Sprintf("/courses/%s/enrollments/%s", courseID, studentID),
		map[string]string{"courseId": courseID, "studentId": studentID})
	return nil
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
	number := 0
	if len(res.Events) == 1 {
		if inv, err := store.Decode[InvoiceCreated](res.Events[0]); err == nil {
			number = inv.InvoiceNumber
		}
	}
	written(w, res, http.StatusCreated, fmt.Sprintf("/invoices/%d", number), map[string]int{"invoiceNumber": number})
	return nil
}

func (a *App) postAnnouncement(w http.ResponseWriter, r *http.Request, in *instance) error {
	courseID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ Title, Body, IdempotencyToken string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	token, err := bodyID("idempotencyToken", body.IdempotencyToken)
	if err != nil {
		return err
	}
	cmd := PostAnnouncement{AnnouncementID: NewID(), CourseID: courseID, Title: body.Title, Body: body.Body, IdempotencyToken: token}
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, fmt.Sprintf("/courses/%s/announcements/%s", courseID, cmd.AnnouncementID),
		map[string]string{"announcementId": cmd.AnnouncementID})
	return nil
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
	res, err := in.commands.Handle(r.Context(), RetractAnnouncement{CourseID: courseID, IdempotencyToken: token})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
}

func (a *App) issueToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	examID, err := pathID(r, "examId")
	if err != nil {
		return err
	}
	var body struct{ CourseID string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	courseID, err := bodyID("courseId", body.CourseID)
	if err != nil {
		return err
	}
	cmd := IssueExamToken{TokenID: NewID(), ExamID: examID, CourseID: courseID}
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/exams/registration-tokens/"+cmd.TokenID, map[string]string{"tokenId": cmd.TokenID})
	return nil
}

func (a *App) redeemToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	tokenID, err := pathID(r, "tokenId")
	if err != nil {
		return err
	}
	var body struct{ StudentID string }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), RedeemExamToken{TokenID: tokenID, StudentID: studentID})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
}

func (a *App) revokeToken(w http.ResponseWriter, r *http.Request, in *instance) error {
	tokenID, err := pathID(r, "tokenId")
	if err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), RevokeExamToken{TokenID: tokenID})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
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
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/course-books/"+cmd.BookID, map[string]string{"id": cmd.BookID})
	return nil
}

func (a *App) changePrice(w http.ResponseWriter, r *http.Request, in *instance) error {
	bookID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ NewPrice Money }
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), ChangeCourseBookPrice{BookID: bookID, Price: body.NewPrice})
	if err != nil {
		return err
	}
	written(w, res, http.StatusOK, "", nil)
	return nil
}

func (a *App) purchaseBook(w http.ResponseWriter, r *http.Request, in *instance) error {
	bookID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		StudentID      string
		DisplayedPrice Money
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	studentID, err := bodyID("studentId", body.StudentID)
	if err != nil {
		return err
	}
	res, err := in.commands.Handle(r.Context(), PurchaseCourseBook{BookID: bookID, StudentID: studentID, DisplayedPrice: body.DisplayedPrice})
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/students/"+studentID+"/purchased-books", nil)
	return nil
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
	res, err := in.commands.Handle(r.Context(), cmd)
	if err != nil {
		return err
	}
	written(w, res, http.StatusCreated, "/students/"+studentID+"/purchased-books", map[string]string{"orderId": cmd.OrderID})
	return nil
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ NewCapacity int }
	if err := decodeBody(w, r, &body); err != nil {
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
	courseID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct{ StudentID string }
	if err := decodeBody(w, r, &body); err != nil {
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
