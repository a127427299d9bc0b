package tui

import (
	"testing"
)

func TestQuit(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		quit   bool
		resets int
	}{
		{"esc stays", []string{"q", "esc"}, false, 0},
		{"keep", []string{"q", "k"}, true, 0},
		{"tear down", []string{"q", "t"}, true, 1},
		{"ctrl+c asks", []string{"ctrl+c"}, false, 0},
		{"ctrl+c twice keeps", []string{"ctrl+c", "ctrl+c"}, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := labHarness(t)
			h.key("enter")
			h.key(tc.keys...)
			if h.quit != tc.quit || h.be.resets != tc.resets {
				t.Fatalf("quit %v resets %d, want %v %d", h.quit, h.be.resets, tc.quit, tc.resets)
			}
			if !tc.quit && tc.keys[len(tc.keys)-1] != "esc" {
				h.wantScreen("keep it running", "tear it down")
			}
		})
	}
}
