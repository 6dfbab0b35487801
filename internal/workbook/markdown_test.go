package workbook_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
	"github.com/opossum-go/opossum/store"
)

// machinePath matches an absolute path of a machine: a Unix path under a
// folder that holds clones or temporary files, or a Windows drive. An HTTP
// path such as /students/{id} is not one.
var machinePath = regexp.MustCompile(`(?m)(?:^|[\s` + "`" + `'"(=:])((?:/(?:work|tmp|home|Users|root|private|var/folders)/|[A-Za-z]:\\)\S*)`)

// machinePaths returns the absolute machine paths in text.
func machinePaths(text string) []string {
	var paths []string
	for _, m := range machinePath.FindAllStringSubmatch(text, -1) {
		paths = append(paths, m[1])
	}
	return paths
}

// markdownFiles lists the Markdown files of the repository, relative to
// its root, leaving out folders that git ignores or that hold no sources
// (those whose names start with a dot).
func markdownFiles(root string) []string {
	GinkgoHelper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	Expect(err).NotTo(HaveOccurred())
	return files
}

var _ = Describe("The repository's Markdown", func() {
	root := workbooktest.RepoRoot()

	DescribeTable("tells a machine's absolute path from other paths",
		func(text string, want []string) {
			Expect(machinePaths(text)).To(Equal(want))
		},
		Entry("a clone's path", "/work/main/lessons/01-append/register_test.go:32", []string{"/work/main/lessons/01-append/register_test.go:32"}),
		Entry("a temporary folder in a sentence", "The store in /tmp/ginkgo3424882034 holds", []string{"/tmp/ginkgo3424882034"}),
		Entry("a home folder in code", "`/home/ada/opossum`", []string{"/home/ada/opossum`"}),
		Entry("a Windows drive", `cd C:\Users\ada`, []string{`C:\Users\ada`}),
		Entry("an HTTP path", "GET /students/{id} and POST /courses", nil),
		Entry("a path from the repository root", "lessons/01-append/README.md and $TMPDIR/ginkgo1", nil),
	)

	It("shows no absolute path of a machine: paths are from the repository root", func() {
		files := markdownFiles(root)
		Expect(files).To(ContainElements("README.md", "lessons/01-append/README.md"))
		var found []string
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(root, f))
			Expect(err).NotTo(HaveOccurred())
			for i, line := range strings.Split(string(data), "\n") {
				for _, p := range machinePaths(line) {
					found = append(found, f+":"+strconv.Itoa(i+1)+": "+p)
				}
			}
		}
		Expect(found).To(BeEmpty(), "show paths from the repository root instead")
	})

	It("quotes each TODO marker of a lesson with the line its stub is on", func() {
		marker := regexp.MustCompile(`TODO: implement ([\w.]+) \((lessons/[^:()\s]+):(\d+)\)`)
		for _, f := range markdownFiles(root) {
			data, err := os.ReadFile(filepath.Join(root, f))
			Expect(err).NotTo(HaveOccurred())
			for _, m := range marker.FindAllStringSubmatch(string(data), -1) {
				src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m[2])))
				Expect(err).NotTo(HaveOccurred(), "%s quotes %s", f, m[0])
				lines := strings.Split(string(src), "\n")
				n, _ := strconv.Atoi(m[3])
				Expect(n).To(BeNumerically("<=", len(lines)), "%s quotes %s", f, m[0])
				Expect(lines[n-1]).To(ContainSubstring(m[0]), "%s quotes %s, but the stub is elsewhere", f, m[0])
			}
		}
	})

	It("draws lesson 1's store folder as a store lays it out", func(ctx SpecContext) {
		data, err := os.ReadFile(filepath.Join(root, "lessons", "01-append", "README.md"))
		Expect(err).NotTo(HaveOccurred())
		_, after, found := strings.Cut(string(data), "That spec imported Ada and Bob. The folder:\n\n```\n")
		Expect(found).To(BeTrue(), "lessons/01-append/README.md has no drawing of the folder")
		drawing, _, _ := strings.Cut(after, "```")

		Expect(drawnTree(drawing)).To(Equal(realTree(ctx)))
	})
})

// treeLine matches a line of a drawn folder tree: its indentation, and
// the name of the file or folder.
var treeLine = regexp.MustCompile(`^((?:│   |    )*)[├└]── (\S+)`)

// drawnTree returns the paths of a drawn tree, sorted.
func drawnTree(drawing string) []string {
	var paths, parents []string
	for _, line := range strings.Split(drawing, "\n") {
		m := treeLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		depth := len([]rune(m[1])) / 4
		parents = append(parents[:depth], m[2])
		paths = append(paths, strings.Join(parents, "/"))
	}
	slices.Sort(paths)
	return paths
}

// realTree returns the paths of a store folder after the spec of lesson
// 1's README: two students imported in one batch, the store closed.
func realTree(ctx context.Context) []string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	s, err := store.Open(dir, nil)
	Expect(err).NotTo(HaveOccurred())
	_, err = s.Append(ctx, []store.Event{
		store.MustEvent("StudentRegistered", map[string]string{"studentId": "s-ada"}),
		store.MustEvent("StudentRegistered", map[string]string{"studentId": "s-bob"}),
	}, nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(s.Close()).To(Succeed())

	var paths []string
	Expect(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		paths = append(paths, filepath.ToSlash(rel))
		return err
	})).To(Succeed())
	slices.Sort(paths)
	return paths
}
