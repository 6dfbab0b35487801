package main_test

import (
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
)

// The binaries under test, built once for the suite.
var opossumBin, writerBin string

func TestOpossum(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cmd/opossum")
}

var _ = SynchronizedBeforeSuite(func() []byte {
	bin, err := gexec.Build("github.com/opossum-go/opossum/cmd/opossum")
	Expect(err).NotTo(HaveOccurred())
	w, err := gexec.Build("github.com/opossum-go/opossum/cmd/opossum/internal/testwriter")
	Expect(err).NotTo(HaveOccurred())
	return []byte(bin + "\n" + w)
}, func(paths []byte) {
	var ok bool
	opossumBin, writerBin, ok = strings.Cut(string(paths), "\n")
	Expect(ok).To(BeTrue())
})

var _ = SynchronizedAfterSuite(pgtest.StopShared, func() {
	gexec.CleanupBuildArtifacts()
})
