package main_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
)

func TestCourseManagementCommand(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cmd/coursemanagement")
}

// binary is the command under test, built once.
var binary string

var _ = BeforeSuite(func() {
	var err error
	binary, err = gexec.Build("github.com/opossum-go/opossum/cmd/coursemanagement")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(gexec.CleanupBuildArtifacts)
	DeferCleanup(pgtest.StopShared)
})
