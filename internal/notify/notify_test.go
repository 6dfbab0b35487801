package notify_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/notify"
)

func TestNotify(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "notify")
}

var _ = Describe("A Notifier", func() {
	It("wakes every waiter that asked before the Wake, and no later one", func() {
		n := notify.New()
		a, _ := n.Changed()
		b, _ := n.Changed()
		n.Wake()
		Expect(a).To(BeClosed())
		Expect(b).To(BeClosed())
		later, closed := n.Changed()
		Expect(closed).To(BeFalse())
		Expect(later).NotTo(BeClosed())
		n.Wake()
		Expect(later).To(BeClosed())
	})

	It("still wakes a waiter after Wakes that nobody waited for", func() {
		n := notify.New()
		n.Wake()
		n.Wake()
		ch, _ := n.Changed()
		Expect(ch).NotTo(BeClosed())
		n.Wake()
		Expect(ch).To(BeClosed())
	})

	It("wakes every waiter for good at Close", func() {
		n := notify.New()
		ch, _ := n.Changed()
		n.Close()
		Expect(ch).To(BeClosed())
		again, closed := n.Changed()
		Expect(closed).To(BeTrue())
		Expect(again).To(BeClosed())
		n.Wake() // does nothing
	})
})
