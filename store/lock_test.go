package store_test

import (
	"context"
	"runtime"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

var _ = Describe("The writer lock", func() {
	It("lets a writer that waits for it in before the holder, releasing it, can take it again", SpecTimeout(time.Minute), func(ctx SpecContext) {
		if runtime.GOOS != "linux" {
			Skip("the gate of the writer lock is an open-file-description lock, which only Linux has")
		}
		dir := GinkgoT().TempDir()
		holder, waiter := store.NewWriterLock(dir), store.NewWriterLock(dir)
		DeferCleanup(holder.Close)
		DeferCleanup(waiter.Close)
		Expect(holder.Lock(ctx)).To(Succeed())

		var mu sync.Mutex
		var order []string
		took := func(who string) {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, who)
		}
		waiterDone := make(chan error, 1)
		go func() {
			err := waiter.Lock(ctx)
			took("waiter")
			waiterDone <- err
		}()
		By("the waiter holds the gate while it waits for the lock")
		Eventually(func() bool { return store.GateHeld(dir) }).WithContext(ctx).Should(BeTrue())

		Expect(holder.Unlock()).To(Succeed())
		holderDone := make(chan error, 1)
		go func() {
			err := holder.Lock(context.Background())
			took("holder")
			holderDone <- err
		}()
		Eventually(waiterDone).WithContext(ctx).Should(Receive(Succeed()))
		Expect(waiter.Unlock()).To(Succeed())
		Eventually(holderDone).WithContext(ctx).Should(Receive(Succeed()))
		Expect(holder.Unlock()).To(Succeed())
		Expect(order).To(Equal([]string{"waiter", "holder"}))
	})
})
