package workbook

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Folder names inside a workbook root.
const (
	LessonsDir   = "lessons"
	SolutionsDir = "solutions"
)

// ProgressEnv names the environment variable that turns the lessons'
// progress hook off when set to "off"; verification sets it, so that the
// results of a run with the solutions swapped in are not recorded as the
// learner's progress.
const ProgressEnv = "OPOSSUM_WORKBOOK_PROGRESS"

// StateDir is the git-ignored folder of the workbook root that holds the
// learner's progress and local state.
const StateDir = ".workbook"

// ErrUnknownLesson is returned by [Workbook.Lesson] when no lesson matches.
var ErrUnknownLesson = errors.New("workbook: unknown lesson")

// lessonPrefix matches a "Lesson 01:" prefix of a README heading, which a
// title does not repeat.
var lessonPrefix = regexp.MustCompile(`(?i)^lesson\s*\d+\s*[:.·—–-]\s*`)

// lessonName matches a lesson folder: two digits, a dash, a name.
var lessonName = regexp.MustCompile(`^(\d\d)-([a-z0-9][a-z0-9-]*)$`)

// Workbook is a workbook root: the folder that holds lessons/ and solutions/.
type Workbook struct {
	// Root is the absolute path of the workbook root.
	Root string
}

// Open returns the workbook rooted at root. A relative root is made
// absolute. It fails when root has no lessons folder.
func Open(root string) (*Workbook, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	info, err := os.Stat(filepath.Join(abs, LessonsDir))
	if err != nil {
		return nil, fmt.Errorf("workbook: no %s folder in %s: %w", LessonsDir, abs, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("workbook: %s is not a folder", filepath.Join(abs, LessonsDir))
	}
	return &Workbook{Root: abs}, nil
}

// Find looks for a workbook root in dir and its parents: the first folder
// that contains lessons/go.mod. It lets the CLI run from anywhere inside
// the repository.
func Find(dir string) (*Workbook, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, LessonsDir, "go.mod")); err == nil {
			return Open(d)
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("workbook: no %s/go.mod in %s or any parent folder; run this from inside the repository", LessonsDir, abs)
		}
	}
}

// Lesson is one lesson of the workbook and the place of its solution.
type Lesson struct {
	// Number is the lesson's number: 1 for 01-append.
	Number int
	// Name is the lesson's folder name: 01-append.
	Name string
	// Title is the first heading of the lesson's README.md without a
	// "Lesson 01:" prefix, or Name when the README has no heading.
	Title string
	// Dir is the absolute path of the lesson folder.
	Dir string
	// SolutionDir is the absolute path of the solution folder. It may not
	// exist; [Workbook.CheckFiles] reports that.
	SolutionDir string
}

// Path returns the lesson folder relative to the workbook root, with
// forward slashes: lessons/01-append.
func (l Lesson) Path() string { return LessonsDir + "/" + l.Name }

// SolutionPath returns the solution folder relative to the workbook root:
// solutions/01-append.
func (l Lesson) SolutionPath() string { return SolutionsDir + "/" + l.Name }

// Lessons lists the lessons in number order. A lesson is a folder of
// lessons/ whose name is two digits, a dash and a name (01-append); other
// entries are ignored. An empty list is not an error.
func (w *Workbook) Lessons() ([]Lesson, error) {
	entries, err := os.ReadDir(filepath.Join(w.Root, LessonsDir))
	if err != nil {
		return nil, fmt.Errorf("workbook: list lessons: %w", err)
	}
	var lessons []Lesson
	for _, e := range entries {
		m := lessonName.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		l := Lesson{
			Number:      n,
			Name:        e.Name(),
			Dir:         filepath.Join(w.Root, LessonsDir, e.Name()),
			SolutionDir: filepath.Join(w.Root, SolutionsDir, e.Name()),
		}
		l.Title = readmeTitle(filepath.Join(l.Dir, "README.md"))
		if l.Title == "" {
			l.Title = l.Name
		}
		lessons = append(lessons, l)
	}
	slices.SortFunc(lessons, func(a, b Lesson) int { return strings.Compare(a.Name, b.Name) })
	return lessons, nil
}

// Lesson finds a lesson by number (1 or 01), folder name (01-append) or
// the name after the number (append). It returns an error matching
// [ErrUnknownLesson] that lists the lessons when none matches.
func (w *Workbook) Lesson(ref string) (Lesson, error) {
	lessons, err := w.Lessons()
	if err != nil {
		return Lesson{}, err
	}
	n, numErr := strconv.Atoi(ref)
	for _, l := range lessons {
		_, short, _ := strings.Cut(l.Name, "-")
		if (numErr == nil && l.Number == n) || ref == l.Name || ref == short {
			return l, nil
		}
	}
	names := make([]string, len(lessons))
	for i, l := range lessons {
		names[i] = l.Name
	}
	if len(names) == 0 {
		return Lesson{}, fmt.Errorf("%w %q: %s has no lessons yet", ErrUnknownLesson, ref, LessonsDir)
	}
	return Lesson{}, fmt.Errorf("%w %q; the lessons are %s", ErrUnknownLesson, ref, strings.Join(names, ", "))
}

// Rel returns path relative to the workbook root with forward slashes, or
// path itself when it is outside the root.
func (w *Workbook) Rel(path string) string {
	rel, err := filepath.Rel(w.Root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(rel)
}

// readmeTitle returns the text of the first Markdown heading of the file,
// or "" when it has none or cannot be read.
func readmeTitle(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			title := strings.TrimSpace(strings.TrimLeft(line, "#"))
			return lessonPrefix.ReplaceAllString(title, "")
		}
	}
	return ""
}

// walkGo calls fn for every .go file under dir, with its path relative to
// dir (forward slashes). Like the go command, it skips testdata and folders
// whose names start with "." or "_".
func walkGo(dir string, fn func(rel string) error) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != dir && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".go") {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel))
	})
}
