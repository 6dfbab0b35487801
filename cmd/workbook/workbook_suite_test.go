package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

func TestWorkbookCommand(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "workbook command")
}

// binary is the path of the workbook command built for the specs.
var binary string

// runTimeout bounds a command that runs a lesson's specs; with a cold
// build cache it compiles Ginkgo and Gomega first.
const runTimeout = 5 * time.Minute

var _ = BeforeSuite(func() {
	var err error
	binary, err = gexec.Build("github.com/opossum-go/opossum/cmd/workbook")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
})

// sampleWorkbook copies the sample workbook into a fresh temporary folder
// and returns its root.
func sampleWorkbook() string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	Expect(workbooktest.New(dir)).To(Succeed())
	return dir
}

// workbookIn starts the command in dir with args and waits for it to end.
func workbookIn(dir string, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(session).WithTimeout(runTimeout).Should(gexec.Exit())
	return session
}

// write creates or replaces a file under root.
func write(root, rel, content string) {
	GinkgoHelper()
	path := filepath.Join(root, filepath.FromSlash(rel))
	Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
}

// solve copies the sample lesson's solution over its stubs.
func solve(root string) {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(root, "solutions", "01-sample", "sample.go"))
	Expect(err).NotTo(HaveOccurred())
	write(root, "lessons/01-sample/sample.go", string(data))
}
