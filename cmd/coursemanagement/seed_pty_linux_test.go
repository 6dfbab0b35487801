package main_test

import (
	"io"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/opossum-go/opossum/internal/ptytest"
)

var _ = Describe("seed on a terminal", func() {
	It("draws its progress bar on stderr when stderr is a terminal", func(ctx SpecContext) {
		controller, terminal, err := ptytest.Open()
		if err != nil {
			Skip("no pseudo-terminals here: " + err.Error())
		}
		DeferCleanup(controller.Close)
		DeferCleanup(terminal.Close)
		screen := gbytes.NewBuffer()
		go func() { _, _ = io.Copy(screen, controller) }()

		// gexec.Start would replace stderr with its buffer: start it plainly.
		cmd := exec.CommandContext(ctx, binary, "seed", "-preset", "small", "-data", filepath.Join(GinkgoT().TempDir(), "store"))
		cmd.Stdout, cmd.Stderr = GinkgoWriter, terminal
		Expect(cmd.Run()).To(Succeed())
		Eventually(screen).WithContext(ctx).Should(gbytes.Say(`\[#+\] 100%`))
	}, SpecTimeout(3*time.Minute))
})
