package cli_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/cli"
)

var _ = DescribeTable("Suggest proposes a close name, and none when nothing is close",
	func(typed string, want string) {
		Expect(cli.Suggest(typed, []string{"serve", "seed", "status", "stats", "limit", "ls"})).To(Equal(want))
	},
	Entry("a swapped pair", "sreve", "serve"),
	Entry("a missing letter", "stat", "stats"),
	Entry("a wrong letter", "limot", "limit"),
	Entry("a different case", "SEED", "seed"),
	Entry("nothing close", "frobnicate", ""),
	Entry("too short to guess", "x", ""),
)

// The three commands, built once for the table below.
var binaries = map[string]string{}

var _ = BeforeSuite(func(SpecContext) {
	for _, name := range []string{"opossum", "workbook", "coursemanagement"} {
		bin, err := gexec.Build("github.com/opossum-go/opossum/cmd/" + name)
		Expect(err).NotTo(HaveOccurred())
		binaries[name] = bin
	}
	DeferCleanup(gexec.CleanupBuildArtifacts)
}, NodeTimeout(5*time.Minute))

// root is the repository's root, where the workbook command finds its lessons.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// A call is a command line and what it must give: the exit code, and a
// pattern on stdout and on stderr ("" means the stream must be empty).
type call struct {
	args           []string
	code           int
	stdout, stderr string
}

var _ = DescribeTable("Every command answers help, version and mistakes alike",
	func(name string, c call) {
		cmd := exec.Command(binaries[name], c.args...)
		cmd.Dir = root()
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(time.Minute).Should(gexec.Exit(c.code), "%s %v", name, c.args)
		for _, stream := range []struct {
			name, want string
			got        []byte
		}{{"stdout", c.stdout, s.Out.Contents()}, {"stderr", c.stderr, s.Err.Contents()}} {
			if stream.want == "" {
				Expect(stream.got).To(BeEmpty(), "%s of %s %v", stream.name, name, c.args)
			} else {
				Expect(string(stream.got)).To(MatchRegexp(stream.want), "%s of %s %v", stream.name, name, c.args)
			}
		}
	},
	func(name string, c call) string { return name + " " + joinArgs(c.args) },
	entries("opossum", "ls", []string{"ls", "x", "--limt", "3"}, "--limit", "stast", "stats"),
	entries("workbook", "run", []string{"run", "--rac", "1"}, "--race", "stauts", "status"),
	entries("coursemanagement", "serve", []string{"serve", "-adr", "x"}, "--addr", "sreve", "serve"),
)

// entries are the table's rows for one command: cmd is one of its
// commands, badFlag a command line with a misspelt flag (meant: flag),
// typo a misspelt command (meant: meant).
func entries(name, cmd string, badFlag []string, flag, typo, meant string) []TableEntry {
	return []TableEntry{
		Entry(nil, name, call{[]string{"-h"}, 0, `(?is)usage.*examples`, ""}),
		Entry(nil, name, call{[]string{"--help"}, 0, `(?is)usage.*examples`, ""}),
		Entry(nil, name, call{[]string{"help", cmd}, 0, `(?is)usage.*` + cmd + `.*examples`, ""}),
		Entry(nil, name, call{[]string{cmd, "-h"}, 0, `(?is)usage.*` + cmd + `.*examples`, ""}),
		Entry(nil, name, call{[]string{"--version"}, 0, `^` + name + ` \S+\n`, ""}),
		Entry(nil, name, call{[]string{typo}, cli.ExitUsage, "", `unknown command "` + typo + `"\nDid you mean "` + meant + `"\?`}),
		Entry(nil, name, call{[]string{"frobnicate"}, cli.ExitUsage, "", `unknown command "frobnicate"\nRun '` + name + ` --help'`}),
		Entry(nil, name, call{badFlag, cli.ExitUsage, "", `flag provided but not defined: .*; did you mean ` + flag + `\?`}),
	}
}

func joinArgs(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += a
	}
	return s
}
