package dcb_test

import (
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

// invoices returns the invoice events in s as data, oldest first.
func invoices(ctx SpecContext, s store.EventStore) []dcb.InvoiceCreated {
	GinkgoHelper()
	var out []dcb.InvoiceCreated
	for _, e := range eventsOf(ctx, s, dcb.InvoiceCreatedType) {
		inv, err := store.Decode[dcb.InvoiceCreated](e.Event)
		Expect(err).NotTo(HaveOccurred())
		out = append(out, inv)
	}
	return out
}

// issued is the date of the invoices of the specs.
var issued = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func invoice(n int) store.Event {
	return dcb.InvoiceCreated{InvoiceNumber: n, CustomerID: "cust-old", Amount: 100, IssuedAt: issued}.Event()
}

var _ = steps.Describe("Step 7: gap-free invoice numbers", func() {
	It("numbers the first invoice of the store 1", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, registered(ada)...)

		n, err := dcb.CreateInvoice(ctx, s, "cust-1", 4200, issued)

		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(1))
		Expect(invoices(ctx, s)).To(Equal([]dcb.InvoiceCreated{{InvoiceNumber: 1, CustomerID: "cust-1", Amount: 4200, IssuedAt: issued}}))
	})

	It("numbers the next invoice one more than the last one", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, invoice(1), invoice(2), ada.Event(), invoice(3))

		Expect(dcb.CreateInvoice(ctx, s, "cust-1", 990, issued)).To(Equal(4))
		Expect(invoices(ctx, s)).To(HaveLen(4))
	})

	It("takes the next number when another FIRST invoice is created between its read and its append", func(ctx SpecContext) {
		s := newStore()
		w := interleave(s, invoice(1))

		n, err := dcb.CreateInvoice(ctx, w, "cust-1", 500, issued)

		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(2), "no invoice existed when it read, so its guard had no After and the rival's invoice 1 conflicts: a retry gives 2")
		Expect(w.Conflicts).To(Equal(1))
		Expect(invoices(ctx, s)).To(HaveExactElements(HaveField("InvoiceNumber", 1), HaveField("InvoiceNumber", 2)))
	})

	It("takes the next number when another invoice is created between its read and its append", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, invoice(1))
		w := interleave(s, invoice(2))

		Expect(dcb.CreateInvoice(ctx, w, "cust-1", 500, issued)).To(Equal(3))
		Expect(w.Conflicts).To(Equal(1))
	})

	It("is not disturbed by events that are not invoices", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, invoice(1))
		w := interleave(s, bob.Event(), course("c-1", 3))

		Expect(dcb.CreateInvoice(ctx, w, "cust-1", 500, issued)).To(Equal(2))
		Expect(w.Conflicts).To(BeZero(), "the guard must be the invoice query only: a registration does not change the next number")
	})

	It("numbers 20 concurrent first invoices 1 to 20, with no gap and no duplicate", func(ctx SpecContext) {
		s := newStore()
		numbers := make([]int, 20)

		errs := race(20, func(i int) error {
			n, err := dcb.CreateInvoice(ctx, s, "cust-race", courseapp.Money(100+i), issued)
			numbers[i] = n
			return err
		})

		Expect(count(errs)).To(Equal(20), "every invoice must be created; errors: %v", errs)
		slices.Sort(numbers)
		want := make([]int, 20)
		for i := range want {
			want[i] = i + 1
		}
		Expect(numbers).To(Equal(want), "the numbers CreateInvoice returned")
		stored := invoices(ctx, s)
		Expect(stored).To(HaveLen(20))
		for i, inv := range stored {
			Expect(inv.InvoiceNumber).To(Equal(i+1), "the store must hold invoices 1..20 in position order")
		}
	}, SpecTimeout(time.Minute))
})
