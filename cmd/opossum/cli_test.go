package main_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/fstree"
	"github.com/opossum-go/opossum/store"
)

// fixture copies a format version 1 fixture store of the store package
// into a new temporary folder.
func fixture(name string) string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "store", "testdata", "v1", name)))).To(Succeed())
	return dir
}

// opossum runs the binary to completion and returns the session.
func opossum(args ...string) *gexec.Session {
	GinkgoHelper()
	return opossumWithInput("", args...)
}

func opossumWithInput(stdin string, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(opossumBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(s).WithTimeout(30 * time.Second).Should(gexec.Exit())
	return s
}

// tree describes every file and folder under dir, modification times
// and content hashes included: equal trees mean nothing was written.
func tree(dir string) map[string]string {
	GinkgoHelper()
	t, err := fstree.Describe(dir)
	Expect(err).NotTo(HaveOccurred())
	return t
}

func eventFile(dir string, p int) string {
	return filepath.Join(dir, "events", "000000", fmt.Sprintf("%012d.json", p))
}

// jsonLines decodes JSON lines of events.
func jsonLines(b []byte) []map[string]any {
	GinkgoHelper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m map[string]any
		Expect(json.Unmarshal(sc.Bytes(), &m)).To(Succeed(), "line %q", sc.Text())
		out = append(out, m)
	}
	return out
}

func positions(lines []map[string]any) []int {
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = int(l["position"].(float64))
	}
	return out
}

var commandNames = []string{"ls", "show", "query", "tail", "stats", "check", "backup", "add-tags", "pack", "delete-store", "version"}

var _ = Describe("opossum, the command", func() {
	Describe("usage", func() {
		It("lists every command and the exit codes", func() {
			s := opossum("help")
			Expect(s).To(gexec.Exit(0))
			for _, c := range commandNames {
				Expect(s.Out).To(gbytes.Say(c))
			}
			Expect(string(s.Out.Contents())).To(ContainSubstring("Exit codes"))
		})

		It("explains each command with --help and exits 0", func() {
			for _, c := range commandNames {
				s := opossum(c, "--help")
				Expect(s).To(gexec.Exit(0), c)
				Expect(string(s.Out.Contents())).To(HavePrefix("Usage: opossum "+c+" "), c)
				Expect(opossum("help", c).Out.Contents()).To(Equal(s.Out.Contents()), c)
			}
		})

		DescribeTable("exits 2 on bad usage, saying what is wrong",
			func(want string, args ...string) {
				s := opossum(args...)
				Expect(s).To(gexec.Exit(2))
				Expect(string(s.Err.Contents())).To(ContainSubstring(want))
			},
			Entry("no command", "Usage"),
			Entry("an unknown command", `unknown command "frobnicate"`, "frobnicate"),
			Entry("a misspelt command, with a suggestion", `Did you mean "stats"?`, "stast"),
			Entry("an unknown flag", "flag provided but not defined", "ls", "--frob", "x"),
			Entry("a misspelt flag, with a suggestion", "did you mean --limit?", "ls", "x", "--limt", "3"),
			Entry("a missing store", "missing arguments", "ls"),
			Entry("too many arguments", "too many arguments", "ls", "a", "b"),
			Entry("a bad position", "POSITION must be a positive number", "show", "x", "first"),
			Entry("an invalid query", "invalid query", "query", "x", "(A)[nocolon]"),
			Entry("an invalid tag filter", "tag must be key:value", "ls", "x", "--tag", "nocolon"),
			Entry("an invalid tag to add", "tag must be key:value", "add-tags", "x", "--type", "A", "--tag", "nocolon"),
			Entry("add-tags without a type", "--type is required", "add-tags", "x", "--tag", "k:v"),
		)
	})

	Describe("read-only commands", func() {
		DescribeTable("run on a fixture store and write nothing to it",
			func(name string, args ...string) {
				for _, fx := range []string{"small", "no-snapshot", "torn"} {
					dir := fixture(fx)
					before := tree(dir)
					full := append([]string{name}, args...)
					for i, a := range full {
						full[i] = strings.ReplaceAll(a, "STORE", dir)
						full[i] = strings.ReplaceAll(full[i], "OUT", filepath.Join(GinkgoT().TempDir(), "out"))
					}
					s := opossum(full...)
					Expect(s).To(gexec.Exit(0), "%s on %s: %s", name, fx, s.Err.Contents())
					Expect(tree(dir)).To(Equal(before), "%s wrote into %s", name, fx)
				}
			},
			Entry("ls", "ls", "STORE"),
			Entry("ls --json", "ls", "STORE", "--json", "--type", "StudentEnrolled"),
			Entry("show", "show", "STORE", "3"),
			Entry("query", "query", "STORE", "[courseId:c-1]"),
			Entry("query --last", "query", "STORE", "--type", "CourseCreated", "--last"),
			Entry("tail", "tail", "STORE", "-n", "2"),
			Entry("stats", "stats", "STORE", "--values"),
			Entry("stats --json", "stats", "STORE", "--json"),
			Entry("check", "check", "STORE"),
			Entry("backup to a folder", "backup", "STORE", "OUT"),
			Entry("backup to a tar.gz", "backup", "STORE", "OUT.tar.gz"),
			Entry("add-tags --dry-run", "add-tags", "STORE", "--type", "StudentRegistered", "--tag", "k:v", "--dry-run"),
		)

		It("lists events with filters, as a table or JSON lines", func() {
			dir := fixture("small")
			s := opossum("ls", dir)
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(`POSITION\s+TIME\s+TYPE\s+TAGS\s+DATA`))
			Expect(s.Out).To(gbytes.Say(`1\s+2026-11-25T09:00:00Z\s+CourseCreated\s+courseId:c-1\s+\{"capacity":2,"name":"Event Sourcing 101"\}`))

			s = opossum("ls", dir, "--json", "--type", "StudentRegistered", "--type", "StudentEnrolled", "--tag", "studentId:s-2")
			Expect(s).To(gexec.Exit(0))
			lines := jsonLines(s.Out.Contents())
			Expect(positions(lines)).To(Equal([]int{3, 6}))
			Expect(lines[0]).To(HaveKeyWithValue("type", "StudentRegistered"))
			Expect(lines[0]).To(HaveKeyWithValue("data", map[string]any{"name": "Grace"}))

			s = opossum("ls", dir, "--json", "--from", "2", "--to", "4")
			Expect(positions(jsonLines(s.Out.Contents()))).To(Equal([]int{2, 3, 4}))
			s = opossum("ls", dir, "--json", "--backwards", "--limit", "2")
			Expect(positions(jsonLines(s.Out.Contents()))).To(Equal([]int{6, 5}))
		})

		It("shows one event in full, as text, JSON or the raw file", func() {
			dir := fixture("small")
			s := opossum("show", dir, "5")
			Expect(s).To(gexec.Exit(0))
			out := string(s.Out.Contents())
			Expect(out).To(ContainSubstring("type         StudentEnrolled"))
			Expect(out).To(ContainSubstring("id           6f706f73-7375-8000-8000-000000000005"), "a format-1 event reports the id made of its position")
			Expect(out).To(ContainSubstring("studentId:s-1"))
			Expect(out).To(ContainSubstring(eventFile(dir, 5)))

			s = opossum("show", dir, "2", "--json")
			Expect(s).To(gexec.Exit(0))
			var ev map[string]any
			Expect(json.Unmarshal(s.Out.Contents(), &ev)).To(Succeed())
			Expect(ev).To(HaveKeyWithValue("position", 2.0))
			Expect(ev).To(HaveKeyWithValue("id", "6f706f73-7375-8000-8000-000000000002"))

			s = opossum("show", dir, "2", "--raw")
			Expect(s).To(gexec.Exit(0))
			Expect(os.ReadFile(eventFile(dir, 2))).To(Equal(s.Out.Contents()))

			s = opossum("show", dir, "7")
			Expect(s).To(gexec.Exit(6))
			Expect(s.Err).To(gbytes.Say("no event at position 7 \\(the head is 6\\)"))
		})

		DescribeTable("runs a query given as text, JSON or flags",
			func(want []int, args ...string) {
				s := opossum(append([]string{"query", fixture("small"), "--json"}, args...)...)
				Expect(s).To(gexec.Exit(0), string(s.Err.Contents()))
				Expect(positions(jsonLines(s.Out.Contents()))).To(Equal(want))
			},
			Entry("all", []int{1, 2, 3, 4, 5, 6}, "all"),
			Entry("text with items OR-ed", []int{2, 5, 6}, "(StudentEnrolled)[courseId:c-2] OR [studentId:s-1]"),
			Entry("text with types OR-ed", []int{1, 4, 5, 6}, "(CourseCreated|StudentEnrolled)"),
			Entry("JSON", []int{5}, `{"items":[{"types":["StudentEnrolled"],"tags":[{"key":"courseId","value":"c-1"}]}]}`),
			Entry("flags", []int{4, 6}, "--tag", "courseId:c-2"),
			Entry("the newest match", []int{6}, "--type", "StudentEnrolled", "--last"),
			Entry("after a position, backwards, limited", []int{6, 5}, "all", "--after", "3", "--backwards", "--limit", "2"),
		)

		It("prints the last events and, with -f, follows new ones until interrupted", func() {
			dir := fixture("small")
			s := opossum("tail", dir, "-n", "2", "--json")
			Expect(s).To(gexec.Exit(0))
			Expect(positions(jsonLines(s.Out.Contents()))).To(Equal([]int{5, 6}))

			cmd := exec.Command(opossumBin, "tail", "-f", dir, "-n", "1", "--type", "CourseClosed", "--type", "StudentEnrolled", "--poll", "5ms")
			follow, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(follow.Kill)
			Eventually(follow.Out).WithTimeout(10 * time.Second).Should(gbytes.Say(`6\s+\S+\s+StudentEnrolled`))

			w, err := store.Open(dir, nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(w.Close)
			_, err = w.Append(context.Background(), []store.Event{{Type: "Other"}, {Type: "CourseClosed", Tags: []store.Tag{store.NewTag("courseId", "c-1")}}}, nil)
			Expect(err).NotTo(HaveOccurred())
			Eventually(follow.Out).WithTimeout(10 * time.Second).Should(gbytes.Say(`8\s+\S+\s+CourseClosed\s+courseId:c-1`))
			Expect(string(follow.Out.Contents())).NotTo(ContainSubstring("Other"))
			follow.Interrupt()
			Eventually(follow).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
		})

		It("counts events by type and tag, in JSON with everything the text shows, tag values only with --values", func() {
			type stats struct {
				Head         int                       `json:"head"`
				Format       int                       `json:"format"`
				Types        map[string]int            `json:"types"`
				TagKeys      map[string]map[string]int `json:"tagKeys"`
				Tags         map[string]int            `json:"tags"`
				EventFiles   int                       `json:"eventFiles"`
				ShardFolders int                       `json:"shardFolders"`
			}
			s := opossum("stats", fixture("small"), "--json")
			Expect(s).To(gexec.Exit(0))
			var st stats
			Expect(json.Unmarshal(s.Out.Contents(), &st)).To(Succeed())
			Expect(st.Head).To(Equal(6))
			Expect(st.Format).To(Equal(1))
			Expect(st.EventFiles).To(Equal(6))
			Expect(st.ShardFolders).To(Equal(1))
			Expect(st.Types).To(Equal(map[string]int{"CourseCreated": 2, "StudentRegistered": 2, "StudentEnrolled": 2}))
			Expect(st.TagKeys).To(HaveKeyWithValue("courseId", map[string]int{"events": 4, "values": 2}))
			Expect(st.Tags).To(BeEmpty(), "tag values only with --values")
			Expect(string(s.Out.Contents())).NotTo(ContainSubstring("c-1"))

			s = opossum("stats", fixture("small"), "--json", "--values")
			Expect(s).To(gexec.Exit(0))
			st = stats{}
			Expect(json.Unmarshal(s.Out.Contents(), &st)).To(Succeed())
			Expect(st.Tags).To(HaveKeyWithValue("courseId:c-1", 2))

			s = opossum("stats", fixture("small"))
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(`head\s+6`))
			Expect(s.Out).To(gbytes.Say(`courseId\s+4 events, 2 values`))
		})
	})

	It("lines the table up whatever the width of the tags", func() {
		dir := GinkgoT().TempDir()
		st, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = st.Append(context.Background(), []store.Event{
			{Type: "A", Tags: []store.Tag{store.NewTag("k", "v")}},
			{Type: "LongerType", Tags: []store.Tag{store.NewTag("email", "someone.with.a.long.name@example.com"), store.NewTag("studentId", "s-1")}},
			{Type: "B"},
		}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Close()).To(Succeed())

		s := opossum("ls", dir)
		Expect(s).To(gexec.Exit(0))
		lines := strings.Split(strings.TrimSpace(string(s.Out.Contents())), "\n")
		Expect(lines).To(HaveLen(4))
		data := strings.Index(lines[0], "DATA")
		for _, l := range lines[1:] {
			Expect(l[data-2:data]).To(Equal("  "), "the column before DATA ends at the same place in %q", l)
			Expect(l[data]).To(Equal(byte('{')), "DATA starts at the same place in %q", l)
		}
	})

	Describe("check", func() {
		It("passes a sound store and notes what recovery will settle", func() {
			s := opossum("check", fixture("small"))
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(`head 6, 6 event files, 0 projection checkpoints checked: ok`))

			s = opossum("check", fixture("torn"))
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(`note   torn-tail .*000000000007.json \(position 7\)`))
			Expect(s.Out).To(gbytes.Say(`ok \(1 notes\)`))
		})

		DescribeTable("exits 4 on damage, naming the kind and the file",
			func(damage func(dir string), want string) {
				dir := fixture("small")
				damage(dir)
				before := tree(dir)
				s := opossum("check", dir)
				Expect(s).To(gexec.Exit(4), string(s.Out.Contents()))
				Expect(strings.ReplaceAll(string(s.Out.Contents()), dir+"/", "")).To(ContainSubstring(want))
				Expect(s.Out).To(gbytes.Say("DAMAGED"))
				Expect(tree(dir)).To(Equal(before))

				s = opossum("check", dir, "--json")
				Expect(s).To(gexec.Exit(4))
				var rep store.Report
				Expect(json.Unmarshal(s.Out.Contents(), &rep)).To(Succeed())
				Expect(rep.Damaged()).To(BeTrue())
			},
			Entry("an event file that does not parse", func(dir string) {
				Expect(os.WriteFile(eventFile(dir, 3), []byte("{\"posi"), 0o644)).To(Succeed())
			}, "DAMAGE corrupt-event events/000000/000000000003.json (position 3)"),
			Entry("a missing event file", func(dir string) {
				Expect(os.Remove(eventFile(dir, 4))).To(Succeed())
			}, "DAMAGE missing-event events/000000/000000000004.json (position 4)"),
			Entry("an index snapshot that disagrees with the files", func(dir string) {
				b, _ := os.ReadFile(eventFile(dir, 6))
				Expect(os.WriteFile(eventFile(dir, 6), bytes.Replace(b, []byte(`"StudentEnrolled"`), []byte(`"StudentLeft"`), 1), 0o644)).To(Succeed())
			}, "DAMAGE index index/snapshot.bin (position 6)"),
			Entry("a projection checkpoint ahead of the head", func(dir string) {
				cp := filepath.Join(dir, "projections", "courses", "g000001", "checkpoint.json")
				Expect(os.MkdirAll(filepath.Dir(cp), 0o755)).To(Succeed())
				Expect(os.WriteFile(cp, []byte(`{"format":1,"projection":"courses","position":9}`), 0o644)).To(Succeed())
			}, "DAMAGE checkpoint projections/courses/g000001/checkpoint.json (position 9)"),
		)
	})

	Describe("bad input", func() {
		notAStore := func() string {
			dir := GinkgoT().TempDir()
			Expect(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a store"), 0o644)).To(Succeed())
			return dir
		}
		newer := func() string {
			dir := fixture("small")
			Expect(os.WriteFile(filepath.Join(dir, "opossum.json"), fmt.Appendf(nil, `{"format": %d, "shardSize": 10000}`, store.FormatVersion+1), 0o644)).To(Succeed())
			return dir
		}
		damaged := func() string {
			dir := fixture("no-snapshot")
			Expect(os.WriteFile(eventFile(dir, 5), []byte(`{"position": 5`), 0o644)).To(Succeed())
			return dir
		}
		missing := func() string { return filepath.Join(GinkgoT().TempDir(), "nothing-here") }

		DescribeTable("gives a clear message and a distinct exit code, and writes nothing",
			func(makeDir func() string, code int, want string, args ...string) {
				dir := makeDir()
				var before map[string]string
				if _, err := os.Stat(dir); err == nil {
					before = tree(dir)
				}
				full := make([]string, len(args))
				for i, a := range args {
					full[i] = strings.ReplaceAll(a, "STORE", dir)
				}
				s := opossum(full...)
				Expect(s).To(gexec.Exit(code), "stderr: %s", s.Err.Contents())
				Expect(string(s.Err.Contents())).To(ContainSubstring(want))
				if before != nil {
					Expect(tree(dir)).To(Equal(before))
				} else {
					Expect(dir).NotTo(BeADirectory())
				}
			},
			Entry("ls of a folder that is not a store", notAStore, 5, "not a store folder", "ls", "STORE"),
			Entry("check of a folder that is not a store", notAStore, 5, "holds no opossum.json", "check", "STORE"),
			Entry("add-tags on a folder that is not a store", notAStore, 5, "not a store folder", "add-tags", "STORE", "--type", "A", "--tag", "k:v"),
			Entry("delete-store of a folder that is not a store", notAStore, 5, "not a store folder", "delete-store", "STORE", "--yes", "--force"),
			Entry("ls of a missing folder", missing, 5, "does not exist", "ls", "STORE"),
			Entry("add-tags on a missing folder", missing, 5, "does not exist", "add-tags", "STORE", "--type", "A", "--tag", "k:v"),
			Entry("ls of a newer format", newer, 5, fmt.Sprintf("this opossum reads store format versions up to %d", store.FormatVersion), "ls", "STORE"),
			Entry("check of a newer format", newer, 5, "unsupported format version", "check", "STORE"),
			Entry("add-tags on a newer format", newer, 5, "unsupported format version", "add-tags", "STORE", "--type", "A", "--tag", "k:v"),
			Entry("ls of a damaged event file", damaged, 4, "000000000005.json", "ls", "STORE"),
			Entry("stats of a damaged event file", damaged, 4, "run opossum check STORE", "stats", "STORE"),
			Entry("backup of a damaged event file", damaged, 4, "corrupt event file", "backup", "STORE", "-"),
			Entry("check of a damaged event file", damaged, 4, "", "check", "STORE"),
		)

		It("exits 3 when the writer lock is held past --lock-timeout, naming the lock file", func() {
			dir := fixture("small")
			held := flock.New(filepath.Join(dir, ".lock"))
			Expect(held.Lock()).To(Succeed())
			DeferCleanup(held.Unlock)
			before := tree(dir)
			s := opossum("add-tags", dir, "--type", "CourseCreated", "--tag", "k:v", "--lock-timeout", "100ms")
			Expect(s).To(gexec.Exit(3))
			Expect(s.Err).To(gbytes.Say(`waiting for the writer lock .*\.lock`))
			Expect(s.Err).To(gbytes.Say("raise --lock-timeout"))
			Expect(tree(dir)).To(Equal(before))

			s = opossum("delete-store", dir, "--yes")
			Expect(s).To(gexec.Exit(3))
			Expect(s.Err).To(gbytes.Say(`store in use`))
			Expect(dir).To(BeADirectory())

			Expect(opossum("ls", dir)).To(gexec.Exit(0), "read-only commands take no lock")
		})
	})

	Describe("add-tags", func() {
		It("adds tags another process's open handle sees at its next read", func() {
			dir := fixture("small")
			h, err := store.Open(dir, nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(h.Close)
			ctx := context.Background()
			Expect(store.ReadAll(ctx, h, store.Tagged(store.NewTag("name", "Ada")))).To(BeEmpty())

			s := opossum("add-tags", dir, "--type", "StudentRegistered", "--tag-from", "name=name", "--tag", "kind:student", "--dry-run")
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say("dry run: StudentRegistered: 2 events, 2 would change, 4 tags would be added"))

			s = opossum("add-tags", dir, "--type", "StudentRegistered", "--tag-from", "name=name", "--tag", "kind:student")
			Expect(s).To(gexec.Exit(0), string(s.Err.Contents()))
			Expect(s.Out).To(gbytes.Say("StudentRegistered: 2 events, 2 changed, 4 tags added"))

			found, err := store.ReadAll(ctx, h, store.Tagged(store.NewTag("name", "Ada"), store.NewTag("kind", "student")))
			Expect(err).NotTo(HaveOccurred())
			Expect(found).To(HaveLen(1))
			Expect(found[0].Position).To(Equal(store.Position(2)))
			_, err = h.Append(ctx, []store.Event{{Type: "X"}}, store.Guard(store.Tagged(store.NewTag("name", "Grace")), 2))
			Expect(err).To(MatchError(store.ErrAppendConditionFailed), "conditions see the new tags too")

			s = opossum("query", dir, "[name:Grace]", "--json")
			Expect(positions(jsonLines(s.Out.Contents()))).To(Equal([]int{3}))
			Expect(opossum("check", dir)).To(gexec.Exit(0))
		})
	})

	Describe("pack", func() {
		It("packs the whole shards once, and the store still checks out", func() {
			dir := GinkgoT().TempDir()
			h, err := store.Open(dir, &store.Options{NoSync: true})
			Expect(err).NotTo(HaveOccurred())
			batch := make([]store.Event, 10_500)
			for i := range batch {
				batch[i] = store.Event{Type: "A"}
			}
			_, err = h.Append(context.Background(), batch, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(h.Close()).To(Succeed())

			s := opossum("pack", dir)
			Expect(s).To(gexec.Exit(0), string(s.Err.Contents()))
			Expect(s.Out).To(gbytes.Say(`1 shard\(s\) packed \(9999 events, .*\), 0 already packed, 0 stale file\(s\) removed`))
			Expect(filepath.Join(dir, "packs", "000000.pack")).To(BeAnExistingFile())
			s = opossum("pack", dir)
			Expect(s).To(gexec.Exit(0))
			Expect(s.Out).To(gbytes.Say(`0 shard\(s\) packed \(0 events, .*\), 1 already packed`))
			Expect(opossum("stats", dir).Out).To(gbytes.Say(`packs +1, \d`))
			Expect(opossum("check", dir)).To(gexec.Exit(0))
		})
	})

	Describe("delete-store", func() {
		It("asks first and deletes nothing unless told yes", func() {
			dir := fixture("small")
			s := opossumWithInput("no\n", "delete-store", dir)
			Expect(s).To(gexec.Exit(7))
			Expect(s.Err).To(gbytes.Say(`Delete the store .*small \(6 events\) for good\? Type yes to confirm`))
			Expect(s.Err).To(gbytes.Say("nothing was deleted"))
			Expect(filepath.Join(dir, "opossum.json")).To(BeAnExistingFile())

			s = opossumWithInput("", "delete-store", dir)
			Expect(s).To(gexec.Exit(7), "no answer is no")

			s = opossumWithInput("yes\n", "delete-store", dir)
			Expect(s).To(gexec.Exit(0))
			Expect(dir).NotTo(BeADirectory())
		})

		It("refuses while another process has the store open, unless forced", func() {
			dir := fixture("small")
			h, err := store.Open(dir, nil)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(h.Close)
			s := opossum("delete-store", dir, "--yes")
			Expect(s).To(gexec.Exit(3))
			Expect(s.Err).To(gbytes.Say(`\.open is locked by an open handle`))
			Expect(h.Head(context.Background())).To(Equal(store.Position(6)))

			s = opossum("delete-store", dir, "--yes", "--force")
			Expect(s).To(gexec.Exit(0))
			Expect(dir).NotTo(BeADirectory())
		})
	})

	Describe("on a store another process is writing", func() {
		var (
			dir    string
			writer *gexec.Session
		)
		BeforeEach(func() {
			dir = filepath.Join(GinkgoT().TempDir(), "live")
			var err error
			writer, err = gexec.Start(exec.Command(writerBin, "-nosync", dir), GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() {
				writer.Terminate()
				Eventually(writer).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
			})
			Eventually(writer.Out).WithTimeout(10 * time.Second).Should(gbytes.Say("appended"))
			Eventually(func() int {
				var st struct{ Head int }
				s := opossum("stats", dir, "--json")
				_ = json.Unmarshal(s.Out.Contents(), &st)
				return st.Head
			}).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 60))
		})

		It("lists, queries and checks it", func() {
			s := opossum("ls", dir, "--json")
			Expect(s).To(gexec.Exit(0))
			ps := positions(jsonLines(s.Out.Contents()))
			Expect(len(ps)).To(BeNumerically(">=", 60))
			for i, p := range ps {
				Expect(p).To(Equal(i + 1))
			}
			Expect(opossum("query", dir, "[writer:child]", "--last")).To(gexec.Exit(0))
			s = opossum("check", dir)
			Expect(s).To(gexec.Exit(0), string(s.Out.Contents()))
		})

		It("backs it up to a folder and a tar.gz that verify clean and hold a prefix of its log", func() {
			folder := filepath.Join(GinkgoT().TempDir(), "backup")
			s := opossum("backup", dir, folder)
			Expect(s).To(gexec.Exit(0), string(s.Err.Contents()))
			Expect(s.Err).To(gbytes.Say(`backed up positions 1\.\.\d+`))
			archive := filepath.Join(GinkgoT().TempDir(), "backup.tar.gz")
			Expect(opossum("backup", dir, archive)).To(gexec.Exit(0))
			restored := untar(archive)

			writer.Terminate()
			Eventually(writer).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
			src := opossum("ls", dir, "--json")
			Expect(src).To(gexec.Exit(0))
			all := jsonLines(src.Out.Contents())
			for _, b := range []string{folder, restored} {
				Expect(opossum("check", b)).To(gexec.Exit(0))
				got := opossum("ls", b, "--json")
				Expect(got).To(gexec.Exit(0))
				events := jsonLines(got.Out.Contents())
				Expect(len(events)).To(BeNumerically(">=", 60))
				Expect(len(events)).To(BeNumerically("<=", len(all)))
				Expect(events).To(Equal(all[:len(events)]), "a prefix of the log")
			}
		})
	})
})

// untar extracts a backup archive into a new folder.
func untar(path string) string {
	GinkgoHelper()
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	gz, err := gzip.NewReader(f)
	Expect(err).NotTo(HaveOccurred())
	dir := filepath.Join(GinkgoT().TempDir(), "restored")
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return dir
		}
		Expect(err).NotTo(HaveOccurred())
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			Expect(os.MkdirAll(p, 0o755)).To(Succeed())
			continue
		}
		b, err := io.ReadAll(tr)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(p, b, 0o644)).To(Succeed())
	}
}
