package buildinfo_test

import (
	"runtime/debug"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/buildinfo"
)

var _ = DescribeTable("From reads this module's version from a binary's build information",
	func(bi debug.BuildInfo, want string) {
		Expect(buildinfo.From(&bi)).To(Equal(want))
	},
	Entry("the main module, stamped from version control",
		debug.BuildInfo{Main: debug.Module{Path: buildinfo.ModulePath, Version: "v0.3.0"}}, "v0.3.0"),
	Entry("a dependency of another program",
		debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"},
			Deps: []*debug.Module{{Path: buildinfo.ModulePath, Version: "v0.2.1"}}}, "v0.2.1"),
	Entry("a replaced dependency with a version",
		debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: buildinfo.ModulePath, Version: "v0.2.1", Replace: &debug.Module{Path: "example.com/fork", Version: "v0.2.2"}}}}, "v0.2.2"),
	Entry("a build without version information",
		debug.BuildInfo{Main: debug.Module{Path: buildinfo.ModulePath}}, "(devel)"),
	Entry("a program that does not use the module",
		debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"}}, "(devel)"),
)

var _ = It("Version never returns an empty string", func() {
	Expect(buildinfo.Version()).NotTo(BeEmpty())
})
