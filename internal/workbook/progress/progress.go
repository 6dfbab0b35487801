// Package progress records a learner's progress through the workbook: the
// results of every lesson's specs, and a little state (the current lesson,
// the hints revealed, the solutions shown).
//
// Progress comes from spec results, never from markers in the code. Each
// lesson's suite registers [Hook], a Ginkgo ReportAfterSuite node, so the
// results are recorded however the specs run: go test, go tool ginkgo,
// ginkgo watch, or an editor's test runner. The workbook CLI records the
// runs it makes as well.
//
// Everything lives in the git-ignored .workbook folder of the workbook
// root: results/<lesson>.json per test package, and state.json. Files are
// replaced atomically (write a temporary file, rename it), and every
// read-modify-write holds an exclusive lock on .workbook/lock, because test
// binaries and CLI commands may run at the same time. A file that cannot be
// read is not fatal: it is reported, dropped, and rebuilt by the next run.
package progress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/store/vfs"
)

// Version is the format version of the files this package writes.
const Version = 1

// lockTimeout bounds the wait for another process's lock.
const lockTimeout = 10 * time.Second

// maxMessage bounds the failure message kept per spec.
const maxMessage = 2000

// Suite is the recorded results of one test package of a lesson.
type Suite struct {
	Version int    `json:"version"`
	Lesson  string `json:"lesson"`
	// Package is the test package's folder relative to the lesson: "."
	// for the lesson folder itself.
	Package     string `json:"package"`
	Description string `json:"description"`
	// Total is the number of specs the suite declares.
	Total   int          `json:"total"`
	Updated time.Time    `json:"updated"`
	Specs   []SpecResult `json:"specs"`
}

// SpecResult is the latest result of one spec.
type SpecResult struct {
	Text     string `json:"text"`
	Location string `json:"location,omitempty"`
	// State is Ginkgo's state of the spec's last run (passed, failed,
	// panicked, ...), or "not run".
	State string `json:"state"`
	// TODO reports that the spec failed through a TODO marker.
	TODO bool `json:"todo,omitempty"`
	// Step is the README step the spec checks, or 0.
	Step int `json:"step,omitempty"`
	// Message is the start of the failure message of a failed spec.
	Message string `json:"message,omitempty"`
	// Ran is when the spec last ran.
	Ran time.Time `json:"ran,omitzero"`
}

// notRun is the state of a spec that has never run.
const notRun = "not run"

// Dir returns the folder that holds the progress of the workbook at root.
func Dir(root string) string { return filepath.Join(root, workbook.StateDir) }

// resultsDir holds one file per lesson test package.
func resultsDir(root string) string { return filepath.Join(Dir(root), "results") }

// suiteFile names the results file of a lesson's test package.
func suiteFile(root, lesson, pkg string) string {
	name := lesson
	if pkg != "." && pkg != "" {
		name += "." + strings.ReplaceAll(pkg, "/", ".")
	}
	return filepath.Join(resultsDir(root), name+".json")
}

// Save merges a Ginkgo report of one of the lesson's test packages into
// its recorded results. Specs that ran take their new state; specs that
// did not run this time (filtered out by a focus) keep the state they had;
// specs the suite no longer declares are dropped. A dry run records
// nothing.
func Save(wb *workbook.Workbook, lesson, pkg string, r types.Report) error {
	if r.SuiteConfig.DryRun {
		return nil
	}
	return withLock(wb.Root, func() error {
		path := suiteFile(wb.Root, lesson, pkg)
		old, _ := readSuite(path) // an unreadable file is rebuilt from this run
		previous := make(map[string]SpecResult)
		if old != nil {
			for _, s := range old.Specs {
				previous[s.Text] = s
			}
		}
		now := time.Now().UTC()
		suite := Suite{Version: Version, Lesson: lesson, Package: pkg, Description: r.SuiteDescription,
			Total: r.PreRunStats.TotalSpecs, Updated: now}
		for _, s := range wb.SuiteSpecs(r) {
			res := SpecResult{Text: s.Text, Location: s.SpecLocation, State: s.State, TODO: s.TODO, Step: s.Step, Message: truncate(s.Message)}
			if s.State == "skipped" {
				if p, ok := previous[s.Text]; ok {
					res = p
					res.Location, res.Step = s.SpecLocation, s.Step
				} else {
					res.State = notRun
				}
			} else {
				res.Ran = now
			}
			suite.Specs = append(suite.Specs, res)
		}
		data, err := json.MarshalIndent(suite, "", "  ")
		if err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		if err := os.MkdirAll(resultsDir(wb.Root), 0o755); err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		if err := vfs.WriteFileAtomic(nil, path, append(data, '\n'), false); err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		return nil
	})
}

// Lesson sums up the recorded results of a lesson's test packages.
type Lesson struct {
	Name string
	// Total is the number of specs the lesson declares; 0 when it has
	// never run.
	Total int
	// Passed counts the specs whose latest run passed.
	Passed int
	// Updated is when results were last recorded.
	Updated time.Time
	// Specs holds the latest result of every spec.
	Specs []SpecResult
}

// Done reports whether every spec of the lesson passed in its latest run.
func (l *Lesson) Done() bool { return l != nil && l.Total > 0 && l.Passed == l.Total }

// Result turns the recorded results into a [workbook.Result], to order
// the failures as a run does.
func (l *Lesson) Result() *workbook.Result {
	r := &workbook.Result{Declared: l.Total, WillRun: l.Total}
	for _, s := range l.Specs {
		r.Specs = append(r.Specs, workbook.Spec{Text: s.Text, State: s.State, Message: s.Message,
			SpecLocation: s.Location, TODO: s.TODO, Step: s.Step})
	}
	return r
}

// Load reads the recorded results of every lesson, keyed by lesson name.
// A file it cannot read is removed, to be rebuilt by the lesson's next
// run, and described in the warnings; only a failure to list the folder is
// an error.
func Load(root string) (map[string]*Lesson, []string, error) {
	entries, err := os.ReadDir(resultsDir(root))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*Lesson{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("progress: %w", err)
	}
	lessons := make(map[string]*Lesson)
	var warnings []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(resultsDir(root), e.Name())
		s, err := readSuite(path)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("progress file %s is unreadable (%v); it was removed and the lesson's next run rebuilds it",
				filepath.Join(workbook.StateDir, "results", e.Name()), err))
			_ = os.Remove(path)
			continue
		}
		l := lessons[s.Lesson]
		if l == nil {
			l = &Lesson{Name: s.Lesson}
			lessons[s.Lesson] = l
		}
		l.Total += s.Total
		for _, spec := range s.Specs {
			if spec.State == "passed" {
				l.Passed++
			}
		}
		l.Specs = append(l.Specs, s.Specs...)
		if s.Updated.After(l.Updated) {
			l.Updated = s.Updated
		}
	}
	return lessons, warnings, nil
}

// readSuite reads and checks one results file.
func readSuite(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Suite
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Version != Version || s.Lesson == "" {
		return nil, fmt.Errorf("not a version %d results file", Version)
	}
	return &s, nil
}

// Reset forgets the recorded results of a lesson.
func Reset(root, lesson string) error {
	return withLock(root, func() error {
		entries, err := os.ReadDir(resultsDir(root))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		for _, e := range entries {
			if name := e.Name(); name == lesson+".json" || strings.HasPrefix(name, lesson+".") && strings.HasSuffix(name, ".json") {
				if err := os.Remove(filepath.Join(resultsDir(root), name)); err != nil {
					return fmt.Errorf("progress: %w", err)
				}
			}
		}
		return nil
	})
}

// withLock runs fn holding the exclusive lock of the workbook's progress.
func withLock(root string, fn func() error) error {
	if err := os.MkdirAll(Dir(root), 0o755); err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	path := filepath.Join(Dir(root), "lock")
	fl := flock.New(path)
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		return fmt.Errorf("progress: cannot lock %s within %s: %v", path, lockTimeout, err)
	}
	defer fl.Unlock()
	return fn()
}

func truncate(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " ..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
