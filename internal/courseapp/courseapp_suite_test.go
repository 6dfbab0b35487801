package courseapp_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCourseApp(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "internal/courseapp")
}
