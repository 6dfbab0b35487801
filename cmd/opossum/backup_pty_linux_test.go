package main_test

import (
	"bytes"
	"errors"
	"os/exec"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/ptytest"
)

var _ = Describe("backup - on a terminal", func() {
	It("refuses to write the gzip archive to a terminal, exits 2, and writes nothing there", func() {
		controller, terminal, err := ptytest.Open()
		if err != nil {
			Skip("no pseudo-terminals here: " + err.Error())
		}
		DeferCleanup(controller.Close)
		DeferCleanup(terminal.Close)

		// gexec.Start would replace stdout with its buffer: run it plainly.
		var stderr bytes.Buffer
		cmd := exec.Command(opossumBin, "backup", fixture("small"), "-")
		cmd.Stdout, cmd.Stderr = terminal, &stderr
		err = cmd.Run()
		var exit *exec.ExitError
		Expect(errors.As(err, &exit)).To(BeTrue())
		Expect(exit.ExitCode()).To(Equal(2))
		Expect(stderr.String()).To(ContainSubstring("refusing to write a gzip archive to a terminal"))
	})
})
