package tui

import (
	"strings"
	"testing"
)

// TestEnterAfterRunShowsNextStep: after a step ran, its outcome stays on
// screen and Enter only shows the next step; the Enter after that runs
// it. The status line says which of the two Enter does (issue 11).
func TestEnterAfterRunShowsNextStep(t *testing.T) {
	be := &fakeBackend{stepPackets: manyPackets(t)}
	h := newHarness(t, Options{Lab: flowLab(t)}, be)
	steps := []struct {
		name     string
		key      string
		applied  int
		viewed   int
		dialog   string   // the open dialog's type; "" for none
		status   string   // Enter's job on the status line
		onScreen []string // more that must show
		absent   []string
	}{
		{name: "opened", applied: 0, viewed: 0, status: "Enter: run step 1",
			onScreen: []string{"Step 1 of 2", "[next to run]", "enter run step"}, absent: []string{"output of"}},
		{name: "run step 1", key: "enter", applied: 1, viewed: 0, status: "Enter: next step",
			onScreen: []string{"Step 1 of 2", "[done]", "step 1 done", "output of ip link show br01",
				"captured during the step (15):", "12:00:00.000 host:br01 B   ARP, Request who-has 192.168.88.1",
				"… and 7 more (tab: Capture pane)", "enter show next"}},
		{name: "show step 2, not run", key: "enter", applied: 1, viewed: 1, status: "Enter: predict, then run step 2",
			onScreen: []string{"Step 2 of 2", "[next to run]"}, absent: []string{"output of", "captured during"}},
		{name: "ask", key: "enter", applied: 1, viewed: 1, dialog: "questionDialog",
			onScreen: []string{"Predict first", "1. An ARP request"}},
		{name: "answer runs", key: "1", applied: 2, viewed: 1,
			onScreen: []string{"Your prediction", "right", "the destination's MAC address", "output of ip -br addr show br01"}},
	}
	for _, s := range steps {
		if s.key != "" {
			h.key(s.key)
		}
		if h.m.current() != s.applied || h.m.step.viewed != s.viewed || dialogName(h.m.dialog) != s.dialog {
			t.Fatalf("%s: %d applied, viewing %d, dialog %q; want %d, %d, %q", s.name,
				h.m.current(), h.m.step.viewed, dialogName(h.m.dialog), s.applied, s.viewed, s.dialog)
		}
		if got := h.m.enterHint(); got != s.status {
			t.Errorf("%s: Enter's hint %q, want %q", s.name, got, s.status)
		}
		scr := h.screen()
		lines := strings.Split(scr, "\n")
		if s.status != "" && !strings.Contains(lines[len(lines)-2], s.status) {
			t.Errorf("%s: status line %q lacks %q", s.name, lines[len(lines)-2], s.status)
		}
		for _, p := range s.onScreen {
			if !strings.Contains(scr, p) {
				t.Errorf("%s: screen lacks %q:\n%s", s.name, p, scr)
			}
		}
		for _, p := range s.absent {
			if strings.Contains(scr, p) {
				t.Errorf("%s: screen shows %q:\n%s", s.name, p, scr)
			}
		}
	}
	// Reading back to a done step shows its outcome again.
	h.key("p")
	h.m.step.off = 1 << 30
	h.wantScreen("Step 1 of 2", "[done]", "The bridge is up")
}

// TestRunAllDoesNotStop: run-all runs every step without waiting for
// Enter between them, and ends on the last step's outcome.
func TestRunAllDoesNotStop(t *testing.T) {
	h := newHarness(t, Options{Lab: flowLab(t)}, &fakeBackend{})
	h.key("a")
	if !h.m.done() || h.m.step.viewed != 1 {
		t.Fatalf("run all: %d applied, viewing %d", h.m.current(), h.m.step.viewed)
	}
	h.wantScreen("2/2 done", "output of ip -br addr show br01")
}
