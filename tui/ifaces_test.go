package tui

import (
	"strings"
	"testing"
)

func TestChooseInterfaces(t *testing.T) {
	h := capHarness(t)
	h.key("i")
	h.wantScreen("Capture on which interfaces?", "[x] host:br01", "[ ] host:br-veth01")
	h.key(" ", "down", "down", " ", "esc") // check br-veth01, uncheck eth0
	got := h.m.capture.targets
	var names []string
	for _, g := range got {
		names = append(names, g.String())
	}
	if strings.Join(names, ",") != "host:br-veth01,host:br01" || !h.m.capture.manual {
		t.Fatalf("chosen %v", names)
	}
}
