package coursemanagement_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

func createInvoice(amount courseapp.Money) courseapp.CreateInvoice {
	return courseapp.CreateInvoice{CustomerID: customer, Amount: amount}
}

// invoiceNumbers returns the numbers of the stored invoices, in position
// order.
func invoiceNumbers(stored []store.StoredEvent) []int {
	GinkgoHelper()
	var out []int
	for _, e := range stored {
		inv, err := store.Decode[cm.InvoiceCreated](e.Event)
		Expect(err).NotTo(HaveOccurred())
		out = append(out, inv.InvoiceNumber)
	}
	return out
}

var _ = steps.Describe("Step 4: gap-free invoice numbers", func() {
	DescribeTable("the next number (NextInvoiceNumber)",
		func(last *store.StoredEvent, want int) {
			n, err := cm.NextInvoiceNumber(last)
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(want))
		},
		Entry("is 1 before the first invoice", nil, 1),
		Entry("follows the last invoice", &store.StoredEvent{Position: 9, Event: invoice(2)}, 3),
		Entry("follows the number of the last invoice, not its position", &store.StoredEvent{Position: 3, Event: invoice(41)}, 42),
	)

	It("numbers the first invoice 1, guarded by every invoice and no After", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5))
		d, err := commandsOn(s).Decide(ctx, createInvoice(12345))
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Events).To(beEvents(cm.InvoiceCreated{InvoiceNumber: 1, CustomerID: customer, Amount: 12345, IssuedAt: now}.Event()))
		Expect(d.Events[0].Tags).To(Equal([]store.Tag{cm.InvoiceTag(1)}))
		Expect(d.Condition.FailIfEventsMatch.String()).To(Equal(store.Types(cm.InvoiceCreatedType).String()))
		Expect(d.Condition.After).To(BeZero(), "no invoice was read: any invoice at all must fail the append")
	})

	It("numbers the next invoice after the last one, with After = the last invoice's position", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5), course(c2, 5), course(c3, 5), registered(ada), invoice(1))
		given(ctx, s, registered(bob), registered(cyd), course(c9, 5), invoice(2), course("c-10", 1))
		d, err := commandsOn(s).Decide(ctx, createInvoice(100))
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Events).To(beEvents(cm.InvoiceCreated{InvoiceNumber: 3, CustomerID: customer, Amount: 100, IssuedAt: now}.Event()))
		Expect(d.Condition.After).To(Equal(store.Position(9)))
	})

	It("turns two concurrent first invoices into 1 and 2", func(ctx SpecContext) {
		s := newStore()
		w := interleave(s, invoice(1))
		_, err := commandsOn(w).Handle(ctx, createInvoice(100))
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Conflicts).To(Equal(1), "the rival's invoice 1 must fail the first append")
		Expect(invoiceNumbers(eventsOf(ctx, s, cm.InvoiceCreatedType))).To(Equal([]int{1, 2}))
	})

	DescribeTable("refuses an invoice that is not one",
		func(ctx SpecContext, cmd courseapp.CreateInvoice, want error, message string) {
			gwt.NewScenario(ctx).
				When(handle(cmd)).
				ThenError(want).
				ThenNothingAppended()
			Expect(want.Error()).To(Equal(message))
		},
		Entry("the nil customer", courseapp.CreateInvoice{CustomerID: courseapp.NilID, Amount: 100},
			courseapp.InvalidIDError{Field: "customerId"}, "'customerId' must be a valid non-empty GUID."),
		Entry("a customer that is not a UUID", courseapp.CreateInvoice{CustomerID: "bob", Amount: 100},
			courseapp.InvalidIDError{Field: "customerId"}, "'customerId' must be a valid non-empty GUID."),
		Entry("no amount", createInvoice(0), courseapp.ErrInvalidAmount, "'amount' must be greater than zero."),
		Entry("a negative amount", createInvoice(-100), courseapp.ErrInvalidAmount, "'amount' must be greater than zero."),
	)

	It("numbers 20 concurrent invoices 1 to 20, in position order", func(ctx SpecContext) {
		s := newStore()
		// All invoices share one boundary and each round of the race has
		// one winner: the last one may lose 19 times.
		cmds := courseapp.NewCommands(s, cm.Decide, &courseapp.CommandOptions{Retry: &decision.Policy{Attempts: 40, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}})
		errs := race(20, func(int) error {
			_, err := cmds.Handle(ctx, createInvoice(100))
			return err
		})
		Expect(succeeded(errs)).To(Equal(20), "%v", errs)
		want := make([]int, 20)
		for i := range want {
			want[i] = i + 1
		}
		Expect(invoiceNumbers(eventsOf(ctx, s, cm.InvoiceCreatedType))).To(Equal(want))
	})
})
