package automation_test

import (
	"context"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	auto "github.com/opossum-go/opossum/lessons/08-automation"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

// enrolledAt is when every enrollment of the specs was recorded.
var enrolledAt = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func enrollment(courseID, studentID string) store.Event {
	e := auto.StudentEnrolledToCourse{CourseID: courseID, StudentID: studentID}.Event()
	e.Metadata.Timestamp = enrolledAt
	return e
}

// invoice is the invoice numbered number that IssueInvoice issues to
// studentID for an enrollment of the specs.
func invoice(number int, studentID string) auto.InvoiceCreated {
	return auto.InvoiceCreated{InvoiceNumber: number, CustomerID: studentID, Amount: auto.CoursePrice, IssuedAt: enrolledAt}
}

// poison is an enrollment whose data names no student.
func poison() store.Event {
	return store.MustEvent(auto.StudentEnrolledToCourseType, map[string]string{"courseId": "c-1"}, auto.CourseTag("c-1"))
}

// appendAll appends events and returns them as stored.
func appendAll(ctx context.Context, s store.EventStore, events ...store.Event) []store.StoredEvent {
	GinkgoHelper()
	last, err := s.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
	stored, err := store.ReadAll(ctx, s, store.All(), store.After(last-store.Position(len(events))))
	Expect(err).NotTo(HaveOccurred())
	return stored
}

// invoices returns the invoices in the store, oldest first.
func invoices(ctx context.Context, s store.EventStore) []auto.InvoiceCreated {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceCreatedType))
	Expect(err).NotTo(HaveOccurred())
	out := make([]auto.InvoiceCreated, len(events))
	for i, e := range events {
		out[i], err = store.Decode[auto.InvoiceCreated](e.Event)
		Expect(err).NotTo(HaveOccurred())
	}
	return out
}

var _ = steps.Describe("Step 1: an idempotent command", func() {
	It("issues invoice 1 for the first enrollment, caused by it", func(ctx SpecContext) {
		s := store.NewMemory()
		en := appendAll(ctx, s, enrollment("c-1", "s-ada"))[0]
		Expect(auto.IssueInvoice(ctx, s, en)).To(Succeed())
		inv, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceCreatedType))
		Expect(err).NotTo(HaveOccurred())
		Expect(inv).To(HaveLen(1))
		Expect(inv[0]).To(And(matchers.HaveTag(auto.CausationTag(en.ID)), matchers.HaveTag(auto.InvoiceTag(1))))
		Expect(invoices(ctx, s)).To(Equal([]auto.InvoiceCreated{invoice(1, "s-ada")}),
			"the invoice bills the enrolled student (CustomerID) for CoursePrice, dated when the enrollment was recorded (its Metadata.Timestamp)")
	})

	It("numbers the invoices of several enrollments without a gap", func(ctx SpecContext) {
		s := store.NewMemory()
		for _, en := range appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"), enrollment("c-2", "s-ada")) {
			Expect(auto.IssueInvoice(ctx, s, en)).To(Succeed())
		}
		Expect(invoices(ctx, s)).To(HaveEach(HaveField("InvoiceNumber", BeNumerically(">", 0))))
		Expect(invoices(ctx, s)).To(HaveLen(3))
		Expect(invoices(ctx, s)[2].InvoiceNumber).To(Equal(3))
	})

	It("issues nothing when it is given an enrollment it handled before: delivered twice, done once", func(ctx SpecContext) {
		s := store.NewMemory()
		en := appendAll(ctx, s, enrollment("c-1", "s-ada"))[0]
		Expect(auto.IssueInvoice(ctx, s, en)).To(Succeed())
		Expect(auto.IssueInvoice(ctx, s, en)).To(Succeed())
		Expect(invoices(ctx, s)).To(HaveLen(1))
	})

	It("issues one invoice when two reactors handle the same enrollment at the same moment", func(ctx SpecContext) {
		s := store.NewMemory()
		en := appendAll(ctx, s, enrollment("c-1", "s-ada"))[0]
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				defer GinkgoRecover()
				errs[i] = auto.IssueInvoice(ctx, s, en)
			})
		}
		wg.Wait()
		Expect(errs).To(HaveEach(Succeed()))
		Expect(invoices(ctx, s)).To(HaveLen(1), "the append condition must include the events caused by the enrollment")
	})

	It("refuses a poison enrollment with ErrPoison and appends nothing", func(ctx SpecContext) {
		s := store.NewMemory()
		en := appendAll(ctx, s, poison())[0]
		Expect(auto.IssueInvoice(ctx, s, en)).To(MatchError(auto.ErrPoison))
		Expect(s).To(matchers.HaveAppended(auto.StudentEnrolledToCourseType))
	})
})

var _ = steps.Describe("Step 2: the reactor", func() {
	It("invoices every enrollment after its checkpoint and moves the checkpoint to the last", func(ctx SpecContext) {
		s := store.NewMemory()
		appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"))
		r := &auto.Reactor{Store: s, Checkpoint: filepath.Join(GinkgoT().TempDir(), "checkpoint")}
		Expect(r.Run(ctx)).To(Equal(2))
		Expect(invoices(ctx, s)).To(HaveLen(2))
		Expect(auto.LoadCheckpoint(r.Checkpoint)).To(Equal(store.Position(2)))

		By("handling only the enrollments after it on the next run")
		appendAll(ctx, s, enrollment("c-2", "s-cy"))
		Expect(r.Run(ctx)).To(Equal(1))
		Expect(invoices(ctx, s)).To(HaveLen(3))
	})

	It("parks a poison enrollment as InvoiceRefused and goes on with the next", func(ctx SpecContext) {
		s := store.NewMemory()
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), poison(), enrollment("c-1", "s-bob"))
		r := &auto.Reactor{Store: s, Checkpoint: filepath.Join(GinkgoT().TempDir(), "checkpoint")}
		Expect(r.Run(ctx)).To(Equal(3))
		Expect(invoices(ctx, s)).To(HaveLen(2))
		refused, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceRefusedType))
		Expect(err).NotTo(HaveOccurred())
		Expect(refused).To(ConsistOf(matchers.HaveTag(auto.CausationTag(stored[1].ID))))
	})

	It("handles an enrollment again when it stopped before moving the checkpoint, without a second invoice", func(ctx SpecContext) {
		s := store.NewMemory()
		appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"))
		r := &auto.Reactor{Store: s, Checkpoint: filepath.Join(GinkgoT().TempDir(), "checkpoint")}
		Expect(r.Run(ctx)).To(Equal(2))
		Expect(auto.SaveCheckpoint(r.Checkpoint, 0)).To(Succeed())
		Expect(r.Run(ctx)).To(Equal(2))
		Expect(invoices(ctx, s)).To(HaveLen(2))
	})
})

var _ = steps.Describe("Step 3: killed mid-way", func() {
	It("loses nothing and does nothing twice when the reactor dies between an invoice and its checkpoint", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		checkpoint := filepath.Join(dir, "checkpoint")
		storeDir := filepath.Join(dir, "store")
		s := fileStore(storeDir)
		appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"), poison(), enrollment("c-2", "s-ada"), enrollment("c-2", "s-cy"))

		By("a reactor in a child process, killed right after it handled its second enrollment")
		crashChild(ctx, storeDir, childCheckpointEnv+"="+checkpoint)
		Expect(invoices(ctx, s)).To(HaveLen(2))
		Expect(auto.LoadCheckpoint(checkpoint)).To(Equal(store.Position(1)), "it died before the checkpoint moved past the second enrollment")

		By("a new reactor, from the checkpoint")
		r := &auto.Reactor{Store: s, Checkpoint: checkpoint}
		Expect(r.Run(ctx)).To(Equal(4))
		Expect(invoices(ctx, s)).To(Equal([]auto.InvoiceCreated{
			invoice(1, "s-ada"), invoice(2, "s-bob"), invoice(3, "s-ada"), invoice(4, "s-cy"),
		}))
		refused, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceRefusedType))
		Expect(err).NotTo(HaveOccurred())
		Expect(refused).To(HaveLen(1))
	})
})
