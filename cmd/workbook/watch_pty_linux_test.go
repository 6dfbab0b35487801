package main_test

import (
	"os"
	"os/exec"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
	"golang.org/x/sys/unix"

	"github.com/opossum-go/opossum/internal/ptytest"
)

// openPTY opens a pseudo-terminal and returns its controller and its
// terminal side.
func openPTY() (controller, terminal *os.File) {
	GinkgoHelper()
	controller, terminal, err := ptytest.Open()
	if err != nil {
		Skip("no pseudo-terminals here: " + err.Error())
	}
	DeferCleanup(controller.Close)
	DeferCleanup(terminal.Close)
	return controller, terminal
}

var _ = Describe("watch in a terminal", func() {
	It("acts on a single key, without Enter, and leaves the terminal as it found it", func() {
		root := sampleWorkbook()
		controller, terminal := openPTY()
		before, err := unix.IoctlGetTermios(int(terminal.Fd()), unix.TCGETS)
		Expect(err).NotTo(HaveOccurred())

		cmd := exec.Command(binary, "watch", "1")
		cmd.Dir = root
		cmd.Stdin = terminal
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		Eventually(session).WithTimeout(runTimeout).Should(gbytes.Say(`Watching lessons/01-sample`))

		_, err = controller.Write([]byte("q"))
		Expect(err).NotTo(HaveOccurred())
		Eventually(session).Should(gexec.Exit(0))
		Expect(session).To(gbytes.Say(`Bye\.`))

		after, err := unix.IoctlGetTermios(int(terminal.Fd()), unix.TCGETS)
		Expect(err).NotTo(HaveOccurred())
		Expect(after.Lflag).To(Equal(before.Lflag))
	})
})
