package tui

import "testing"

// A step the kernel cannot do is shown as skipped, with the reason, in
// the status line, the step list and the step pane; never as done.
func TestSkippedStepShowsReason(t *testing.T) {
	be := &fakeBackend{skip: "this kernel has no 802.1Q VLAN support (module 8021q)"}
	h := newHarness(t, Options{Lab: bridgeLab(t)}, be)
	h.key("enter")
	h.wantScreen("step 1 skipped, nothing applied: this kernel has no 802.1Q", "–  1", "[skipped]", "Skipped, nothing applied:")
	if got := h.m.step.stateOf(0); got != stateSkipped {
		t.Errorf("state of step 1 = %d, want skipped", got)
	}
}
