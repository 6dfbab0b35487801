// Package hook is the one part of the workbook's progress that a lesson's
// suite links in: it records the suite's results when the suite ends.
//
// It is apart from package progress so that the workbook command, which
// reads and writes progress, does not depend on Ginkgo's runner: a cold
// first run then compiles the command in seconds and says what it is doing
// before the lesson's specs compile.
package hook

import (
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/opossum-go/opossum/internal/workbook/progress"
)

// Progress registers a Ginkgo ReportAfterSuite node that records the
// suite's results as the learner's progress ([progress.Record]). Call it
// once, at the top level of a lesson's suite file:
//
//	var _ = hook.Progress()
//
// It records nothing for a dry run, for a suite outside lessons/, or when
// the environment variable workbook.ProgressEnv is "off" (verification
// sets it). A failure to record is printed and never fails the suite.
func Progress() bool {
	ginkgo.ReportAfterSuite("workbook progress", func(r types.Report) {
		if err := progress.Record(r); err != nil {
			fmt.Fprintf(os.Stderr, "workbook: progress not recorded: %v\n", err)
		}
	})
	return true
}
