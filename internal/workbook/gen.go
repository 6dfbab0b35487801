package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/specs/todo"
)

// The directives a solution marks its exercises with. See the package
// documentation, section "Generating the lessons".
const (
	directiveTODO     = "//workbook:todo"
	directiveEnd      = "//workbook:end"
	directiveSolution = "//workbook:solution"
	directivePrefix   = "//workbook:"
)

// todoDirective parses the text of a //workbook:todo directive:
// "step 2: append the event and return its position".
var todoDirective = regexp.MustCompile(`^//workbook:todo\s+step\s+(\d+):\s*(\S.*)$`)

// ErrSolvedInPlace is returned by [Workbook.Generate] when a lesson file it
// would overwrite holds a learner's work: a function the solution marks as
// an exercise no longer has its stub.
var ErrSolvedInPlace = errors.New("workbook: lesson solved in place")

// Stub is one exercise of a generated lesson file: a function body or a
// region of one that the lesson replaces by a TODO panic.
type Stub struct {
	// Func is the function the stub is in: Name, or Type.Name for a method.
	Func string
	// Step is the README step that explains the exercise.
	Step int
	// Line is the line of the stub's panic in the generated file.
	Line int
}

// GeneratedFile is one file that gen writes into a lesson.
type GeneratedFile struct {
	// Rel is the file's path relative to the lesson folder, with forward
	// slashes.
	Rel string
	// Data is the file's content.
	Data []byte
	// Stubs lists the exercises of a Go file, in file order.
	Stubs []Stub
}

// Generate returns the files the lesson is made of, derived from its
// solution: every non-test .go file of the solution with its marked
// exercises replaced by stubs (see [GenerateGo]), and every other file of
// the solution (an asset the package embeds) copied as it is. The files
// are sorted by path.
func (w *Workbook) Generate(l Lesson) ([]GeneratedFile, error) {
	var files []GeneratedFile
	err := filepath.WalkDir(l.SolutionDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != l.SolutionDir && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(l.SolutionDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "_test.go") {
			return fmt.Errorf("%s/%s is a test file: specs live in the lesson", l.SolutionPath(), rel)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f := GeneratedFile{Rel: rel, Data: data}
		if strings.HasSuffix(rel, ".go") {
			f.Data, f.Stubs, err = GenerateGo(l.Path()+"/"+rel, data)
			if err != nil {
				return err
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workbook: generate %s: %w", l.Name, err)
	}
	return files, nil
}

// GenerateGo derives a lesson's Go file from its solution file src. name
// is the lesson file's path from the workbook root
// (lessons/01-append/register.go); the stubs' messages name it.
//
// The solution marks its exercises with directives:
//
//   - "//workbook:todo step N: text" in a function's doc comment: the
//     lesson replaces the function's body by a stub.
//   - "//workbook:todo step N: text" on a line of its own inside a body,
//     and "//workbook:end" after the statements it covers: the lesson
//     replaces those statements by a stub. Nothing may follow them in
//     their block, since the stub does not return.
//   - "//workbook:solution" in the doc comment of a top-level
//     declaration: the declaration is the solution's alone (a helper its
//     exercises use) and the lesson leaves it out.
//
// A stub is a "// TODO: text" comment and a panic whose value is a TODO
// marker ([todo.Error]'s text: function, file, line and README step). It
// needs no import, so a learner who replaces it leaves no unused import
// behind. Imports that only the replaced code used are removed, the
// directives are dropped from the comments, and the result is gofmt-clean.
func GenerateGo(name string, src []byte) ([]byte, []Stub, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	g := &generator{name: name, fset: fset, file: f, src: src, tf: fset.File(f.Pos())}
	if err := g.plan(); err != nil {
		return nil, nil, err
	}
	out := g.apply()
	out, err = pruneImports(name, out, usedPackages(f))
	if err != nil {
		return nil, nil, err
	}
	if i := bytes.Index(out, []byte(directivePrefix)); i >= 0 {
		line := 1 + bytes.Count(out[:i], []byte("\n"))
		return nil, nil, fmt.Errorf("%s: misplaced or unknown directive %q at line %d of the generated file: a //workbook:todo belongs in a function's doc comment or opens a region closed by //workbook:end, and //workbook:solution belongs in a top-level declaration's doc comment",
			name, firstLine(out[i:]), line)
	}
	out, stubs := numberStubs(name, out, g.stubs)
	return out, stubs, nil
}

// edit replaces src[start:end] by text.
type edit struct {
	start, end int
	text       string
}

type generator struct {
	name  string
	fset  *token.FileSet
	file  *ast.File
	src   []byte
	tf    *token.File
	edits []edit
	stubs []Stub
	// used holds the comment groups already handled.
	used map[*ast.CommentGroup]bool
}

func (g *generator) off(p token.Pos) int { return g.tf.Offset(p) }

func (g *generator) errorf(p token.Pos, format string, args ...any) error {
	return fmt.Errorf("%s: %s", g.fset.Position(p), fmt.Sprintf(format, args...))
}

// plan collects the edits.
func (g *generator) plan() error {
	g.used = make(map[*ast.CommentGroup]bool)
	for _, decl := range g.file.Decls {
		var doc *ast.CommentGroup
		switch d := decl.(type) {
		case *ast.FuncDecl:
			doc = d.Doc
		case *ast.GenDecl:
			doc = d.Doc
		}
		if hasDirective(doc, directiveSolution) {
			g.used[doc] = true
			g.omit(decl, doc)
			continue
		}
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if line := directive(doc, directiveTODO); line != nil {
			g.used[doc] = true
			if fn.Body == nil {
				return g.errorf(line.Pos(), "%s has no body to replace", funcName(fn))
			}
			step, text, err := g.parseTODO(line)
			if err != nil {
				return err
			}
			g.dropDirectives(doc)
			g.edits = append(g.edits, edit{g.off(fn.Body.Lbrace) + 1, g.off(fn.Body.Rbrace), "\n" + stubCode(text, step) + "\n"})
			g.stubs = append(g.stubs, Stub{Func: funcName(fn), Step: step})
		}
		if fn.Body != nil {
			if err := g.regions(fn); err != nil {
				return err
			}
		}
	}
	for _, cg := range g.file.Comments {
		if !g.used[cg] && hasDirective(cg, directivePrefix) {
			return g.errorf(cg.Pos(), "misplaced directive: a //workbook:todo belongs in a function's doc comment or on a line of its own inside a body, //workbook:solution in a top-level declaration's doc comment")
		}
	}
	slices.SortFunc(g.edits, func(a, b edit) int { return a.start - b.start })
	for i := 1; i < len(g.edits); i++ {
		if g.edits[i].start < g.edits[i-1].end {
			return fmt.Errorf("%s: overlapping exercises: a region cannot sit inside a function whose whole body is an exercise", g.name)
		}
	}
	return nil
}

// regions finds the //workbook:todo ... //workbook:end regions inside the
// body of fn.
func (g *generator) regions(fn *ast.FuncDecl) error {
	var open *ast.Comment
	var step int
	var text string
	for _, cg := range g.file.Comments {
		if cg.Pos() < fn.Body.Lbrace || cg.End() > fn.Body.Rbrace {
			continue
		}
		for _, c := range cg.List {
			switch {
			case strings.HasPrefix(c.Text, directiveTODO):
				if open != nil {
					return g.errorf(c.Pos(), "a //workbook:todo region opened at line %d is not closed before this one", g.fset.Position(open.Pos()).Line)
				}
				var err error
				if step, text, err = g.parseTODO(c); err != nil {
					return err
				}
				open = c
				g.used[cg] = true
			case c.Text == directiveEnd:
				if open == nil {
					return g.errorf(c.Pos(), "//workbook:end without a //workbook:todo")
				}
				if err := g.checkTail(fn.Body, open, c); err != nil {
					return err
				}
				start, end := g.lineStart(open.Pos()), g.lineEnd(c.End())+1
				indent := strings.Repeat("\t", depth(fn.Body, open.Pos()))
				code := indentLines(stubCode(text, step), indent)
				g.edits = append(g.edits, edit{start, end, code + "\n"})
				g.stubs = append(g.stubs, Stub{Func: funcName(fn), Step: step})
				open = nil
				g.used[cg] = true
			}
		}
	}
	if open != nil {
		return g.errorf(open.Pos(), "//workbook:todo region without //workbook:end")
	}
	return nil
}

// checkTail makes sure that no statement follows the region from open to
// end in its block: the stub panics, and code after it would be
// unreachable.
func (g *generator) checkTail(body *ast.BlockStmt, open, end *ast.Comment) error {
	var err error
	ast.Inspect(body, func(n ast.Node) bool {
		if err != nil || n == nil {
			return false
		}
		var list []ast.Stmt
		switch b := n.(type) {
		case *ast.BlockStmt:
			list = b.List
		case *ast.CaseClause:
			list = b.Body
		case *ast.CommClause:
			list = b.Body
		default:
			return true
		}
		if n.Pos() > open.Pos() || n.End() < end.End() {
			return true
		}
		for _, s := range list {
			if s.Pos() > open.Pos() && s.Pos() < end.Pos() && s.End() > end.Pos() {
				err = g.errorf(end.Pos(), "//workbook:end cuts a statement in two")
			}
			if s.Pos() > end.End() {
				err = g.errorf(s.Pos(), "a statement follows the //workbook:todo region that ends at line %d: a region must end its block, since its stub does not return", g.fset.Position(end.Pos()).Line)
				return false
			}
		}
		return true
	})
	return err
}

// omit removes a declaration and its doc comment.
func (g *generator) omit(decl ast.Decl, doc *ast.CommentGroup) {
	start := decl.Pos()
	if doc != nil {
		start = doc.Pos()
	}
	end := g.lineEnd(decl.End())
	// Drop the blank line that separated it from what follows.
	if end < len(g.src) && g.src[end] == '\n' {
		end++
	}
	g.edits = append(g.edits, edit{g.lineStart(start), end, ""})
}

// dropDirectives removes the directive lines of a comment group, and the
// empty comment lines its directives leave at its end. The lines kept keep
// their indentation.
func (g *generator) dropDirectives(cg *ast.CommentGroup) {
	start, end := g.lineStart(cg.Pos()), g.lineEnd(cg.End())
	var keep []string
	for _, line := range strings.Split(string(g.src[start:end]), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), directivePrefix) {
			keep = append(keep, line)
		}
	}
	for len(keep) > 0 && strings.TrimSpace(keep[len(keep)-1]) == "//" {
		keep = keep[:len(keep)-1]
	}
	text := ""
	if len(keep) > 0 {
		text = strings.Join(keep, "\n") + "\n"
	}
	if end < len(g.src) {
		end++ // the newline
	}
	g.edits = append(g.edits, edit{start, end, text})
}

// StripDirectives returns a solution file as a learner would write it:
// its code unchanged, its //workbook: directives removed, gofmt-clean.
// The solve and solution commands show and write this form.
func StripDirectives(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	g := &generator{name: name, fset: fset, file: f, src: src, tf: fset.File(f.Pos())}
	for _, cg := range f.Comments {
		if hasDirective(cg, directivePrefix) {
			g.dropDirectives(cg)
		}
	}
	return format.Source(g.apply())
}

func (g *generator) parseTODO(c *ast.Comment) (int, string, error) {
	m := todoDirective.FindStringSubmatch(strings.TrimSpace(c.Text))
	if m == nil {
		return 0, "", g.errorf(c.Pos(), "malformed directive %q: write //workbook:todo step N: what the learner is to do", c.Text)
	}
	step, _ := strconv.Atoi(m[1])
	return step, m[2], nil
}

// lineStart returns the offset of the start of the line of p.
func (g *generator) lineStart(p token.Pos) int {
	return g.off(g.tf.LineStart(g.fset.Position(p).Line))
}

// lineEnd returns the offset of the newline ending the line of p.
func (g *generator) lineEnd(p token.Pos) int {
	o := g.off(p)
	if i := bytes.IndexByte(g.src[o:], '\n'); i >= 0 {
		return o + i
	}
	return len(g.src)
}

// apply returns the source with the edits made.
func (g *generator) apply() []byte {
	var b bytes.Buffer
	at := 0
	for _, e := range g.edits {
		b.Write(g.src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.Write(g.src[at:])
	return b.Bytes()
}

// stubPlaceholder stands for the line number in a stub's marker until the
// file is formatted.
const stubPlaceholder = ":0) — README step "

// stubCode is the stub that replaces an exercise, before numbering: the
// TODO comment, wrapped, and the panic with the marker.
func stubCode(text string, step int) string {
	var b strings.Builder
	for _, line := range wrap("TODO: "+text, 72) {
		b.WriteString("// " + line + "\n")
	}
	// The function and file are filled in by numberStubs.
	fmt.Fprintf(&b, "panic(%q)", todo.Prefix+"? (?"+stubPlaceholder+strconv.Itoa(step))
	return b.String()
}

// numberStubs fills in the function, file (name) and line of each stub's
// marker, in file order.
func numberStubs(name string, src []byte, stubs []Stub) ([]byte, []Stub) {
	lines := strings.SplitAfter(string(src), "\n")
	k := 0
	for i, line := range lines {
		if k >= len(stubs) || !strings.Contains(line, stubPlaceholder) || !strings.Contains(line, `panic("`+todo.Prefix) {
			continue
		}
		s := &stubs[k]
		k++
		s.Line = i + 1
		lines[i] = line[:strings.Index(line, `panic(`)] + "panic(" + strconv.Quote(stubMarker(s.Func, name, s.Line, s.Step)) + ")\n"
	}
	return []byte(strings.Join(lines, "")), stubs
}

// stubMarker is the text of a stub's panic.
func stubMarker(fn, file string, line, step int) string {
	return (&todo.Error{Func: fn, File: file, Line: line, Step: "README step " + strconv.Itoa(step)}).Error()
}

// depth returns how many blocks of body enclose p, body itself included:
// the indentation of a statement at p.
func depth(body *ast.BlockStmt, p token.Pos) int {
	d := 0
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || p < n.Pos() || p >= n.End() {
			return false
		}
		switch n.(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			d++
		}
		return true
	})
	return d
}

func indentLines(s, indent string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// wrap splits text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// directive returns the first comment of cg that starts with prefix.
func directive(cg *ast.CommentGroup, prefix string) *ast.Comment {
	if cg == nil {
		return nil
	}
	for _, c := range cg.List {
		if strings.HasPrefix(c.Text, prefix) {
			return c
		}
	}
	return nil
}

func hasDirective(cg *ast.CommentGroup, prefix string) bool { return directive(cg, prefix) != nil }

// funcName names a function as a TODO marker does: Name, or Type.Name for
// a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fn.Name.Name
		}
		return fn.Name.Name
	}
}

// usedPackages returns the names used as the left side of a selector in f:
// the packages it refers to, and some variables.
func usedPackages(f *ast.File) map[string]bool {
	used := make(map[string]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// importName returns the name an import is used by: its explicit name, or
// a guess from its path (the last element that is not a major version).
func importName(imp *ast.ImportSpec) string {
	if imp.Name != nil {
		return imp.Name.Name
	}
	p, _ := strconv.Unquote(imp.Path.Value)
	elems := strings.Split(p, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && regexp.MustCompile(`^v\d+$`).MatchString(name) {
		name = elems[len(elems)-2]
	}
	name = strings.TrimPrefix(name, "go-")
	if i := strings.IndexAny(name, ".-"); i >= 0 {
		name = name[:i]
	}
	return name
}

// pruneImports removes the imports of src that the solution used (their
// names are in solutionUsed) but src no longer does, and formats it.
// An import whose name cannot be guessed from its path is never removed.
func pruneImports(name string, src []byte, solutionUsed map[string]bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("%s: the generated file does not parse: %w", name, err)
	}
	tf := fset.File(f.Pos())
	used := usedPackages(f)
	var edits []edit
	lineOf := func(p token.Pos) (int, int) {
		start := tf.Offset(tf.LineStart(fset.Position(p).Line))
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			return start, len(src)
		}
		return start, start + end + 1
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		var drop []ast.Spec
		for _, s := range gd.Specs {
			imp := s.(*ast.ImportSpec)
			n := importName(imp)
			if n != "_" && n != "." && solutionUsed[n] && !used[n] {
				drop = append(drop, s)
			}
		}
		switch {
		case len(drop) == 0:
		case len(drop) == len(gd.Specs):
			start, _ := lineOf(gd.Pos())
			_, end := lineOf(gd.End())
			edits = append(edits, edit{start, end, ""})
		default:
			for _, s := range drop {
				start, end := lineOf(s.Pos())
				edits = append(edits, edit{start, end, ""})
			}
		}
	}
	var b bytes.Buffer
	at := 0
	for _, e := range edits {
		b.Write(src[at:e.start])
		at = e.end
	}
	b.Write(src[at:])
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: the generated file does not format: %w", name, err)
	}
	return out, nil
}

// Generated is the check that a lesson's Go files and assets are what
// [Workbook.Generate] derives from its solution.
const Generated Check = "gen"

// CheckGenerated compares the lesson with what [Workbook.Generate] derives
// from its solution. A problem names the lesson file and its first line
// that differs, a file that is missing, or a non-test .go file of the
// lesson that the solution does not generate. A lesson a learner solved in
// place is reported once, as such, with the files concerned.
func (w *Workbook) CheckGenerated(l Lesson) []Problem {
	var problems []Problem
	add := func(format string, args ...any) {
		problems = append(problems, Problem{Lesson: l.Name, Check: Generated, Message: fmt.Sprintf(format, args...)})
	}
	files, err := w.Generate(l)
	if err != nil {
		add("%v", err)
		return problems
	}
	solved, err := w.solvedInPlace(l, files)
	if err != nil {
		add("%v", err)
		return problems
	}
	if len(solved) > 0 {
		add("%s is solved in place (%s): its files are a learner's work, not what gen writes", l.Path(), strings.Join(solved, ", "))
		return problems
	}
	generated := make(map[string]bool, len(files))
	for _, f := range files {
		generated[f.Rel] = true
		lessonFile := l.Path() + "/" + f.Rel
		have, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(f.Rel)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			add("%s is missing: run go run ./cmd/workbook gen", lessonFile)
		case err != nil:
			add("%v", err)
		case !bytes.Equal(have, f.Data):
			line, want, got := firstDifference(f.Data, have)
			add("%s:%d is not what gen writes from %s/%s: run go run ./cmd/workbook gen\n  gen writes: %s\n  lesson has: %s",
				lessonFile, line, l.SolutionPath(), f.Rel, want, got)
		}
	}
	sources, err := l.Sources()
	if err != nil {
		add("%v", err)
		return problems
	}
	for _, s := range sources {
		if !generated[s.Rel] {
			add("%s/%s is not generated from the solution: given code lives in %s; move it there (gen writes the lesson's copy) or delete it", l.Path(), s.Rel, l.SolutionPath())
		}
	}
	return problems
}

// SolvedInPlace lists the lesson's files, relative to the workbook root,
// in which a learner has solved an exercise: a function that gen stubs is
// there without its stub. A file that does not parse is listed too: it is
// work in progress. It fails when the solution does not generate.
func (w *Workbook) SolvedInPlace(l Lesson) ([]string, error) {
	files, err := w.Generate(l)
	if err != nil {
		return nil, err
	}
	return w.solvedInPlace(l, files)
}

// solvedInPlace is SolvedInPlace with the generated files at hand.
func (w *Workbook) solvedInPlace(l Lesson, files []GeneratedFile) ([]string, error) {
	var solved []string
	for _, f := range files {
		if len(f.Stubs) == 0 {
			continue
		}
		have, err := os.ReadFile(filepath.Join(l.Dir, filepath.FromSlash(f.Rel)))
		if errors.Is(err, fs.ErrNotExist) || bytes.Equal(have, f.Data) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
		if solvedFile(have, f.Stubs) {
			solved = append(solved, l.Path()+"/"+f.Rel)
		}
	}
	return solved, nil
}

// solvedFile reports whether src, a lesson file, lacks the stub of one of
// the functions stubs names, or does not parse.
func solvedFile(src []byte, stubs []Stub) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	want := make(map[string]int)
	for _, s := range stubs {
		want[s.Func]++
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil || want[funcName(fn)] == 0 {
			continue
		}
		if countStubs(fn.Body) < want[funcName(fn)] {
			return true
		}
	}
	return false
}

// countStubs counts the stubs in n: string literals that hold a TODO
// marker (the value of a stub's panic), and calls of todo.Implement.
func countStubs(n ast.Node) int {
	count := 0
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING && strings.Contains(x.Value, todo.Prefix) {
				count++
			}
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && id.Name == "todo" && x.Sel.Name == "Implement" {
				count++
			}
		}
		return true
	})
	return count
}

// firstDifference returns the first line (1-based) where have differs from
// want, and that line of each ("(end of file)" past the end).
func firstDifference(want, have []byte) (int, string, string) {
	w := strings.Split(string(want), "\n")
	h := strings.Split(string(have), "\n")
	at := func(lines []string, i int) string {
		if i < len(lines) {
			return strconv.Quote(lines[i])
		}
		return "(end of file)"
	}
	for i := 0; ; i++ {
		if i >= len(w) || i >= len(h) || w[i] != h[i] {
			return i + 1, at(w, i), at(h, i)
		}
	}
}

// WriteGenerated writes the lesson's files as [Workbook.Generate] derives
// them and returns the ones it changed, relative to the workbook root. It
// writes nothing and returns an error matching [ErrSolvedInPlace] when a
// learner has solved an exercise in one of the files (see
// [Workbook.SolvedInPlace]): generating is the author's job, and a
// learner's work is never overwritten.
func (w *Workbook) WriteGenerated(l Lesson) ([]string, error) {
	files, err := w.Generate(l)
	if err != nil {
		return nil, err
	}
	solved, err := w.solvedInPlace(l, files)
	if err != nil {
		return nil, err
	}
	if len(solved) > 0 {
		return nil, fmt.Errorf("%w: %s: gen writes lessons from their solutions for the workbook's authors and never overwrites a learner's work (restore the lesson with git, or run reset, first)",
			ErrSolvedInPlace, strings.Join(solved, ", "))
	}
	var written []string
	for _, f := range files {
		p := filepath.Join(l.Dir, filepath.FromSlash(f.Rel))
		if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, f.Data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, fmt.Errorf("workbook: %w", err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return written, fmt.Errorf("workbook: %w", err)
		}
		written = append(written, l.Path()+"/"+f.Rel)
	}
	return written, nil
}
