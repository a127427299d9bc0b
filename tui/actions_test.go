package tui

import (
	"testing"
)

func TestUndo(t *testing.T) {
	for _, k := range []string{"u", "backspace"} {
		t.Run(k, func(t *testing.T) {
			h := labHarness(t)
			h.key(k)
			h.wantScreen("nothing to undo")
			h.key("enter", "enter", "enter", k) // run 1, show 2, run 2
			if h.m.current() != 1 {
				t.Fatalf("%d applied after undo, want 1", h.m.current())
			}
			h.wantScreen("undid step 2", "▶  2 Give")
			h.key("tab", "tab")
			h.wantScreen("Undo of step 2, Give the bridge an address: what changed", "- host link: thing2 bridge up")
		})
	}
}

func TestNavigation(t *testing.T) {
	h := labHarness(t)
	tests := []struct {
		key  string
		want int
	}{{"p", 0}, {"n", 1}, {"right", 2}, {"left", 1}, {"n", 2}}
	for _, tc := range tests {
		h.key(tc.key)
		if h.m.step.viewed != tc.want {
			t.Fatalf("after %q viewing step %d, want %d", tc.key, h.m.step.viewed, tc.want)
		}
	}
	if h.m.current() != 0 {
		t.Fatal("reading ahead ran a step")
	}
	h.wantScreen("Step 3 of 16", "[not run yet]")
	for range 20 {
		h.key("n")
	}
	if h.m.step.viewed != 15 {
		t.Fatalf("viewing %d past the end", h.m.step.viewed)
	}
	// scrolling keys move the step text
	h.key("down", "down")
	if h.m.step.off == 0 {
		t.Fatal("down did not scroll")
	}
	h.key("g")
	if h.m.step.off != 0 {
		t.Fatal("g did not go to the top")
	}
}

func TestRunAll(t *testing.T) {
	h := labHarness(t)
	h.key("a")
	if !h.m.done() {
		t.Fatalf("run all stopped at %d", h.m.current())
	}
	h.wantScreen("16/16 done", "that was the last step")
	h.key("enter")
	h.wantScreen("every step is done")
}

func TestHint(t *testing.T) {
	h := labHarness(t)
	h.key("h")
	h.wantScreen("Hint:", "brctl addbr")
	h.key("esc")
	if h.m.step.showHint {
		t.Fatal("esc kept the hint")
	}
	h.key("enter", "h")
	h.wantScreen("This step has no hint")
}

func TestShellByHand(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		want []string
	}{
		{"done", true, []string{"step 1 done by hand", "✎  1 Create"}},
		{"missing", false, []string{"not done yet", "Still missing:", "brctl addbr br01: not found in the kernel"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			be := &fakeBackend{byHandOK: tc.ok}
			h := newHarness(t, Options{Lab: bridgeLab(t)}, be)
			h.key("s")
			if h.execs != 1 || len(be.shells) != 1 || be.shells[0] != "host" {
				t.Fatalf("s: %d execs, shells %v", h.execs, be.shells)
			}
			h.send(shellDoneMsg{before: fakeSnapshot()})
			h.wantScreen(tc.want...)
			if got := h.m.current(); got != map[bool]int{true: 1, false: 0}[tc.ok] {
				t.Fatalf("%d applied", got)
			}
		})
	}
}

func TestPanes(t *testing.T) {
	h := labHarness(t)
	want := []pane{paneTopology, paneChanges, paneCapture, paneStep}
	for _, p := range want {
		h.key("tab")
		if h.m.pane != p {
			t.Fatalf("tab: pane %d, want %d", h.m.pane, p)
		}
	}
	h.key("shift+tab")
	if h.m.pane != paneCapture {
		t.Fatal("shift+tab did not go back")
	}
	h.key("tab", "tab")
	h.wantScreen("The lab as the kernel has it now", "br01 · bridge · 192.168.88.1/24", "│ ● br-veth01",
		"┼ ns01", "203.0.113.10/32", "nat: MASQUERADE -s 192.168.88.0/24", "forwarding on", "○ veth01", "eth0 ●─┼──┼─● wan0")
}

func TestHelp(t *testing.T) {
	h := labHarness(t)
	h.key("?")
	h.wantScreen("run all", "reset lab", "follow packet")
	h.key("?")
	if h.m.fullHelp {
		t.Fatal("? did not close the help")
	}
}
