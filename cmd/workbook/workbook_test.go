package main_test

import (
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("The workbook command", func() {
	var root string

	BeforeEach(func() {
		root = sampleWorkbook()
	})

	Describe("without arguments", func() {
		It("lists the lessons and says what to run first", func() {
			session := workbookIn(root)
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Opossum workbook: 1 lesson\n`))
			Expect(session).To(gbytes.Say(`> 1\s+A sample lesson\s+-\s+not started\s+lessons/01-sample`))
			Expect(session).To(gbytes.Say(`Start with lesson 1:  go run ./cmd/workbook run 1`))
		})

		It("works from a folder inside the workbook", func() {
			session := workbookIn(filepath.Join(root, "lessons", "01-sample"))
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`A sample lesson`))
		})
	})

	Describe("run", func() {
		It("shows the first failing spec, its TODO, the next step and the hints", func() {
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`Lesson 1: A sample lesson \(lessons/01-sample\)\nCompiling and running its specs\. The first run compiles the store, Ginkgo and Gomega`))
			Expect(session).To(gbytes.Say(`1 of 3 specs pass\.`))
			Expect(session).To(gbytes.Say(`First failing spec:\n  The sample lesson greets by name\n`))
			Expect(session).To(gbytes.Say(`TODO: implement Greet \(lessons/01-sample/sample.go:6\) — README step 1`))
			Expect(session).To(gbytes.Say(`spec: lessons/01-sample/sample_test.go:15`))
			Expect(session).To(gbytes.Say(`Next: write Greet in lessons/01-sample/sample.go \(README step 1, lessons/01-sample/README.md\)\.`))
			Expect(session).To(gbytes.Say(`1 more failing spec \(add -all to list them\)\.`))
			Expect(session).To(gbytes.Say(`Stuck\? Reveal a hint:  go run ./cmd/workbook hint 1  \(or read lessons/01-sample/hints.md\)`))
			Expect(session).To(gbytes.Say(`Run again:  go run ./cmd/workbook run 1`))
		})

		It("lists every failing spec with -all, after the lesson", func() {
			session := workbookIn(root, "run", "sample", "-all")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`Also failing:\n  The sample lesson sums numbers\n`))
		})

		It("shows an assertion's message when a spec fails for another reason", func() {
			write(root, "lessons/01-sample/sample.go", `package sample

// Greet greets someone by name.
func Greet(name string) string { return "Hi " + name }

// Sum adds up its numbers.
func Sum(numbers ...int) int { return 0 }
`)
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`First failing spec:\n  The sample lesson greets by name\n`))
			Expect(session).To(gbytes.Say(`Expected\n\s+<string>: Hi Ada\n\s+to equal\n\s+<string>: Hello, Ada!`))
			Expect(session).To(gbytes.Say(`at lessons/01-sample/sample_test.go:16`))
			Expect(session).To(gbytes.Say(`Next: make this spec pass`))
		})

		It("congratulates when every spec passes", func() {
			solve(root)
			session := workbookIn(root, "run", "01-sample")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`3 of 3 specs pass\.`))
			Expect(session).To(gbytes.Say(`Lesson 1 is done: every spec passes\. Well done!`))
			Expect(session).To(gbytes.Say(`Compare with the reference solution:  go run ./cmd/workbook solution 1`))
			Expect(session).To(gbytes.Say(`You finished the workbook: every lesson passes\. Congratulations!`))
		})

		It("names each fault the learner's specs did not notice, and is done once none survives", func() {
			solve(root)
			write(root, "solutions/01-sample/testdata/mutants/double-adds.fault",
				"Fault: Double adds two instead of doubling\nFile: given.go\n\n<<<<<<< correct\nfunc Double(n int) int { return 2 * n }\n=======\nfunc Double(n int) int { return 2 + n }\n>>>>>>> faulty\n")
			write(root, "solutions/01-sample/testdata/mutants/sum-of-nothing.fault",
				"Fault: the sum of no numbers is 1\nFile: sample.go\n\n<<<<<<< correct\n\t\treturn 0\n=======\n\t\treturn 1\n>>>>>>> faulty\n")
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`Every spec passes\. Running them against 2 faulty versions, one at a time\.`))
			Expect(session).To(gbytes.Say(`3 of 3 specs pass\.\nYour specs caught 1 of 2 faults\.\n\nYour specs did not notice: the sum of no numbers is 1\n`))
			Expect(session.Out.Contents()).NotTo(ContainSubstring("Double adds two"))
			Expect(session).To(gbytes.Say(`Run again:  go run ./cmd/workbook run 1`))

			By("a spec that notices the fault")
			write(root, "lessons/01-sample/empty_test.go", "package sample_test\n\nimport (\n\t. \"github.com/onsi/ginkgo/v2\"\n\t. \"github.com/onsi/gomega\"\n\n\tsample \"github.com/opossum-go/opossum/lessons/01-sample\"\n)\n\nvar _ = It(\"sums no numbers to 0\", func() { Expect(sample.Sum()).To(Equal(0)) })\n")
			session = workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`Your specs caught all 2 faults\.\n\nLesson 1 is done`))
		})

		It("shows the compiler's first error when the lesson does not compile", func() {
			write(root, "lessons/01-sample/sample.go", "package sample\n\nfunc Greet(name string) string { return 42 }\n")
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`Lesson 1 does not compile:`))
			Expect(session).To(gbytes.Say(`lessons/01-sample/sample.go:3:\d+: cannot use 42`))
			Expect(session).To(gbytes.Say(`Fix the code at the first error above`))
		})

		It("says in one line which import to delete when one is left unused", func() {
			write(root, "lessons/01-sample/sample.go", "package sample\n\nimport \"strings\"\n\n"+
				"// Greet greets.\nfunc Greet(name string) string { return name }\n\n// Sum sums.\nfunc Sum(numbers ...int) int { return 0 }\n")
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`lessons/01-sample/sample.go:3:8: "strings" imported and not used`))
			Expect(session).To(gbytes.Say(`Delete the line that imports "strings" in lessons/01-sample/sample.go \(line 3\): nothing in the file uses it any more\.`))
		})

		It("takes the TODO marker exactly out of a message that carries it in a JSON body", func() {
			write(root, "lessons/01-sample/sample_test.go", `package sample_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	sample "github.com/opossum-go/opossum/lessons/01-sample"
)

var _ = Describe("The sample lesson over HTTP", func() {
	It("answers a greeting", func() {
		defer func() {
			if r := recover(); r != nil {
				Fail(fmt.Sprintf("POST /greetings answered 500: {\"detail\":%q,\"instance\":\"/greetings\"}", r))
			}
		}()
		sample.Greet("Ada")
	})
})
`)
			session := workbookIn(root, "run", "1")
			Expect(session).To(gexec.Exit(1))
			Expect(session).To(gbytes.Say(`POST /greetings answered 500`))
			Expect(session).To(gbytes.Say(`Next: write Greet in lessons/01-sample/sample.go \(README step 1, lessons/01-sample/README.md\)\.\n`))
		})

		It("names the lessons there are when asked for an unknown one", func() {
			session := workbookIn(root, "run", "9")
			Expect(session).To(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`workbook: unknown lesson "9"; the lessons are 01-sample`))
		})

		It("says how to call it without a lesson", func() {
			session := workbookIn(root, "run")
			Expect(session).To(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`usage: go run ./cmd/workbook run \[-race\] \[-all\] \[-keep\] \[-step N\] LESSON`))
		})

		Describe("-step", func() {
			BeforeEach(func() {
				// The sample's specs, declared as two README steps (package
				// specs/steps): step 1 greets, step 2 doubles and sums.
				write(root, "lessons/01-sample/sample_test.go", `package sample_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sample "github.com/opossum-go/opossum/lessons/01-sample"
	"github.com/opossum-go/opossum/specs/steps"
)

var _ = steps.Lesson("The sample lesson")

var _ = steps.Describe("Step 1: greetings", func() {
	It("greets by name", func() {
		Expect(sample.Greet("Ada")).To(Equal("Hello, Ada!"))
	})
})

var _ = steps.Describe("Step 2: numbers", func() {
	It("doubles a number", func() {
		Expect(sample.Double(21)).To(Equal(42))
	})

	It("sums numbers", func() {
		Expect(sample.Sum(1, 2, 3)).To(Equal(6))
	})
})
`)
			})

			It("runs only the specs of that step, and says so", func() {
				session := workbookIn(root, "run", "-step", "2", "1")
				Expect(session).To(gexec.Exit(1))
				Expect(session).To(gbytes.Say(`Lesson 1: A sample lesson \(lessons/01-sample\), step 2 only\n`))
				Expect(session).To(gbytes.Say(`1 of the 2 specs of step 2 pass\.`))
				Expect(session).To(gbytes.Say(`First failing spec:\n  The sample lesson Step 2: numbers sums numbers\n`))
				Expect(session).NotTo(gbytes.Say(`greets by name`))
				Expect(session).To(gbytes.Say(`Stuck\? Reveal a hint:  go run ./cmd/workbook hint -step 2 1 `))
				Expect(session).To(gbytes.Say(`Run again:  go run ./cmd/workbook run -step 2 1\n`))
			})

			It("says a step passes when its specs do, and how to run the whole lesson", func() {
				solve(root)
				session := workbookIn(root, "run", "1", "-step", "1")
				Expect(session).To(gexec.Exit(0))
				Expect(session).To(gbytes.Say(`1 of the 1 specs of step 1 pass\.`))
				Expect(session).To(gbytes.Say(`Step 1 of lesson 1 passes\. Run the whole lesson:  go run ./cmd/workbook run 1\n`))
			})

			It("refuses a step the lesson's specs do not check, naming the steps they do", func() {
				for _, n := range []string{"3", "0", "-1"} {
					session := workbookIn(root, "run", "-step", n, "1")
					Expect(session).To(gexec.Exit(2))
					Expect(session.Err).To(gbytes.Say(`workbook run: lesson 1 has no step ` + n + `; its specs check steps 1, 2\n`))
					Expect(session.Out.Contents()).NotTo(ContainSubstring("Compiling"), "nothing runs")
				}
			})

			It("refuses a step that is not a number", func() {
				session := workbookIn(root, "run", "-step", "two", "1")
				Expect(session).To(gexec.Exit(2))
				Expect(session.Err).To(gbytes.Say(`invalid value "two" for flag -step`))
			})
		})

		It("says so when there is no go command", func() {
			cmd := exec.Command(binary, "run", "1")
			cmd.Dir = root
			cmd.Env = []string{"PATH=" + GinkgoT().TempDir()}
			session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			Eventually(session).Should(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`no go command found on PATH: install Go 1.26 or later`))
		})
	})

	Describe("verify", func() {
		It("reports each lesson's specs, solved and unsolved, and passes a sound workbook", func() {
			session := workbookIn(root, "verify")
			Expect(session).To(gexec.Exit(0))
			Expect(session.Err).To(gbytes.Say(`verified 01-sample: ok`))
			Expect(session).To(gbytes.Say(`lesson\s+specs\s+solved\s+unsolved\s+time\s+result`))
			Expect(session).To(gbytes.Say(`01-sample\s+3\s+3/3 passed\s+2 failed, 2 via TODO\s+[0-9.]+s \+ [0-9.]+s\s+ok`))
			Expect(session).To(gbytes.Say(`verify ok: 1 lesson, 0 problems`))
		})

		It("says once that a lesson is solved in place, and checks its solution and specs", func() {
			solve(root)
			session := workbookIn(root, "verify", "1")
			Expect(session).To(gexec.Exit(0))
			Expect(session).To(gbytes.Say(`01-sample\s+3\s+3/3 passed\s+solved in place\s+[0-9.]+s \+ -\s+ok`))
			Expect(session).To(gbytes.Say(`Solved in place: lessons/01-sample\. Their files hold a learner's work`))
			Expect(session).To(gbytes.Say(`verify ok: 1 lesson, 0 problems`))
			Expect(string(session.Out.Contents())).NotTo(Or(ContainSubstring("has no TODO"), ContainSubstring("no spec fails")), "no misleading problem")
		})

		It("refuses a race mode it does not know", func() {
			session := workbookIn(root, "verify", "-race", "maybe")
			Expect(session).To(gexec.Exit(2))
			Expect(session.Err).To(gbytes.Say(`-race must be auto, on or off, not "maybe"`))
		})
	})

	It("explains that it runs inside the repository", func() {
		session := workbookIn(GinkgoT().TempDir())
		Expect(session).To(gexec.Exit(2))
		Expect(session.Err).To(gbytes.Say(`no lessons/go.mod in .* or any parent folder; run this from inside the repository`))
	})

	It("lists its commands for help, and points to them for an unknown command", func() {
		session := workbookIn(root, "help")
		Expect(session).To(gexec.Exit(0))
		Expect(session).To(gbytes.Say(`commands:\n  status`))

		session = workbookIn(root, "frobnicate")
		Expect(session).To(gexec.Exit(2))
		Expect(session.Err).To(gbytes.Say(`workbook: unknown command "frobnicate"`))
		Expect(session.Err).To(gbytes.Say(`Run 'workbook --help' for the list of commands`))
	})
})
