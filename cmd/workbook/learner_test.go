package main_test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

// workbookWithInput runs the command in dir with the given stdin.
func workbookWithInput(dir, input string, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(session).WithTimeout(runTimeout).Should(gexec.Exit())
	return session
}

// read returns a file's content under root.
func read(root, rel string) string {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// progressJSON is the part of progress -json the specs check.
type progressJSON struct {
	Version   int       `json:"version"`
	Learner   string    `json:"learner"`
	Generated time.Time `json:"generated"`
	Current   string    `json:"current"`
	Finished  bool      `json:"finished"`
	Lessons   []struct {
		Number        int        `json:"number"`
		Name          string     `json:"name"`
		Title         string     `json:"title"`
		Status        string     `json:"status"`
		Passed        int        `json:"passed"`
		Total         int        `json:"total"`
		LastRun       *time.Time `json:"lastRun"`
		DoneAt        *time.Time `json:"doneAt"`
		HintsRevealed int        `json:"hintsRevealed"`
		SolutionShown bool       `json:"solutionShown"`
		SolvedAt      *time.Time `json:"solvedAt"`
		ResetAt       *time.Time `json:"resetAt"`
	} `json:"lessons"`
}

func progressOf(root string) progressJSON {
	GinkgoHelper()
	session := workbookIn(root, "progress", "-json", "-name", "ada")
	Expect(session).To(gexec.Exit(0))
	var p progressJSON
	dec := json.NewDecoder(strings.NewReader(string(session.Out.Contents())))
	dec.DisallowUnknownFields()
	Expect(dec.Decode(&p)).To(Succeed())
	return p
}

var _ = Describe("The learner's commands", func() {
	var root string

	BeforeEach(func() {
		root = sampleWorkbook()
	})

	Describe("progress", func() {
		It("comes from the specs' results, also when the learner runs go test", func() {
			cmd := exec.Command("go", "test", "./01-sample")
			cmd.Dir = filepath.Join(root, "lessons")
			Expect(cmd.Run()).To(HaveOccurred(), "the sample lesson fails as shipped")

			session := workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`> 1\s+A sample lesson\s+1/3\s+in progress\s+lessons/01-sample`))
			Expect(session).To(gbytes.Say(`Continue with lesson 1:  go run ./cmd/workbook run 1`))
		})

		It("shows a finished lesson and the finish line after the lesson passes", func() {
			solve(root)
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(0))

			session := workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`  1\s+A sample lesson\s+3/3\s+done`))
			Expect(session).To(gbytes.Say(`You finished the workbook: every lesson passes\. Congratulations!`))

			p := progressOf(root)
			Expect(p.Version).To(Equal(1))
			Expect(p.Generated).To(BeTemporally("~", time.Now(), time.Minute))
			Expect(p.Learner).To(Equal("ada"))
			Expect(p.Finished).To(BeTrue())
			Expect(p.Current).To(BeEmpty())
			Expect(p.Lessons).To(HaveLen(1))
			l := p.Lessons[0]
			Expect(l.Number).To(Equal(1))
			Expect(l.Name).To(Equal("01-sample"))
			Expect(l.Title).To(Equal("A sample lesson"))
			Expect(l.Status).To(Equal("done"))
			Expect([]int{l.Passed, l.Total}).To(Equal([]int{3, 3}))
			Expect(l.LastRun).NotTo(BeNil())
			Expect(l.DoneAt).NotTo(BeNil())
		})

		It("marks the first unfinished lesson as the current one, not the last one run", func() {
			for _, tree := range []string{"lessons", "solutions"} {
				Expect(workbooktest.CopyTree(filepath.Join(root, tree, "01-sample"), filepath.Join(root, tree, "02-second"))).To(Succeed())
			}
			for _, spec := range []string{"sample_test.go", "sample_suite_test.go"} {
				rel := "lessons/02-second/" + spec
				write(root, rel, strings.ReplaceAll(read(root, rel), "lessons/01-sample", "lessons/02-second"))
			}
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(1))
			Expect(workbookIn(root, "run", "2")).To(gexec.Exit(1))

			session := workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`> 1\s+A sample lesson\s+1/3\s+in progress\s+lessons/01-sample\n  2\s+A sample lesson\s+1/3\s+in progress\s+lessons/02-second\n`))
			Expect(session).To(gbytes.Say(`Continue with lesson 1:  go run ./cmd/workbook run 1`))
			Expect(progressOf(root).Current).To(Equal("01-sample"))
		})

		It("reports a lesson not started in JSON too", func() {
			p := progressOf(root)
			Expect(p.Finished).To(BeFalse())
			Expect(p.Current).To(Equal("01-sample"))
			Expect(p.Lessons[0].Status).To(Equal("not started"))
			Expect(p.Lessons[0].LastRun).To(BeNil())
		})

		It("survives corrupt progress files: it warns, starts afresh and rebuilds them", func() {
			write(root, ".workbook/state.json", "{garbage")
			write(root, ".workbook/results/01-sample.json", "not json either")
			session := workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session.Err).To(gbytes.Say(`.workbook/results/01-sample.json is unreadable`))
			Expect(session.Err).To(gbytes.Say(`.workbook/state.json is unreadable`))
			Expect(session).To(gbytes.Say(`> 1\s+A sample lesson\s+-\s+not started`))

			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(1))
			session = workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session.Err.Contents()).To(BeEmpty())
			Expect(session).To(gbytes.Say(`1/3\s+in progress`))
		})
	})

	Describe("hint", func() {
		It("says that a finished lesson is done rather than hinting at step 1 again", func() {
			solve(root)
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(0))
			session := workbookIn(root, "hint", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Lesson 1 is done: every spec passes, so there is no step to hint at\.`))
			Expect(session.Out.Contents()).NotTo(ContainSubstring("Hints for lesson 1"))
			Expect(progressOf(root).Lessons[0].HintsRevealed).To(Equal(0))
		})

		It("reveals the hints of the current step one at a time and remembers how many", func() {
			session := workbookIn(root, "hint", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Hints for lesson 1, Step 1: greet \(1 of 2\):\n\n1\. .Greet. builds a string\.\n`))
			Expect(session).To(gbytes.Say(`Still stuck\? Run it again for the next hint:  go run ./cmd/workbook hint 1`))

			session = workbookIn(root, "hint", "1")
			Expect(session).To(gbytes.Say(`\(2 of 2\)`))
			Expect(session).To(gbytes.Say(`1\. .Greet. builds a string\.\n\n2\. Join the parts with .\+.:\n   ."Hello, " \+ name \+ "!".\.`))
			Expect(session).To(gbytes.Say(`That was the last hint for this step\.`))

			Expect(progressOf(root).Lessons[0].HintsRevealed).To(Equal(2))
		})

		It("hints at the step of the first failing spec", func() {
			write(root, "lessons/01-sample/sample.go", strings.Replace(read(root, "lessons/01-sample/sample.go"),
				`panic("TODO: implement Greet (lessons/01-sample/sample.go:6) — README step 1")`, `return "Hello, " + name + "!"`, 1))
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(1))
			session := workbookIn(root, "hint", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Hints for lesson 1, Step 2: sum \(1 of 1\)`))
		})

		It("takes the step from -step, and says when there is no such step", func() {
			Expect(workbookIn(root, "hint", "1", "-step", "1")).To(gbytes.Say(`Step 1: greet \(1 of 2\)(.|\n)*Run it again for the next hint:  go run ./cmd/workbook hint -step 1 1`))
			Expect(workbookIn(root, "hint", "-step", "2", "1")).To(gbytes.Say(`Step 2: sum \(1 of 1\)`))
			session := workbookIn(root, "hint", "-step", "9", "1")
			Expect(session).To(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`lessons/01-sample/hints.md has no hints for step 9`))
		})
	})

	Describe("solution", func() {
		It("stays locked until the lesson passes", func() {
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(1))
			session := workbookIn(root, "solution", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`The solution of lesson 1 unlocks when all its specs pass \(now 1 of 3, as of its last run\)\.`))
			Expect(session.Out.Contents()).NotTo(ContainSubstring("Hello, "))
		})

		It("shows the solution's files that differ from the learner's once the lesson passes", func() {
			write(root, "lessons/01-sample/sample.go", `package sample

// Greet greets someone by name.
func Greet(name string) string { return "Hello, " + name + "!" }

// Sum adds up its numbers.
func Sum(numbers ...int) (total int) {
	for _, n := range numbers {
		total += n
	}
	return
}
`)
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(0))
			session := workbookIn(root, "solution", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`--- lessons/01-sample/sample.go \(yours\)\n\+\+\+ solutions/01-sample/sample.go \(reference\)\n@@ -1,12 \+1,18 @@\n package sample\n \n // Greet greets someone by name\.\n`))
			Expect(session).To(gbytes.Say(`-func Greet\(name string\) string \{ return "Hello, " \+ name \+ "!" \}\n\+func Greet\(name string\) string \{\n\+\treturn "Hello, " \+ name \+ "!"\n\+\}\n`))
			Expect(session).To(gbytes.Say(`The lines with - are yours, those with \+ the reference's`))
			Expect(session.Out.Contents()).NotTo(Or(ContainSubstring("given.go"), ContainSubstring("//workbook:"), ContainSubstring("\x1b[")))
			Expect(progressOf(root).Lessons[0].SolutionShown).To(BeTrue())
		})

		It("leaves out what gofmt and the order of imports alone explain", func() {
			write(root, "lessons/01-sample/sample.go", `package sample

import (
	"strings"
	"fmt"
)

// Greet greets someone by name.
func Greet(name string) string {
	return   "Hello, " + name + "!"
}

// Sum adds up its numbers.
func Sum(numbers ...int) int {
	if len(numbers) == 0 {
		return 0
	}
	total := 0
	for _, n := range numbers {
		total += n
	}
	return total
}

var _, _ = fmt.Sprint, strings.ToUpper
`)
			write(root, "solutions/01-sample/sample.go", strings.Replace(read(root, "solutions/01-sample/sample.go"), "package sample\n",
				"package sample\n\nimport (\n\t\"fmt\"\n\n\t\"strings\"\n)\n", 1)+"\nvar _, _ = fmt.Sprint, strings.ToUpper\n")
			session := workbookIn(root, "solution", "-trainer", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Your code in lessons/01-sample is the same as the reference solution\.`))
		})

		It("shows it at once to a trainer", func() {
			session := workbookIn(root, "solution", "-trainer", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`\+\+\+ solutions/01-sample/sample.go \(reference\)`))
		})
	})

	Describe("solve", func() {
		It("replaces the learner's files with the solution after a yes, keeping a backup", func() {
			stub := read(root, "lessons/01-sample/sample.go")
			session := workbookWithInput(root, "n\n", "solve", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`This replaces these files of lessons/01-sample with the reference solution:\n  sample.go\n`))
			Expect(session).To(gbytes.Say(`Nothing changed\.`))
			Expect(read(root, "lessons/01-sample/sample.go")).To(Equal(stub))

			session = workbookWithInput(root, "y\n", "solve", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`lessons/01-sample now holds the solution; your version is in (\.workbook/backup/01-sample-[0-9.-]+)\.`))
			Expect(read(root, "lessons/01-sample/sample.go")).To(ContainSubstring(`return "Hello, " + name + "!"`))
			Expect(read(root, "lessons/01-sample/sample.go")).NotTo(ContainSubstring("//workbook:"), "the solution as a learner would write it")
			backups, err := filepath.Glob(filepath.Join(root, ".workbook", "backup", "01-sample-*", "sample.go"))
			Expect(err).NotTo(HaveOccurred())
			Expect(backups).To(HaveLen(1))
			Expect(read(root, strings.TrimPrefix(backups[0], root+"/"))).To(Equal(stub))

			Expect(workbookIn(root, "solve", "-yes", "1")).To(gbytes.Say(`lessons/01-sample already holds the solution\.`))
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(0))

			By("telling the trainer that the lesson was solved with solve, and its solution seen")
			l := progressOf(root).Lessons[0]
			Expect(l.Status).To(Equal("done"))
			Expect(l.SolutionShown).To(BeTrue())
			Expect(l.SolvedAt).NotTo(BeNil())
		})
	})

	Describe("reset", func() {
		gitCommit := func() {
			GinkgoHelper()
			if _, err := exec.LookPath("git"); err != nil {
				Skip("git is not installed")
			}
			for _, args := range [][]string{
				{"init", "-q"},
				{"add", "."},
				{"-c", "user.name=Workbook", "-c", "user.email=workbook@example.com", "commit", "-q", "-m", "shipped"},
			} {
				cmd := exec.Command("git", args...)
				cmd.Dir = root
				out, err := cmd.CombinedOutput()
				Expect(err).NotTo(HaveOccurred(), string(out))
			}
		}

		It("restores the lesson as committed after a yes, keeping a backup of the learner's files", func() {
			gitCommit()
			stub := read(root, "lessons/01-sample/sample.go")
			solve(root)
			write(root, "lessons/01-sample/extra.go", "package sample\n")
			Expect(workbookIn(root, "run", "1")).To(gexec.Exit(0))

			session := workbookWithInput(root, "yes\n", "reset", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`This restores lessons/01-sample as committed:\n  restore sample.go\n  remove  extra.go \(not committed\)\n`))
			Expect(session).To(gbytes.Say(`lessons/01-sample is reset; your version is in \.workbook/backup/01-sample-`))
			Expect(read(root, "lessons/01-sample/sample.go")).To(Equal(stub))
			Expect(filepath.Join(root, "lessons", "01-sample", "extra.go")).NotTo(BeAnExistingFile())
			backups, err := filepath.Glob(filepath.Join(root, ".workbook", "backup", "01-sample-*", "*.go"))
			Expect(err).NotTo(HaveOccurred())
			Expect(backups).To(HaveLen(2))

			By("forgetting the lesson's results, which described the learner's code, and recording the reset")
			l := progressOf(root).Lessons[0]
			Expect(l.Status).To(Equal("not started"))
			Expect(l.DoneAt).To(BeNil())
			Expect(l.ResetAt).NotTo(BeNil())

			Expect(workbookIn(root, "reset", "1")).To(gbytes.Say(`lessons/01-sample is as committed; nothing to reset\.`))
		})

		It("changes nothing without a yes", func() {
			gitCommit()
			solve(root)
			session := workbookWithInput(root, "", "reset", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`Nothing changed\.`))
			Expect(read(root, "lessons/01-sample/sample.go")).To(Equal(read(root, "solutions/01-sample/sample.go")))
		})

		It("explains that it needs a git clone", func() {
			session := workbookIn(root, "reset", "-yes", "1")
			Expect(session).To(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`reset needs a git clone of the workbook; your files are unchanged`))
		})
	})

	Describe("watch", func() {
		It("runs the lesson, runs it again when a file is saved, and answers keys", func() {
			cmd := exec.Command(binary, "watch", "1")
			cmd.Dir = root
			keys, err := cmd.StdinPipe()
			Expect(err).NotTo(HaveOccurred())
			session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() {
				keys.Close()
				session.Kill()
			})

			Eventually(session).WithTimeout(runTimeout).Should(gbytes.Say(`\x1b\[H\x1b\[2JLesson 1: A sample lesson`), "each run starts on a clear screen")
			Eventually(session).WithTimeout(runTimeout).Should(gbytes.Say(`1 of 3 specs pass\.`))
			Eventually(session).Should(gbytes.Say(`Stuck\? Press h for a hint  \(or read lessons/01-sample/hints\.md\)\n`))
			Eventually(session).Should(gbytes.Say(`Watching lessons/01-sample: save a file to run again\.  \[h\] hint  \[n\] next lesson  \[l\] list  \[r\] run  \[q\] quit`))
			Expect(string(session.Out.Contents())).NotTo(Or(ContainSubstring("Run again:"), ContainSubstring("go run ./cmd/workbook hint")),
				"inside watch the footer names keys, not commands")

			_, err = io.WriteString(keys, "h")
			Expect(err).NotTo(HaveOccurred())
			Eventually(session).Should(gbytes.Say(`Hints for lesson 1`))
			Eventually(session).Should(gbytes.Say(`Still stuck\? Press h again for the next hint\.`))

			solve(root)
			Eventually(session).WithTimeout(runTimeout).Should(gbytes.Say(`\x1b\[H\x1b\[2JA file changed; running again\.\nLesson 1: A sample lesson`))
			Eventually(session).WithTimeout(runTimeout).Should(gbytes.Say(`3 of 3 specs pass\.`))
			Eventually(session).Should(gbytes.Say(`Watching lessons/01-sample`))

			_, err = io.WriteString(keys, "l")
			Expect(err).NotTo(HaveOccurred())
			Eventually(session).Should(gbytes.Say(`1\s+A sample lesson\s+3/3\s+done`))

			_, err = io.WriteString(keys, "n")
			Expect(err).NotTo(HaveOccurred())
			Eventually(session).Should(gbytes.Say(`This is the last lesson\.`))

			_, err = io.WriteString(keys, "q")
			Expect(err).NotTo(HaveOccurred())
			Eventually(session).Should(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Bye\.`))
		})
	})
})
