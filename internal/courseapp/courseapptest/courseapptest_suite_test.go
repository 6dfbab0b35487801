package courseapptest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCourseAppTest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "internal/courseapp/courseapptest")
}
