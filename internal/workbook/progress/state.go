package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/store/vfs"
)

// State is the learner's local state beside the spec results.
type State struct {
	Version int `json:"version"`
	// Current is the lesson the learner worked on last.
	Current string `json:"current,omitempty"`
	// Hints counts the hints revealed, by lesson and then by hint section
	// (the step number, or the section title).
	Hints map[string]map[string]int `json:"hints,omitempty"`
	// Solutions records when a lesson's solution was first shown.
	Solutions map[string]time.Time `json:"solutions,omitempty"`
	// Done records when each lesson first passed completely; a reset
	// forgets it.
	Done map[string]time.Time `json:"done,omitempty"`
	// Solved records when a lesson's files were last replaced by the
	// solution (the solve command); a reset forgets it.
	Solved map[string]time.Time `json:"solved,omitempty"`
	// Reset records when a lesson was last reset to its committed files.
	Reset map[string]time.Time `json:"reset,omitempty"`
}

// HintsRevealed returns how many hints of a lesson's section were revealed.
func (s *State) HintsRevealed(lesson, section string) int {
	return s.Hints[lesson][section]
}

// TotalHints returns how many hints of a lesson were revealed in all.
func (s *State) TotalHints(lesson string) int {
	n := 0
	for _, c := range s.Hints[lesson] {
		n += c
	}
	return n
}

func stateFile(root string) string { return filepath.Join(Dir(root), "state.json") }

// LoadState reads the learner's state. A missing file is an empty state;
// an unreadable one is described in the warning and treated as empty, and
// the next [UpdateState] replaces it.
func LoadState(root string) (*State, string) {
	s, err := readState(root)
	if err != nil {
		return newState(), fmt.Sprintf("progress file %s is unreadable (%v); starting from an empty state",
			filepath.Join(workbook.StateDir, "state.json"), err)
	}
	return s, ""
}

// UpdateState changes the learner's state under the progress lock and
// writes it back atomically. It returns a warning when the old state was
// unreadable and has been replaced.
func UpdateState(root string, change func(*State)) (string, error) {
	var warning string
	err := withLock(root, func() error {
		var s *State
		s, warning = LoadState(root)
		change(s)
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		if err := vfs.WriteFileAtomic(nil, stateFile(root), append(data, '\n'), false); err != nil {
			return fmt.Errorf("progress: %w", err)
		}
		return nil
	})
	return warning, err
}

func newState() *State {
	return &State{
		Version:   Version,
		Hints:     map[string]map[string]int{},
		Solutions: map[string]time.Time{},
		Done:      map[string]time.Time{},
		Solved:    map[string]time.Time{},
		Reset:     map[string]time.Time{},
	}
}

func readState(root string) (*State, error) {
	data, err := os.ReadFile(stateFile(root))
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, err
	}
	s := newState()
	if err := json.Unmarshal(data, s); err != nil {
		return nil, err
	}
	if s.Version != Version {
		return nil, fmt.Errorf("not a version %d state file", Version)
	}
	if s.Hints == nil {
		s.Hints = map[string]map[string]int{}
	}
	if s.Solutions == nil {
		s.Solutions = map[string]time.Time{}
	}
	if s.Done == nil {
		s.Done = map[string]time.Time{}
	}
	if s.Solved == nil {
		s.Solved = map[string]time.Time{}
	}
	if s.Reset == nil {
		s.Reset = map[string]time.Time{}
	}
	return s, nil
}
