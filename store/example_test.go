package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/opossum-go/opossum/store"
)

type studentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// A complete program: open a store, append an event only if the email is
// not taken yet, and read it back.
func Example() {
	dir, err := os.MkdirTemp("", "opossum-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := store.Open(dir, nil) // nil options: durable defaults
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	email := store.NewTag("studentEmail", "ada@example.com")
	e, err := store.NewEvent("StudentRegistered",
		studentRegistered{StudentID: "s-1", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"},
		store.NewTag("studentId", "s-1"), email)
	if err != nil {
		log.Fatal(err)
	}
	// Fail if any event already carries this email tag.
	unique := &store.AppendCondition{FailIfEventsMatch: store.Tagged(email)}
	pos, err := s.Append(ctx, []store.Event{e}, unique)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("appended at position", pos)

	// The same registration again is rejected by the condition.
	_, err = s.Append(ctx, []store.Event{e}, unique)
	fmt.Println("second registration rejected:", errors.Is(err, store.ErrAppendConditionFailed))

	for ev, err := range s.Read(ctx, store.Types("StudentRegistered")) {
		if err != nil {
			log.Fatal(err)
		}
		st, err := store.Decode[studentRegistered](ev.Event)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Position, ev.Type, st.FirstName, st.LastName)
	}
	// Output:
	// appended at position 1
	// second registration rejected: true
	// 1 StudentRegistered Ada Lovelace
}

// A safe retry: the events get their ids before the first attempt, so an
// Append whose outcome is unknown (ErrBroken, a timeout) can be repeated.
// A batch already stored is answered with its original position and not
// stored twice.
func ExampleNewEventID() {
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()

	e, err := store.NewEvent("InvoiceNumbered", map[string]int{"number": 1})
	if err != nil {
		log.Fatal(err)
	}
	e.ID = store.NewEventID()
	events := []store.Event{e}

	first, err := s.Append(ctx, events, nil)
	fmt.Println("first attempt:", first, err)
	// Say the first attempt had failed with an unknown outcome: retry.
	again, err := s.Append(ctx, events, nil)
	fmt.Println("retry:", again, err)
	head, _ := s.Head(ctx)
	fmt.Println("events stored:", head)
	// Output:
	// first attempt: 1 <nil>
	// retry: 1 <nil>
	// events stored: 1
}
