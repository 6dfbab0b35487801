package gwt_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGWT(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "GWT Suite")
}
