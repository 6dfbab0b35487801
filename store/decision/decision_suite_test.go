package decision_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/pgtest"
)

func TestDecision(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Decision Suite")
}

var _ = AfterSuite(pgtest.StopShared)
