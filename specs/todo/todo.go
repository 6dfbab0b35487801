// Package todo marks the exercises of the workbook's lessons.
//
// A lesson stub calls Implement; the call panics with an *Error whose text
// names the function to write, where it is, and the README step that
// explains it:
//
//	TODO: implement RegisterStudent (lessons/01-append/register.go:31) — README step 2
//
// Ginkgo reports the panic as the failure of the spec that called the stub
// and goes on with the other specs. The workbook harness recognises the
// marker by the Error type's text prefix, Prefix, so it can tell "not done
// yet" from a real defect.
package todo

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// Prefix starts the text of every marker failure.
const Prefix = "TODO: implement "

// Error is the value a stub panics with.
type Error struct {
	// Func is the unqualified name of the function to implement.
	Func string
	// File is the stub's file, relative to the repository root when it can
	// be determined (lessons/01-append/register.go).
	File string
	// Line is the line of the Implement call.
	Line int
	// Step names where the lesson explains the task ("README step 2").
	Step string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s%s (%s:%d)", Prefix, e.Func, e.File, e.Line)
	if e.Step != "" {
		s += " — " + e.Step
	}
	return s
}

// Implement panics with an *Error describing the caller. step says where
// the lesson explains the task, for example "README step 2".
func Implement(step string) {
	panic(at(2, step))
}

func at(skip int, step string) *Error {
	e := &Error{Func: "?", File: "?", Step: step}
	pc, file, line, ok := runtime.Caller(skip)
	if !ok {
		return e
	}
	e.File, e.Line = shortPath(file), line
	if fn := runtime.FuncForPC(pc); fn != nil {
		name := fn.Name()
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		// pkg.Func or pkg.(*T).Method: keep what follows the package.
		if i := strings.Index(name, "."); i >= 0 {
			name = name[i+1:]
		}
		name = strings.NewReplacer("(*", "", ")", "").Replace(name)
		e.Func = name
	}
	return e
}

// shortPath trims a source path to start at "lessons/" or "solutions/"
// when it contains one, and otherwise returns the base name.
func shortPath(file string) string {
	file = filepath.ToSlash(file)
	for _, dir := range []string{"/lessons/", "/solutions/"} {
		if i := strings.LastIndex(file, dir); i >= 0 {
			return file[i+1:]
		}
	}
	return filepath.Base(file)
}
