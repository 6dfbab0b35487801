package workbook

import "context"

// RunUnvalidated runs a lesson without validating the overlay first, so a
// test can show that the outcome check alone still catches an overlay that
// did not apply.
func (w *Workbook) RunUnvalidated(ctx context.Context, l Lesson, opts RunOptions) (*Result, error) {
	return w.run(ctx, l, opts)
}
