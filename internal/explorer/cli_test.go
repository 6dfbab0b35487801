package explorer_test

import (
	"net"
	"os/exec"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("opossum ui", func() {
	runUI := func(args ...string) *gexec.Session {
		GinkgoHelper()
		s, err := gexec.Start(exec.Command(opossumBin, append([]string{"ui"}, args...)...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill() })
		return s
	}

	It("refuses a folder that is not a store, and says what a store is", func() {
		s := runUI(GinkgoT().TempDir())
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(5))
		Expect(string(s.Err.Contents())).To(ContainSubstring("holds no opossum.json"))
		Expect(string(s.Err.Contents())).To(ContainSubstring("hint: STORE must be a store folder"))
	})

	It("says so when its port is in use, and how to choose another", func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		s := runUI("--port", port, seed(ctx))
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(1))
		Expect(string(s.Err.Contents())).To(ContainSubstring("port " + port + " on 127.0.0.1 is in use by another program: choose another with --port"))
	})

	It("rejects a port out of range as a usage error", func(ctx SpecContext) {
		s := runUI("--port", "70000", seed(ctx))
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(2))
		Expect(string(s.Err.Contents())).To(ContainSubstring("--port must be from 0 to 65535"))
	})

	It("serves on a free port by default and stops on Ctrl-C, having written nothing", func(ctx SpecContext) {
		dir := seed(ctx)
		before := tree(dir)
		s := runUI(dir)
		Eventually(s.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`Opossum Explorer on http://127\.0\.0\.1:\d+/`))
		s.Interrupt()
		Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit(0))
		Expect(tree(dir)).To(Equal(before))
	})
})
