package tui

import (
	"testing"
)

func TestPacketsAreCoalescedIntoFrames(t *testing.T) {
	h := capHarness(t)
	before := h.m.View()
	_, cmd := h.m.Update(packetsMsg{gen: h.m.capture.gen, pkts: natPackets(t)})
	if h.m.View() != before {
		t.Fatal("a packet batch redrew before the frame tick")
	}
	if cmd == nil || !h.m.framePending {
		t.Fatal("no frame scheduled")
	}
	h.m.Update(frameMsg{})
	if h.m.View() == before {
		t.Fatal("the frame tick did not redraw")
	}
}
