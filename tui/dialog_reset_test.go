package tui

import (
	"testing"
)

func TestReset(t *testing.T) {
	h := labHarness(t)
	h.key("enter", "enter", "R")
	h.wantScreen("Reset the lab?")
	h.key("n")
	if h.m.dialog != nil || h.be.resets != 0 {
		t.Fatal("n did not cancel the reset")
	}
	h.key("R", "y")
	if h.be.resets != 1 || h.m.current() != 0 || len(h.m.reports) != 0 {
		t.Fatalf("reset: %d resets, %d applied", h.be.resets, h.m.current())
	}
	h.wantScreen("the lab was reset", "▶  1 Create")
}
