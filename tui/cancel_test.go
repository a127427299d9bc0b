package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/runner"
)

// hangingDriver is a fake whose step runs until its context is
// cancelled, then reports it rolled back, as the runner does.
type hangingDriver struct {
	*fakeDriver
	started chan struct{}
}

func (h *hangingDriver) StepContext(ctx context.Context) (*runner.StepReport, error) {
	close(h.started)
	<-ctx.Done()
	return nil, &engine.CancelledError{Index: len(h.applied)}
}

// While a step runs, esc or ctrl+c cancels it: the step's context is
// cancelled, the status says the step was rolled back and no step is
// applied. ctrl+c does not open the quit dialog then.
func TestCancelKeyStopsRunningStep(t *testing.T) {
	for _, k := range []string{"esc", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			h := labHarness(t)
			hs := &hangingDriver{fakeDriver: h.m.sess.(*fakeDriver), started: make(chan struct{})}
			h.m.sess = hs
			_, cmd := h.m.Update(keyMsg("enter"))
			if cmd == nil {
				t.Fatalf("enter ran nothing; dialog %q", dialogName(h.m.dialog))
			}
			done := make(chan tea.Msg, 1)
			go func() { done <- cmd() }()
			select {
			case <-hs.started:
			case <-time.After(2 * time.Second):
				t.Fatal("the step never started")
			}
			h.wantScreen("running step 1… (esc cancels)")
			if _, next := h.m.Update(keyMsg(k)); next != nil {
				t.Errorf("%s returned a command", k)
			}
			if h.m.dialog != nil {
				t.Errorf("%s opened dialog %q instead of cancelling", k, dialogName(h.m.dialog))
			}
			h.wantScreen("cancelling the step")
			var msg tea.Msg
			select {
			case msg = <-done:
			case <-time.After(2 * time.Second):
				t.Fatalf("%s did not cancel the step's context", k)
			}
			h.send(msg)
			h.wantScreen("step 1 cancelled; the lab is as before the step")
			if h.m.busy != "" || h.m.stepCancel != nil || h.m.current() != 0 {
				t.Errorf("after cancel: busy %q, cancel set %v, %d applied", h.m.busy, h.m.stepCancel != nil, h.m.current())
			}
			// With no step running, the keys mean what they always did.
			h.key(k)
			if k == "ctrl+c" && dialogName(h.m.dialog) != "quitDialog" {
				t.Errorf("ctrl+c with no step running: dialog %d, want the quit dialog", h.m.dialog)
			}
			if k == "esc" && (h.m.dialog != nil || strings.Contains(h.screen(), "cancelling")) {
				t.Errorf("esc with no step running did something: dialog %q", dialogName(h.m.dialog))
			}
		})
	}
}

// A step that ends by itself clears the cancel, so that esc afterwards
// does not claim to cancel anything.
func TestCancelClearedWhenStepEnds(t *testing.T) {
	h := labHarness(t)
	h.key("enter")
	if h.m.current() != 1 {
		t.Fatalf("%d applied, want 1", h.m.current())
	}
	if h.m.stepCancel != nil {
		t.Fatal("the finished step's cancel is still set")
	}
	h.key("esc")
	if strings.Contains(h.m.busy, "cancelling") {
		t.Fatalf("esc after the step: busy %q", h.m.busy)
	}
}
