package dcb_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 9: from a user story to events", func() {
	// The form Ada sent: she leaves c-1, which then has 7 free seats.
	withdrawal := dcb.Withdrawal{
		StudentID: ada.StudentID,
		CourseID:  "c-1",
		Email:     "  Ada@Example.com",
		Reason:    "moved to Lyon",
		At:        time.Date(2026, 3, 9, 14, 30, 0, 0, time.UTC),
		SeatsLeft: 7,
	}

	var events []store.Event
	BeforeEach(func() {
		events = dcb.WithdrawalEvents(withdrawal)
	})

	It("records the story as one fact: the student withdrew", func() {
		Expect(events).To(HaveLen(1),
			"the story has one fact: Ada withdrew from c-1. Your events are %v. The confirmation email is "+
				"something the school does about the fact, later (an automation, lesson 08): an event "+
				"'ConfirmationSent' now would record what has not happened yet", typesOf(events))
	})

	It("names the fact in the past tense, as something that happened", func() {
		for _, e := range events {
			Expect(hasPastTense(e.Type)).To(BeTrue(),
				"%q does not say what happened. An event is a fact, named with a verb in the past tense "+
					"(StudentRegistered, StudentEnrolledToCourse): which word of yours says what Ada did?", e.Type)
		}
	})

	It("is not a command disguised as an event", func() {
		for _, e := range events {
			first, last := firstWord(e.Type), lastWord(e.Type)
			Expect(imperatives).NotTo(ContainElement(first),
				"%q starts with %q: it asks for something to happen, like a command. The form was the "+
					"command; the event records what the school accepted: who did what", e.Type, first)
			Expect([]string{"Requested", "Request", "Command"}).NotTo(ContainElement(last),
				"%q records a request, and a request can still be refused. Record the outcome, the "+
					"withdrawal that took place", e.Type)
		}
	})

	It("says what happened, not that a record was updated", func() {
		for _, e := range events {
			Expect(e.Type).NotTo(HaveSuffix("Updated"),
				"%q says a row changed, not what happened: a reader cannot tell a withdrawal from a "+
					"correction or a typo fixed. Name the fact: what did Ada do?", e.Type)
			Expect(dataOf(e)).NotTo(HaveKey(MatchRegexp(`(?i)^status$`)),
				"a 'status' field in %s is an update in disguise: the event's name should say what "+
					"happened, so that nobody has to compare old and new values", e.Type)
		}
	})

	It("keeps derived data out of the event", func() {
		for _, e := range events {
			for key, value := range dataOf(e) {
				Expect(derived.MatchString(key) || value == float64(withdrawal.SeatsLeft)).To(BeFalse(),
					"%s carries %q: %v, the seats left. That number is derived: CourseSeats folds it from the "+
						"course's events. Stored in the event, it goes stale and one day contradicts the "+
						"facts (a capacity change, a withdrawal racing this one). Record what happened; "+
						"let the folds count", e.Type, key, value)
			}
		}
	})

	It("carries the student, the course and the time of the withdrawal in its data", func() {
		Expect(events).NotTo(BeEmpty())
		data := dataOf(events[0])
		Expect(data).To(ContainElement(withdrawal.StudentID),
			"the data is the fact; tags are only the index. Put the student's id in the data too, as "+
				"StudentEnrolledToCourse does. Data: %v", data)
		Expect(data).To(ContainElement(withdrawal.CourseID),
			"put the course's id in the data too. Data: %v", data)
		Expect(hasTime(data, withdrawal.At)).To(BeTrue(),
			"the refund rule (RefundPeriod) needs the time Ada withdrew, so it is part of the fact: put "+
				"it in the data (time.Time encodes as RFC 3339). The metadata's timestamp says when the "+
				"event was stored, a circumstance, not the fact. Data: %v", data)
	})

	It("is tagged with the student and the course, whose decisions it changes", func() {
		for _, e := range events {
			Expect(e.Tags).To(ContainElement(dcb.CourseTag(withdrawal.CourseID)),
				"a withdrawal frees a seat: the next enrollment in c-1 must see it. Tag %s with "+
					"CourseTag, as StudentEnrolledToCourse is", e.Type)
			Expect(e.Tags).To(ContainElement(dcb.StudentTag(withdrawal.StudentID)),
				"a withdrawal lowers Ada's course count: her next enrollment must see it. Tag %s with "+
					"StudentTag too", e.Type)
		}
	})

	It("keeps personal data out of its tags", func() {
		for _, e := range events {
			for _, tag := range e.Tags {
				Expect(tag.Value).NotTo(Or(ContainSubstring("@"), Equal(withdrawal.Reason)),
					"%s is tagged %s:%s. Tags are the store's index: every query selects by them, tools "+
						"list them, and they stay when the data of a forgotten student is erased. Tag with "+
						"ids. Step 1 tags the email because its rule must find that exact address; no "+
						"decision selects a withdrawal by address", e.Type, tag.Key, tag.Value)
			}
		}
	})
})

// imperatives are verbs that start a command's name: SendConfirmation,
// WithdrawStudent. Words that are nouns as well (Email, Post, Record) are
// left out: EmailSent is a fact.
var imperatives = []string{
	"Add", "Cancel", "Change", "Confirm", "Create", "Delete", "Do", "Drop", "Enroll", "Handle",
	"Leave", "Make", "Mark", "Notify", "Process", "Refund", "Register", "Remove", "Request",
	"Send", "Submit", "Unenroll", "Update", "Withdraw",
}

// derived matches the names of fields that a fold computes.
var derived = regexp.MustCompile(`(?i)seat|count|remaining|free|total|available`)

// pastIrregular are past tenses and participles that do not end in -ed.
var pastIrregular = []string{
	"Began", "Begun", "Bought", "Broke", "Broken", "Built", "Came", "Chose", "Chosen", "Did", "Done",
	"Drew", "Drawn", "Gave", "Given", "Got", "Gone", "Went", "Held", "Kept", "Left", "Lost", "Made",
	"Met", "Paid", "Quit", "Sent", "Sold", "Spent", "Taken", "Took", "Told", "Withdrew", "Withdrawn",
	"Won", "Wrote", "Written",
}

// words splits a PascalCase name into its words.
func words(name string) []string {
	var out []string
	start := 0
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' {
			out = append(out, name[start:i])
			start = i
		}
	}
	if name != "" {
		out = append(out, name[start:])
	}
	return out
}

func firstWord(name string) string {
	if w := words(name); len(w) > 0 {
		return w[0]
	}
	return ""
}

func lastWord(name string) string {
	if w := words(name); len(w) > 0 {
		return w[len(w)-1]
	}
	return ""
}

// hasPastTense reports whether a word of name, after the first, is a verb
// in the past tense: StudentRegistered, StudentEnrolledToCourse.
func hasPastTense(name string) bool {
	w := words(name)
	for i := 1; i < len(w); i++ {
		if (len(w[i]) > 3 && strings.HasSuffix(w[i], "ed")) || slices.Contains(pastIrregular, w[i]) {
			return true
		}
	}
	return false
}

// dataOf decodes an event's data as a JSON object.
func dataOf(e store.Event) map[string]any {
	GinkgoHelper()
	var data map[string]any
	Expect(json.Unmarshal(e.Data, &data)).To(Succeed(), "the data of %s must be a JSON object", e.Type)
	return data
}

// hasTime reports whether a value of data is the time t, in RFC 3339.
func hasTime(data map[string]any, t time.Time) bool {
	for _, v := range data {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if parsed, err := time.Parse(time.RFC3339Nano, s); err == nil && parsed.Equal(t) {
			return true
		}
	}
	return false
}

func typesOf(events []store.Event) []string {
	types := make([]string, len(events))
	for i, e := range events {
		types[i] = e.Type
	}
	return types
}
