package workbook_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

var _ = Describe("The repository's README", func() {
	var readme string

	BeforeEach(func() {
		data, err := os.ReadFile(filepath.Join(workbooktest.RepoRoot(), "README.md"))
		Expect(err).NotTo(HaveOccurred())
		readme = string(data)
	})

	It("shows the store snippet exactly as the tested Example in store/example_test.go has it", func() {
		_, after, found := strings.Cut(readme, "## Use the store in your program")
		Expect(found).To(BeTrue())
		_, block, found := strings.Cut(after, "```go\n")
		Expect(found).To(BeTrue())
		snippet, _, found := strings.Cut(block, "```")
		Expect(found).To(BeTrue())

		example, err := os.ReadFile(filepath.Join(workbooktest.RepoRoot(), "store", "example_test.go"))
		Expect(err).NotTo(HaveOccurred())
		var lines []string
		for _, line := range strings.Split(string(example), "\n") {
			lines = append(lines, strings.TrimSpace(line))
		}
		for _, line := range strings.Split(snippet, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				Expect(lines).To(ContainElement(line), "README line %q is not in store/example_test.go", line)
			}
		}
	})

	It("links only to files and folders that exist", func() {
		links := regexp.MustCompile(`\]\(([^)#]+)\)`).FindAllStringSubmatch(readme, -1)
		Expect(links).NotTo(BeEmpty())
		for _, m := range links {
			if strings.Contains(m[1], "://") {
				continue
			}
			Expect(filepath.Join(workbooktest.RepoRoot(), filepath.FromSlash(m[1]))).To(BeAnExistingFile(), "README links to %s", m[1])
		}
	})
})
