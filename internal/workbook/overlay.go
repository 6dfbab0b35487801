package workbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Overlay is a Go build overlay: the Replace map of the JSON file that
// go build -overlay reads. Each key is a lesson file and each value the
// solution file compiled in its place.
//
// The go command resolves a relative path in an overlay against the folder
// it runs in, which ginkgo changes to each package folder; a path that
// matches no file is silently ignored and the stub is built instead.
// [Overlay.Validate] therefore insists on absolute paths that exist.
type Overlay struct {
	Replace map[string]string
}

// SolutionOverlay maps every non-test .go file of the lesson that has a
// solution counterpart to that counterpart, with absolute paths. A lesson
// file without a counterpart is left as it is; [Workbook.CheckFiles]
// reports it.
func (w *Workbook) SolutionOverlay(l Lesson) (Overlay, error) {
	sources, err := l.Sources()
	if err != nil {
		return Overlay{}, err
	}
	o := Overlay{Replace: make(map[string]string)}
	for _, s := range sources {
		solution := filepath.Join(l.SolutionDir, filepath.FromSlash(s.Rel))
		if _, err := os.Stat(solution); err == nil {
			o.Replace[filepath.Join(l.Dir, filepath.FromSlash(s.Rel))] = solution
		}
	}
	return o, nil
}

// Validate checks that the overlay replaces at least one file and that
// every path in it is absolute and names an existing regular file. An
// overlay that passes applies to every file it names.
func (o Overlay) Validate() error {
	if len(o.Replace) == 0 {
		return errors.New("overlay replaces no file")
	}
	var errs []error
	check := func(role, p string) {
		if !filepath.IsAbs(p) {
			errs = append(errs, fmt.Errorf("%s %q is not absolute: the go command resolves it against the folder it runs in and silently ignores it when it matches no file", role, p))
			return
		}
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s does not exist", role, p))
		} else if !info.Mode().IsRegular() {
			errs = append(errs, fmt.Errorf("%s %s is not a regular file", role, p))
		}
	}
	keys := make([]string, 0, len(o.Replace))
	for k := range o.Replace {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		check("overlaid file", k)
		check("replacement", o.Replace[k])
	}
	return errors.Join(errs...)
}

// WriteFile validates the overlay and writes it as JSON to path, which
// must be absolute.
func (o Overlay) WriteFile(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("workbook: overlay file %q is not absolute", path)
	}
	if err := o.Validate(); err != nil {
		return fmt.Errorf("workbook: invalid overlay: %w", err)
	}
	data, err := json.MarshalIndent(o, "", "\t")
	if err != nil {
		return fmt.Errorf("workbook: overlay: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("workbook: overlay: %w", err)
	}
	return nil
}

// ReadOverlayFile reads and validates an overlay file, which must be named
// by an absolute path. Every run with an overlay goes through it, so an
// overlay that would not apply fails the run instead of testing the stubs.
func ReadOverlayFile(path string) (Overlay, error) {
	if !filepath.IsAbs(path) {
		return Overlay{}, fmt.Errorf("workbook: overlay file %q is not absolute", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Overlay{}, fmt.Errorf("workbook: overlay: %w", err)
	}
	var o Overlay
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Overlay{}, fmt.Errorf("workbook: overlay %s: %w", path, err)
	}
	if err := o.Validate(); err != nil {
		return Overlay{}, fmt.Errorf("workbook: overlay %s: %w", path, err)
	}
	return o, nil
}
