package tui

import (
	"testing"
)

func TestPickerStartsALab(t *testing.T) {
	be := &fakeBackend{}
	h := newHarness(t, Options{}, be)
	h.wantScreen("pick a lab", "Build Docker's bridge network by hand", "built-in")
	h.key("enter")
	if h.m.screen != screenLab || be.running == nil {
		t.Fatalf("enter did not start the lab: screen %d", h.m.screen)
	}
	h.wantScreen("Step 1 of 16", "started lab bridge")
}

func TestPickerOffersTheRunningSession(t *testing.T) {
	be := &fakeBackend{}
	be.running = &fakeDriver{lab: bridgeLab(t)}
	be.running.Step()
	be.running.Step()
	h := newHarness(t, Options{}, be)
	h.wantScreen("Continue Build Docker's bridge", "step 3 of 16 is next")
	h.key("enter")
	h.wantScreen("2/16 done", "Step 3 of 16", "reopened")
}

func TestPickerQuit(t *testing.T) {
	h := newHarness(t, Options{}, &fakeBackend{})
	h.key("q")
	if !h.quit {
		t.Fatal("q did not quit the picker")
	}
}
