package tui

import (
	"os"
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
)

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
