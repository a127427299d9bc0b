package tui

import (
	"testing"

	"github.com/netlab/netlab/labs/runner"
)

func TestQuestionEscGoesBack(t *testing.T) {
	h := labHarness(t)
	h.m.applied = make([]runner.StepState, 8)
	h.key("enter", "esc")
	if h.m.dialog != nil || h.m.busy != "" {
		t.Fatal("esc did not close the question")
	}
}
