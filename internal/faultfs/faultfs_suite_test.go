package faultfs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFaultFS(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "faultfs")
}
