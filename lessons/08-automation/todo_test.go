package automation_test

import (
	"context"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	auto "github.com/opossum-go/opossum/lessons/08-automation"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

// ids returns the ids of events, in order.
func ids(events []store.StoredEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID.String()
	}
	return out
}

// pending builds the to-do list from s.
func pending(ctx context.Context, s store.EventStore) *auto.PendingInvoices {
	GinkgoHelper()
	list, err := auto.LoadPending(ctx, s)
	Expect(err).NotTo(HaveOccurred())
	return list
}

// causes returns, for each invoice in s, the id of the enrollment that
// caused it, oldest invoice first.
func causes(ctx context.Context, s store.EventStore) []string {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceCreatedType))
	Expect(err).NotTo(HaveOccurred())
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Metadata.CausationID
	}
	return out
}

// invoicedOnce checks that s holds exactly one invoice per enrollment of
// want, numbered 1 to len(want) without a gap.
func invoicedOnce(ctx context.Context, s store.EventStore, want ...store.StoredEvent) {
	GinkgoHelper()
	wantCauses := make([]string, len(want))
	for i, e := range want {
		wantCauses[i] = e.ID.String()
	}
	Expect(causes(ctx, s)).To(ConsistOf(wantCauses), "each enrollment must be invoiced exactly once: a cause missing was lost, a cause twice was done twice")
	for i, inv := range invoices(ctx, s) {
		Expect(inv.InvoiceNumber).To(Equal(i+1), "invoices are numbered 1, 2, 3, … without a gap")
	}
}

// beforeFirstAppend wraps a store so that do runs once, just before the
// first Append made through it: another worker gets in between a
// decision's read and its append. It stages a race deterministically.
type beforeFirstAppend struct {
	store.EventStore
	once sync.Once
	do   func()
}

func (w *beforeFirstAppend) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	w.once.Do(w.do)
	return w.EventStore.Append(ctx, events, cond)
}

var _ = steps.Describe("Step 4: a to-do list from events", func() {
	var s store.EventStore
	BeforeEach(func() { s = gwt.NewStore() })

	It("puts every enrollment on the list, the oldest first", func(ctx SpecContext) {
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"))
		list := pending(ctx, s)
		Expect(ids(list.Pending)).To(Equal(ids(stored)), "every StudentEnrolledToCourse goes on Pending, in position order")
		Expect(list.Parked).To(BeEmpty())
	})

	It("takes an enrollment off the list when an invoice caused by it is appended", func(ctx SpecContext) {
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"))
		appendAll(ctx, s, invoice(1, "s-ada").Event(stored[0].ID))
		list := pending(ctx, s)
		Expect(ids(list.Pending)).To(Equal(ids(stored[1:])), "an InvoiceCreated whose Metadata.CausationID is an enrollment's id takes that enrollment off Pending")
		Expect(list.Parked).To(BeEmpty(), "an invoiced enrollment is done, not parked")
	})

	It("parks an enrollment, with the reason, when an InvoiceRefused caused by it is appended", func(ctx SpecContext) {
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"))
		appendAll(ctx, s, auto.InvoiceRefused{Reason: "no student"}.Event(stored[1].ID))
		list := pending(ctx, s)
		Expect(ids(list.Pending)).To(Equal(ids(stored[:1])), "an InvoiceRefused takes its enrollment off Pending: TodoQuery must select InvoiceRefused too")
		Expect(list.Parked).To(HaveLen(1), "a refused enrollment goes on Parked, so that the list reports it")
		Expect(list.Parked[0].Enrollment.ID.String()).To(Equal(stored[1].ID.String()))
		Expect(list.Parked[0].Reason).To(Equal("no student"), "Parked keeps the Reason of the InvoiceRefused")
	})

	It("ignores an invoice that no enrollment caused", func(ctx SpecContext) {
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"))
		appendAll(ctx, s, store.MustEvent(auto.InvoiceCreatedType, invoice(1, "s-bob"), auto.InvoiceTag(1)))
		Expect(ids(pending(ctx, s).Pending)).To(Equal(ids(stored)), "an invoice without a CausationID takes nothing off the list")
	})

	It("catches up with the events appended after it was built, by anyone", func(ctx SpecContext) {
		first := appendAll(ctx, s, enrollment("c-1", "s-ada"))
		list := pending(ctx, s)
		later := appendAll(ctx, s, enrollment("c-2", "s-cy"), invoice(1, "s-ada").Event(first[0].ID))
		Expect(list.Update(ctx, s)).To(Succeed())
		Expect(ids(list.Pending)).To(Equal(ids(later[:1])))
		Expect(list.After).To(Equal(later[1].Position), "After is the position of the last event folded")
	})
})

var _ = steps.Describe("Step 5: workers", func() {
	work := func(ctx context.Context, s store.EventStore) error {
		_, err := (&auto.Worker{Store: s}).Work(ctx)
		return err
	}

	It("invoices every enrollment on the list, once, and leaves the list empty", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob")).
			When(work).
			ThenAppended(auto.InvoiceCreatedType, auto.InvoiceCreatedType)
		Expect(pending(ctx, sc.Store()).Pending).To(BeEmpty(), "a worker works until the list is empty")
	})

	It("parks a poison enrollment and reports it, instead of blocking the list", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(enrollment("c-1", "s-ada"), poison(), enrollment("c-1", "s-bob")).
			When(work).
			ThenAppended(auto.InvoiceCreatedType, auto.InvoiceRefusedType, auto.InvoiceCreatedType)
		list := pending(ctx, sc.Store())
		Expect(list.Pending).To(BeEmpty(), "the enrollments after the poison one are invoiced too")
		Expect(list.Parked).To(HaveLen(1), "the poison enrollment is parked, and the list reports it")
		Expect(list.Parked[0].Reason).To(ContainSubstring(auto.ErrPoison.Error()))
	})

	It("does an enrollment once when another worker did it between its read and its append", func(ctx SpecContext) {
		s := gwt.NewStore()
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"), enrollment("c-2", "s-cy"))
		rival := &auto.Worker{Store: s}
		staged := &beforeFirstAppend{EventStore: s, do: func() {
			defer GinkgoRecover()
			Expect(rival.Work(ctx)).To(Equal(3), "the other worker does the whole list")
		}}
		n, err := (&auto.Worker{Store: staged}).Work(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(1), "after its first enrollment the list is empty: the other worker's invoices took the rest off")
		invoicedOnce(ctx, s, stored...)
	})

	It("does each enrollment exactly once when two workers race for the list", func(ctx SpecContext) {
		s := gwt.NewStore()
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"), poison(),
			enrollment("c-2", "s-ada"), enrollment("c-2", "s-cy"), enrollment("c-3", "s-dan"))
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				defer GinkgoRecover()
				<-start
				_, errs[i] = (&auto.Worker{Store: s}).Work(ctx)
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		invoicedOnce(ctx, s, stored[0], stored[1], stored[3], stored[4], stored[5])
		refused, err := store.ReadAll(ctx, s, store.Types(auto.InvoiceRefusedType))
		Expect(err).NotTo(HaveOccurred())
		Expect(refused).To(HaveLen(1), "the poison enrollment is parked once")
	})

	It("loses nothing and does nothing twice when a worker dies mid-way and a new one builds the list again", func(ctx SpecContext) {
		storeDir := filepath.Join(GinkgoT().TempDir(), "store")
		s := fileStore(storeDir)
		stored := appendAll(ctx, s, enrollment("c-1", "s-ada"), enrollment("c-1", "s-bob"), poison(), enrollment("c-2", "s-ada"), enrollment("c-2", "s-cy"))

		By("a worker in a child process, killed right after it did its second enrollment")
		crashChild(ctx, storeDir, childWorkerEnv+"=1")
		Expect(invoices(ctx, s)).To(HaveLen(2))
		Expect(ids(pending(ctx, s).Pending)).To(Equal(ids(stored[2:])), "the list built again holds exactly what nobody did")

		By("a new worker, with a list built from the store")
		Expect((&auto.Worker{Store: s}).Work(ctx)).To(Equal(3))
		invoicedOnce(ctx, s, stored[0], stored[1], stored[3], stored[4])
		list := pending(ctx, s)
		Expect(list.Pending).To(BeEmpty())
		Expect(list.Parked).To(HaveLen(1))
	})
})
