package main_test

import (
	"net/http"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/courseapp/courseapptest"
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

// client is the specs' HTTP client: it holds every exchange with the
// server to the API's OpenAPI document, and a spec fails on a mismatch.
var client *http.Client

var _ = BeforeEach(func() {
	v, err := courseapptest.NewValidator(nil)
	Expect(err).NotTo(HaveOccurred())
	client = &http.Client{Transport: v}
	DeferCleanup(func() {
		Expect(v.Err()).NotTo(HaveOccurred(), "every exchange matches the OpenAPI document")
	})
})
