package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
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

func TestTooSmall(t *testing.T) {
	h := labHarness(t)
	h.send(tea.WindowSizeMsg{Width: 50, Height: 15})
	h.wantScreen("netlab needs at least 60x18")
	h.key("enter")
	if h.m.current() != 0 {
		t.Fatal("a key acted on a screen too small to show it")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantScreen("Step 1 of 16")
}

// capHarness is the lab at step 11 with the capture pane shown and the
// NAT packets in it.
func capHarness(t *testing.T) *harness {
	h := labHarness(t)
	for range 10 {
		h.m.sess.Step()
	}
	h.send(refreshCmd(h.m.sess)())
	h.key("shift+tab")
	if h.m.capture.src == nil {
		t.Fatalf("no live capture on %v (%s)", h.m.capture.targets, h.m.capture.openErr)
	}
	h.send(packetsMsg{gen: h.m.capture.gen, pkts: natPackets(t)})
	h.send(frameMsg{})
	return h
}

func TestCapturePackets(t *testing.T) {
	h := capHarness(t)
	if got := h.be.captures[len(h.be.captures)-1]; len(got) != 2 || got[0].String() != "host:br01" || got[1].String() != "host:eth0" {
		t.Fatalf("live capture on %v, want the step's br01 and eth0", got)
	}
	h.wantScreen("Capture on host:br01, host:eth0  live",
		"12:00:00.001 host:br01  In  IP 192.168.88.12 > 203.0.113.10: ICMP echo request",
		"12:00:00.002 host:eth0  Out IP 198.51.100.2 > 203.0.113.10: ICMP echo request")
	// a stale capture's packets are ignored
	h.send(packetsMsg{gen: h.m.capture.gen - 1, pkts: natPackets(t)})
	if len(h.m.capture.entries) != 5 {
		t.Fatalf("%d entries after a stale batch", len(h.m.capture.entries))
	}
}

func TestCapturePause(t *testing.T) {
	h := capHarness(t)
	h.key(" ")
	h.send(packetsMsg{gen: h.m.capture.gen, pkts: natPackets(t)[:2]})
	h.wantScreen("paused, 2 held")
	if len(h.m.capture.entries) != 5 {
		t.Fatal("paused pane took packets")
	}
	h.key(" ")
	if len(h.m.capture.entries) != 7 {
		t.Fatalf("resume: %d entries", len(h.m.capture.entries))
	}
}

func TestCaptureFilter(t *testing.T) {
	h := capHarness(t)
	h.key("/")
	h.key("hots")
	h.key("enter")
	h.wantScreen("filter: col 1: unknown")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.key("arp", "enter")
	if h.m.capture.filter == nil || len(h.m.capture.visible()) != 1 {
		t.Fatalf("arp filter shows %d", len(h.m.capture.visible()))
	}
	h.wantScreen("filter: arp", "ARP, Request who-has 192.168.88.1")
	h.key("/", "esc")
	if h.m.capture.typing {
		t.Fatal("esc kept typing")
	}
}

func TestFollowThroughNAT(t *testing.T) {
	h := capHarness(t)
	h.key("up", "up", "up") // the request on br01
	h.key("f")
	h.wantScreen("Follow the packet", "seen 2 time(s): host:br01 -> host:eth0",
		"rewritten (NAT): source 192.168.88.12 -> 198.51.100.2")
	h.key("esc")
	h.key("G", "f") // the reply on br01
	h.wantScreen("host:eth0 -> host:br01", "destination 198.51.100.2 -> 192.168.88.12")
	h.key("esc", "g", "f") // the ARP request
	h.wantScreen("seen 1 time(s): host:br01")
}

func TestSavePcap(t *testing.T) {
	h := capHarness(t)
	dir := t.TempDir()
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	h.key("w")
	h.wantScreen("saved 5 packets to " + filepath.Join(dir, "netlab-"))
	files, _ := filepath.Glob(filepath.Join(dir, "netlab-*.pcap"))
	if len(files) != 1 {
		t.Fatalf("pcap files: %v", files)
	}
}

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

func TestCaptureMemoryIsBounded(t *testing.T) {
	h := capHarness(t)
	batch := make([]capture.Packet, 1000)
	for i := range batch {
		batch[i] = natPackets(t)[1]
	}
	for range 30 {
		h.m.Update(packetsMsg{gen: h.m.capture.gen, pkts: batch})
	}
	if n := len(h.m.capture.entries); n > maxEntries+maxEntries/4 {
		t.Fatalf("%d entries kept", n)
	}
	if h.m.capture.seen != 30005 {
		t.Fatalf("seen %d", h.m.capture.seen)
	}
}

func TestStepFailureIsShown(t *testing.T) {
	h := labHarness(t)
	h.send(stepDoneMsg{index: 0, err: nil, rep: &runnerReportFailed, state: readState(h.m.sess)})
	h.wantScreen("✗  1 Create", "failed and was rolled back", "bridge br01 exists")
}
