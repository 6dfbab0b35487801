package workbook

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// HintSection is one section of a lesson's hints.md: the hints for one
// step, from gentle to specific.
type HintSection struct {
	// Title is the section's heading: "Step 2: append one event".
	Title string
	// Step is the step number the heading names, or 0.
	Step int
	// Hints are the section's numbered items, in order. A section without
	// numbered items is one hint.
	Hints []string
}

// Key identifies the section in the learner's state: the step number, or
// the title when the heading names no step.
func (h HintSection) Key() string {
	if h.Step > 0 {
		return strconv.Itoa(h.Step)
	}
	return h.Title
}

var (
	hintHeading = regexp.MustCompile(`^##\s+(.*?)\s*#*$`)
	hintItem    = regexp.MustCompile(`^\d+[.)]\s+`)
	stepInTitle = regexp.MustCompile(`(?i)\bstep\s+(\d+)`)
)

// Hints reads the lesson's hints.md: a section per "## " heading (usually
// "## Step N: ..."), and in each section the numbered items as hints.
// Text before the first section is an introduction, not a hint; a file
// without sections is one section.
func (l Lesson) Hints() ([]HintSection, error) {
	data, err := os.ReadFile(filepath.Join(l.Dir, "hints.md"))
	if err != nil {
		return nil, fmt.Errorf("workbook: lesson %s has no hints: %w", l.Name, err)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var (
		sections []HintSection
		body     []string
		inSect   bool
	)
	flush := func(title string) {
		if !inSect {
			return
		}
		h := HintSection{Title: title, Hints: splitHints(body)}
		if m := stepInTitle.FindStringSubmatch(title); m != nil {
			h.Step, _ = strconv.Atoi(m[1])
		}
		if len(h.Hints) > 0 {
			sections = append(sections, h)
		}
	}
	title := ""
	hasSections := false
	for _, line := range lines {
		if m := hintHeading.FindStringSubmatch(line); m != nil {
			flush(title)
			title, body, inSect, hasSections = m[1], nil, true, true
			continue
		}
		if inSect {
			body = append(body, line)
		}
	}
	flush(title)
	if !hasSections {
		var rest []string
		for _, line := range lines {
			if !strings.HasPrefix(line, "# ") {
				rest = append(rest, line)
			}
		}
		if hints := splitHints(rest); len(hints) > 0 {
			sections = append(sections, HintSection{Hints: hints})
		}
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("workbook: %s/hints.md has no hints", l.Path())
	}
	return sections, nil
}

// splitHints splits a section's lines into its numbered items, or returns
// the whole text as one hint when there are none.
func splitHints(lines []string) []string {
	var (
		hints   []string
		current []string
		intro   []string
	)
	for _, line := range lines {
		if hintItem.MatchString(line) {
			if current != nil {
				hints = append(hints, joinHint(current))
			}
			current = []string{hintItem.ReplaceAllString(line, "")}
			continue
		}
		if current != nil {
			current = append(current, strings.TrimPrefix(strings.TrimPrefix(line, "   "), "\t"))
		} else {
			intro = append(intro, line)
		}
	}
	if current != nil {
		hints = append(hints, joinHint(current))
	}
	if len(hints) == 0 {
		if text := joinHint(intro); text != "" {
			hints = append(hints, text)
		}
	}
	return hints
}

func joinHint(lines []string) string {
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
