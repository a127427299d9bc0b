package tui

import (
	"context"

	"github.com/netlab/netlab/labs/runner"
)

// StepContext runs the next step under ctx: cancelling it stops the
// running command and rolls the step back (the error then matches
// engine.ErrCancelled).
func (r *lessonDriver) StepContext(ctx context.Context) (*runner.StepReport, error) {
	r.s.SetContext(ctx)
	defer r.s.SetContext(nil)
	return r.s.Step()
}
