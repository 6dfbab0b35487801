// Package steps keeps a lesson's specs in the order of its README.
//
// Ginkgo shuffles a suite's top-level containers and sorts the specs
// inside one by file name and line. A lesson therefore declares its steps
// with [Describe], and its suite file declares one top-level container with
// [Lesson]: an Ordered container (with ContinueOnFailure, so that a failing
// spec does not skip the rest) that holds the steps in README order, step 1
// first, and the containers of one step in the order their files declare
// them. Each step's container carries the label step-N, so
//
//	go tool ginkgo --label-filter=step-2 ./lessons/01-append
//
// runs the specs of step 2 alone.
package steps

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/onsi/ginkgo/v2"
)

// stepText matches the text of a step's container: "Step 2: appending".
var stepText = regexp.MustCompile(`^Step (\d+): \S`)

// step is one container registered by Describe.
type step struct {
	n    int
	text string
	body func()
}

// registered holds the steps of the lesson's test binary, in the order
// their files declared them.
var registered []step

// Describe registers the container of one README step, with a text that
// starts "Step N: ", for [Lesson] to declare. It panics on any other text,
// so a misnamed step fails the suite before a spec runs. It returns true,
// so that a file declares it as
//
//	var _ = steps.Describe("Step 1: events are facts", func() { ... })
func Describe(text string, body func()) bool {
	m := stepText.FindStringSubmatch(text)
	if m == nil {
		panic(fmt.Sprintf("steps: %q does not start with \"Step N: \", the README step it checks", text))
	}
	n, _ := strconv.Atoi(m[1])
	registered = append(registered, step{n: n, text: text, body: body})
	return true
}

// Lesson declares the lesson's one top-level container, with the text
// title, holding every step registered by [Describe] in step order, each
// labelled step-N. The container is Ordered, which keeps that order in
// every run, and ContinueOnFailure, so that every spec runs even after one
// fails. It returns true, so that the suite file declares it as
//
//	var _ = steps.Lesson("Lesson 01")
func Lesson(title string) bool {
	return ginkgo.Describe(title, ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		ordered := slices.Clone(registered)
		slices.SortStableFunc(ordered, func(a, b step) int { return a.n - b.n })
		for _, s := range ordered {
			ginkgo.Describe(s.text, ginkgo.Label(Label(s.n)), s.body)
		}
	})
}

// Label returns the label of step n: "step-2".
func Label(n int) string { return "step-" + strconv.Itoa(n) }
