package workbook

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// SameCode reports whether two Go files differ only in what gofmt and the
// order or grouping of their imports explain. A file that does not parse is
// the same as another only when their bytes are.
func SameCode(a, b []byte) bool {
	na, errA := normalize(a)
	nb, errB := normalize(b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	return na == nb
}

// normalize returns a Go file gofmt-clean with its imports in one sorted
// block.
func normalize(src []byte) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	var imports []string
	end := -1
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			break
		}
		for _, s := range gd.Specs {
			imp := s.(*ast.ImportSpec)
			name := ""
			if imp.Name != nil {
				name = imp.Name.Name + " "
			}
			imports = append(imports, name+imp.Path.Value)
		}
		end = fset.Position(gd.End()).Offset
	}
	if end < 0 {
		out, err := format.Source(src)
		return string(out), err
	}
	slices.Sort(imports)
	start := fset.Position(f.Decls[0].Pos()).Offset
	var b strings.Builder
	b.Write(src[:start])
	b.WriteString("import (\n")
	for _, imp := range imports {
		b.WriteString("\t" + imp + "\n")
	}
	b.WriteString(")")
	b.Write(src[end:])
	out, err := format.Source([]byte(b.String()))
	return string(out), err
}

// UnifiedDiff returns the differences between two texts as a unified diff
// with three lines of context, labelled with the names of the old and the
// new file; "" when the texts are equal.
func UnifiedDiff(oldName, newName string, oldText, newText []byte) string {
	a, b := splitLines(oldText), splitLines(newText)
	ops := diffLines(a, b)
	const context = 3
	var out strings.Builder
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before this change to context lines
		// after the last change that is at most 2*context lines away.
		start := max(i-context, 0)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*context {
				break
			}
		}
		stop := min(end+context+1, len(ops))
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
		}
		oldStart, newStart, oldCount, newCount := ops[start].a, ops[start].b, 0, 0
		for _, op := range ops[start:stop] {
			if op.kind != '+' {
				oldCount++
			}
			if op.kind != '-' {
				newCount++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
		for _, op := range ops[start:stop] {
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			out.WriteByte('\n')
		}
		i = stop
	}
	return out.String()
}

// hunkRange formats the start (0-based) and length of a hunk's side.
func hunkRange(start, count int) string {
	if count == 0 {
		return strconv.Itoa(start) + ",0"
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(count)
}

// diffOp is one line of a diff: ' ' kept, '-' removed, '+' added, with
// its index in the old (a) and new (b) text.
type diffOp struct {
	kind byte
	text string
	a, b int
}

// diffLines computes a shortest edit script by longest common
// subsequence; lesson files are small enough for its quadratic cost.
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], i, j})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', a[i], i, j})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], i, j})
			j++
		}
	}
	return ops
}

func splitLines(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
}
