package explorer_test

import (
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
)

// The binaries the specs run as child processes: opossum (for opossum ui)
// and a writer that appends to a store from another process.
var opossumBin, writerBin string

func TestExplorer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "internal/explorer")
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

var _ = SynchronizedAfterSuite(func() {
	pgtest.StopShared() // the PostgreSQL server of this process, if a spec started one
}, func() {
	gexec.CleanupBuildArtifacts()
})
