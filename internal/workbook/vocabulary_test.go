package workbook_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

// vocabulary is what a lesson's solution calls its events: the event type
// and tag key constants, and the JSON fields of each struct.
type vocabulary struct {
	// types maps a constant ending in Type to its value.
	types map[string]string
	// keys maps a constant ending in Key, without an "ID" before the Key
	// (StudentIDKey is StudentKey), to its value.
	keys map[string]string
	// fields maps a struct to its JSON fields ("name:GoType"), sorted: the
	// order of the fields is not part of the vocabulary.
	fields map[string][]string
}

// readVocabulary parses the non-test Go files of a solution folder.
func readVocabulary(dir string) vocabulary {
	GinkgoHelper()
	v := vocabulary{types: map[string]string{}, keys: map[string]string{}, fields: map[string][]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	Expect(err).NotTo(HaveOccurred())
	Expect(files).NotTo(BeEmpty(), "no Go files in %s", dir)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		Expect(err).NotTo(HaveOccurred())
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				return false // only package-level declarations
			case *ast.ValueSpec:
				for i, name := range n.Names {
					lit, ok := valueAt(n.Values, i).(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					value, _ := strconv.Unquote(lit.Value)
					switch {
					case strings.HasSuffix(name.Name, "Type"):
						v.types[name.Name] = value
					case strings.HasSuffix(name.Name, "Key"):
						v.keys[strings.Replace(name.Name, "IDKey", "Key", 1)] = value
					}
				}
			case *ast.TypeSpec:
				st, ok := n.Type.(*ast.StructType)
				if !ok {
					return false
				}
				for _, field := range st.Fields.List {
					if field.Tag == nil {
						continue
					}
					tag, _ := strconv.Unquote(field.Tag.Value)
					if name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ","); name != "" {
						v.fields[n.Name.Name] = append(v.fields[n.Name.Name], name+":"+types.ExprString(field.Type))
					}
				}
				slices.Sort(v.fields[n.Name.Name])
				return false
			}
			return true
		})
	}
	return v
}

func valueAt(values []ast.Expr, i int) ast.Expr {
	if i < len(values) {
		return values[i]
	}
	return nil
}

// The lessons that add events of their own, and the tag keys they add: an
// event or a key the sample lacks is allowed only here, and must still spell
// the data it shares with the sample as the sample does.
var (
	ownEvents = map[string][]string{
		"08-automation":    {"InvoiceRefused"},
		"09-personal-data": {"StudentDataErased"},
	}
	ownKeys = map[string][]string{
		"03-projections": {"full"}, // a read model's tag, not an event's
		"08-automation":  {"causationId"},
	}
)

// earlierVersions are the names lesson 07 is about: what version 1 of the
// application wrote before it was renamed to the sample's vocabulary. They
// are labelled as version 1 in the lesson, and exempt from the sample's
// spelling; version 2, the lesson's own events, is checked like every other
// lesson.
var earlierVersions = map[string]struct{ types, keys []string }{
	"07-evolving-events": {
		types: []string{"StudentSubscribedToCourse"},
		keys:  []string{"student", "course"},
	},
}

// The CourseManagement sample of lesson 05 sets the vocabulary; every other
// lesson speaks it, so that a learner never meets an event, a tag or a field
// under a second name.
var _ = Describe("The vocabulary of lessons 01 to 09", func() {
	solutions := filepath.Join(workbooktest.RepoRoot(), "solutions")
	sample := func() vocabulary { return readVocabulary(filepath.Join(solutions, "05-coursemanagement")) }

	lessons := []string{"01-append", "02-tags", "03-projections", "04-dcb",
		"06-writing-specs", "07-evolving-events", "08-automation", "09-personal-data"}

	It("covers every lesson but the sample", func() {
		dirs, err := filepath.Glob(filepath.Join(solutions, "[0-9][0-9]-*"))
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, dir := range dirs {
			if name := filepath.Base(dir); name != "05-coursemanagement" {
				names = append(names, name)
			}
		}
		Expect(names).To(ConsistOf(lessons), "a new lesson must be added to this spec's list")
	})

	for _, lesson := range lessons {
		It(fmt.Sprintf("is lesson 05's in %s: the same event types, tag keys and data fields", lesson), func() {
			want, got := sample(), readVocabulary(filepath.Join(solutions, lesson))
			sampleTypes, sampleKeys := map[string]bool{}, map[string]bool{}
			for _, t := range want.types {
				sampleTypes[t] = true
			}
			for _, k := range want.keys {
				sampleKeys[k] = true
			}
			// sampleFields maps a JSON field of the sample, in lower case,
			// to its spelling and Go type ("studentId:string").
			sampleFields := map[string]string{}
			for _, fields := range want.fields {
				for _, f := range fields {
					name, _, _ := strings.Cut(f, ":")
					sampleFields[strings.ToLower(name)] = f
				}
			}
			earlier := earlierVersions[lesson]

			Expect(got.types).NotTo(BeEmpty())
			for name, t := range got.types {
				switch {
				case slices.Contains(earlier.types, t):
					continue
				case slices.Contains(ownEvents[lesson], t):
					Expect(got.fields).To(HaveKey(t), "the data of %s has no struct named like it", t)
					for _, f := range got.fields[t] {
						name, _, _ := strings.Cut(f, ":")
						if sampleField, ok := sampleFields[strings.ToLower(name)]; ok {
							Expect(f).To(Equal(sampleField), "%s's field %s is in lesson 05 as %s: spell it and type it as the sample does", t, f, sampleField)
						}
					}
				default:
					Expect(sampleTypes).To(HaveKey(t), "%s names the event type %q, which lesson 05 does not have: use the sample's name, or list it as the lesson's own event", name, t)
					Expect(got.fields).To(HaveKey(t), "the data of %s has no struct named like it", t)
					Expect(got.fields[t]).To(Equal(want.fields[t]), "the data of %s (JSON field:Go type) differs from lesson 05's", t)
				}
			}
			for name, key := range got.keys {
				if sampleKey, ok := want.keys[name]; ok {
					Expect(key).To(Equal(sampleKey), "the tag key of %s differs from lesson 05's", name)
				}
				if !slices.Contains(earlier.keys, key) && !slices.Contains(ownKeys[lesson], key) {
					Expect(sampleKeys).To(HaveKey(key), "%s is the tag key %q, which lesson 05 does not have: use the sample's key, or list it as the lesson's own", name, key)
				}
			}
		})
	}
})
