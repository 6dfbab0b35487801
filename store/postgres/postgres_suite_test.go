package postgres_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
)

func TestPostgres(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "store/postgres")
}

var _ = AfterSuite(func() {
	pgtest.StopShared()
	gexec.CleanupBuildArtifacts()
})
