package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// solution shows the reference solution of a lesson once the lesson
// passes, or at once with -trainer.
func solution(_ context.Context, a *app, args []string) int {
	flags := flag.NewFlagSet("solution", flag.ContinueOnError)
	trainer := flags.Bool("trainer", false, "show the solution even though the lesson does not pass yet")
	l, ok := a.oneLesson(flags, args, "solution [-trainer] LESSON")
	if !ok {
		return exitProblem
	}
	results, state := a.loadProgress()
	r := results[l.Name]
	if _, shown := state.Solutions[l.Name]; !*trainer && !shown && !r.Done() {
		passed, total := 0, 0
		if r != nil {
			passed, total = r.Passed, r.Total
		}
		fmt.Fprintf(a.stdout, "The solution of lesson %d unlocks when all its specs pass (now %d of %d, as of its last run).\n", l.Number, passed, total)
		fmt.Fprintf(a.stdout, "Run it:  go run ./cmd/workbook run %d     Stuck? go run ./cmd/workbook hint %d\n", l.Number, l.Number)
		fmt.Fprintln(a.stdout, "(A trainer can show it anyway with -trainer.)")
		return exitFailed
	}
	files, err := solutionFiles(l)
	if err != nil {
		return a.fail(err)
	}
	colour := cli.IsTerminal(a.stdout)
	shown := 0
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(f.rel)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return a.fail(err)
		}
		if err == nil && (bytes.Equal(have, f.data) || strings.HasSuffix(f.rel, ".go") && workbook.SameCode(have, f.data)) {
			continue
		}
		diff := workbook.UnifiedDiff(l.Path()+"/"+f.rel+" (yours)", l.SolutionPath()+"/"+f.rel+" (reference)", have, f.data)
		if shown > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprint(a.stdout, paint(diff, colour))
		shown++
	}
	if shown == 0 {
		fmt.Fprintf(a.stdout, "Your code in %s is the same as the reference solution.\n", l.Path())
	} else {
		fmt.Fprintf(a.stdout, "\nThe lines with - are yours, those with + the reference's; files that differ only in layout or\n"+
			"import order are the same and not shown.\n")
	}
	a.updateState(func(s *progress.State) {
		if _, ok := s.Solutions[l.Name]; !ok {
			s.Solutions[l.Name] = time.Now().UTC()
		}
	})
	return exitOK
}

// solve replaces the learner's files of a lesson with the solution, after
// a confirmation and a backup: a trainer's way to catch a learner up.
func solve(_ context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("solve", flag.ContinueOnError)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	l, ok := a.oneLesson(fs, args, "solve [-yes] LESSON")
	if !ok {
		return exitProblem
	}
	files, err := solutionFiles(l)
	if err != nil {
		return a.fail(err)
	}
	write := make(map[string][]byte)
	var differ []string
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(f.rel)))
		if err != nil || !bytes.Equal(have, f.data) {
			differ = append(differ, f.rel)
			write[f.rel] = f.data
		}
	}
	if len(differ) == 0 {
		fmt.Fprintf(a.stdout, "%s already holds the solution.\n", l.Path())
		return exitOK
	}
	fmt.Fprintf(a.stdout, "This replaces these files of %s with the reference solution:\n", l.Path())
	for _, rel := range differ {
		fmt.Fprintf(a.stdout, "  %s\n", rel)
	}
	if !*yes && !a.confirm("Your version goes to a backup folder first. Replace them?") {
		fmt.Fprintln(a.stdout, "Nothing changed.")
		return exitFailed
	}
	code := a.replace(l, write, nil, "now holds the solution")
	if code == exitOK {
		a.updateState(func(s *progress.State) {
			now := time.Now().UTC()
			s.Solved[l.Name] = now
			if _, ok := s.Solutions[l.Name]; !ok {
				s.Solutions[l.Name] = now
			}
		})
	}
	return code
}

// reset restores a lesson's files as committed in git, after a
// confirmation and a backup of the learner's version.
func reset(ctx context.Context, a *app, args []string) int {
	fs := flag.NewFlagSet("reset", flag.ContinueOnError)
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	l, ok := a.oneLesson(fs, args, "reset [-yes] LESSON")
	if !ok {
		return exitProblem
	}
	restore, remove, err := a.committedChanges(ctx, l)
	if err != nil {
		return a.fail(err)
	}
	if len(restore) == 0 && len(remove) == 0 {
		fmt.Fprintf(a.stdout, "%s is as committed; nothing to reset.\n", l.Path())
		return exitOK
	}
	fmt.Fprintf(a.stdout, "This restores %s as committed:\n", l.Path())
	for _, rel := range slices.Sorted(maps.Keys(restore)) {
		fmt.Fprintf(a.stdout, "  restore %s\n", rel)
	}
	for _, rel := range remove {
		fmt.Fprintf(a.stdout, "  remove  %s (not committed)\n", rel)
	}
	if !*yes && !a.confirm("Your version goes to a backup folder first. Reset the lesson?") {
		fmt.Fprintln(a.stdout, "Nothing changed.")
		return exitFailed
	}
	code := a.replace(l, restore, remove, "is reset")
	if code == exitOK {
		a.updateState(func(s *progress.State) {
			s.Reset[l.Name] = time.Now().UTC()
			delete(s.Done, l.Name)
			delete(s.Solved, l.Name)
		})
	}
	return code
}

// replace backs up the lesson files it is about to change, writes the new
// content of some (paths relative to the lesson), removes others, and
// forgets the lesson's results, which described the learner's code.
func (a *app) replace(l workbook.Lesson, write map[string][]byte, remove []string, done string) int {
	backup, err := a.backup(l, append(slices.Sorted(maps.Keys(write)), remove...))
	if err != nil {
		return a.fail(err)
	}
	for rel, data := range write {
		path := filepath.Join(l.Dir, filepath.FromSlash(rel))
		err := os.MkdirAll(filepath.Dir(path), 0o755)
		if err == nil {
			err = os.WriteFile(path, data, 0o644)
		}
		if err != nil {
			return a.fail(fmt.Errorf("workbook: %s: %w (your version is in %s)", l.Name, err, backup))
		}
	}
	for _, rel := range remove {
		if err := os.Remove(filepath.Join(l.Dir, filepath.FromSlash(rel))); err != nil {
			return a.fail(fmt.Errorf("workbook: %s: %w (your version is in %s)", l.Name, err, backup))
		}
	}
	if err := progress.Reset(a.wb.Root, l.Name); err != nil {
		fmt.Fprintf(a.stderr, "workbook: %v\n", err)
	}
	fmt.Fprintf(a.stdout, "%s %s; your version is in %s.\n", l.Path(), done, backup)
	fmt.Fprintf(a.stdout, "Run it:  go run ./cmd/workbook run %d\n", l.Number)
	return exitOK
}

// committedChanges compares the lesson folder with git's HEAD: the
// committed content of every file that differs or is missing (keyed by
// path relative to the lesson), and the .go files git does not track.
func (a *app) committedChanges(ctx context.Context, l workbook.Lesson) (map[string][]byte, []string, error) {
	gitCmd, err := exec.LookPath("git")
	if err != nil {
		return nil, nil, errors.New("workbook: reset needs git, to find the lesson as committed, and git is not on PATH; your files are unchanged")
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, gitCmd, append([]string{"-C", a.wb.Root}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("workbook: git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	list, err := git("ls-files", "-z", "--", l.Path())
	if err != nil {
		return nil, nil, fmt.Errorf("%w\nreset needs a git clone of the workbook; your files are unchanged", err)
	}
	restore := make(map[string][]byte)
	tracked := make(map[string]bool)
	for _, path := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		if path == "" {
			continue
		}
		rel := strings.TrimPrefix(path, l.Path()+"/")
		tracked[rel] = true
		committed, err := git("show", "HEAD:./"+path)
		if err != nil {
			return nil, nil, err
		}
		current, err := os.ReadFile(filepath.Join(a.wb.Root, filepath.FromSlash(path)))
		if err != nil || !bytes.Equal(current, committed) {
			restore[rel] = committed
		}
	}
	if len(tracked) == 0 {
		return nil, nil, fmt.Errorf("workbook: git does not track %s; reset restores only committed lessons", l.Path())
	}
	var remove []string
	err = filepath.WalkDir(l.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, err := filepath.Rel(l.Dir, path)
		if err == nil && !tracked[filepath.ToSlash(rel)] {
			remove = append(remove, filepath.ToSlash(rel))
		}
		return err
	})
	return restore, remove, err
}

// solutionFile is a file of a lesson's solution as a learner would have
// it: a Go file without its //workbook: directives, an asset as it is.
type solutionFile struct {
	rel  string // relative to the solution folder, with forward slashes
	data []byte
}

// solutionFiles lists the files of the lesson's solution, sorted.
func solutionFiles(l workbook.Lesson) ([]solutionFile, error) {
	var files []solutionFile
	err := filepath.WalkDir(l.SolutionDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(l.SolutionDir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".go") {
			if data, err = workbook.StripDirectives(path, data); err != nil {
				return err
			}
		}
		files = append(files, solutionFile{rel: filepath.ToSlash(rel), data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workbook: solution of %s: %w", l.Name, err)
	}
	return files, nil
}

// paint colours a unified diff for a terminal: removed lines red, added
// lines green, headers bold; without colour it returns the diff as it is.
func paint(diff string, colour bool) string {
	if !colour {
		return diff
	}
	lines := strings.SplitAfter(diff, "\n")
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
			lines[i] = "\x1b[1m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
		case strings.HasPrefix(line, "@@"):
			lines[i] = "\x1b[36m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
		case strings.HasPrefix(line, "-"):
			lines[i] = "\x1b[31m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
		case strings.HasPrefix(line, "+"):
			lines[i] = "\x1b[32m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
		}
	}
	return strings.Join(lines, "")
}

// backup copies the lesson's files (paths relative to the lesson) that
// exist into a new folder under .workbook/backup and returns that folder
// relative to the workbook root.
func (a *app) backup(l workbook.Lesson, files []string) (string, error) {
	dir := filepath.Join(progress.Dir(a.wb.Root), "backup", l.Name+"-"+time.Now().Format("20060102-150405.000"))
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("workbook: backup: %w", err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", fmt.Errorf("workbook: backup: %w", err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return "", fmt.Errorf("workbook: backup: %w", err)
		}
	}
	return a.wb.Rel(dir), nil
}

// confirm asks a yes/no question on stdin; anything but y or yes is no.
func (a *app) confirm(question string) bool {
	fmt.Fprintf(a.stdout, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
