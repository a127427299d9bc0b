package tui

import (
	"testing"
)

func TestShellOnNode(t *testing.T) {
	h := labHarness(t)
	h.key("S")
	h.wantScreen("Open a shell on which node?", "internet")
	h.key("down", "down", "enter")
	if len(h.be.shells) != 1 || h.be.shells[0] != "ns01" {
		t.Fatalf("shells %v", h.be.shells)
	}
	h.key("S", "esc")
	if h.m.dialog != nil {
		t.Fatal("esc did not close the node list")
	}
}
