package projection_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/storeenv"
)

func TestProjection(t *testing.T) {
	if role := os.Getenv(roleEnv); role != "" {
		roleMain(t, role, os.Getenv(roleDirEnv))
		return
	}
	if dir := os.Getenv(childDirEnv); dir != "" {
		childMain(t, dir)
		return
	}
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(5 * time.Second)
	RunSpecs(t, "store/projection")
}

// With OPOSSUM_STORE=postgres the specs run on a throw-away server.
var _ = AfterSuite(storeenv.Close)
