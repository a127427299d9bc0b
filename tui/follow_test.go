package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/netlab/netlab/capture"
)

var (
	macVeth02   = net6(0x12)
	macBrVeth02 = net6(0x22)
	macEth0     = net6(0x02)
)

// natPath is one echo request from ns02 to the outside, as captured at
// every interface it crosses: out of ns02's veth02, into the bridge port
// and the bridge, out of eth0 after MASQUERADE rewrote its source, and
// into the internet's wan0. The IP id and ICMP sequence stay the same;
// MASQUERADE may change the echo id, which follow ignores.
func natPath(t testing.TB) []capture.Packet {
	req := func(src string, smac, dmac []byte) []byte {
		return icmpEcho(t, smac, dmac, src, "203.0.113.10", 4711, 1, false)
	}
	return []capture.Packet{
		pkt("ns02", "veth02", capture.DirOut, 0, req("192.168.88.12", macVeth02, macBr)),
		pkt("host", "br-veth02", capture.DirIn, 1, req("192.168.88.12", macVeth02, macBr)),
		pkt("host", "br01", capture.DirIn, 2, req("192.168.88.12", macVeth02, macBr)),
		pkt("host", "eth0", capture.DirOut, 3, req("198.51.100.2", macEth0, macWAN)),
		pkt("internet", "wan0", capture.DirIn, 4, req("198.51.100.2", macEth0, macWAN)),
	}
}

func net6(last byte) []byte { return []byte{0x02, 0, 0, 0, 0, last} }

func natPathEntries(t testing.TB) []*pktEntry {
	var es []*pktEntry
	// arrival order differs from time order: follow sorts by time
	ps := natPath(t)
	for _, i := range []int{0, 2, 1, 3, 4} {
		es = append(es, newLiveEntry(ps[i]))
	}
	// an unrelated packet (another sequence) must not join the path
	es = append(es, newLiveEntry(pkt("host", "eth0", capture.DirOut, 5,
		icmpEcho(t, macEth0, macWAN, "198.51.100.2", "203.0.113.10", 4712, 2, false))))
	return es
}

// TestFollowNATOnMap follows the NAT'd echo request from ns02:veth02 to
// host:eth0 and beyond: the hops are numbered in time order on the map
// of the bridge lab, and at eth0 the rewritten source is shown.
func TestFollowNATOnMap(t *testing.T) {
	es := natPathEntries(t)
	fm := follow(es[0], es)
	fm.snap = loadTopoSnap(t, 13)
	var got []string
	for _, hp := range fm.hops {
		got = append(got, hp.e.label)
	}
	want := "ns02:veth02 host:br-veth02 host:br01 host:eth0 internet:wan0"
	if strings.Join(got, " ") != want {
		t.Fatalf("path %q, want %q", strings.Join(got, " "), want)
	}
	if fm.pos != 0 {
		t.Fatalf("the path starts at the selected packet's hop 1, got %d", fm.pos+1)
	}
	k := DefaultKeyMap()
	ctx := &shared{st: newStyles(true), keys: k}
	for _, size := range [][2]int{{80, 20}, {120, 32}} {
		w, h := size[0], size[1]
		f := fm
		f.ctx, f.pos = ctx, 0
		for range 3 {
			f.Update(keyMsg("right"))
		}
		if f.pos != 3 {
			t.Fatalf("→ three times: at hop %d, want 4", f.pos+1)
		}
		view := ansi.Strip(f.View(w, h))
		lines := strings.Split(view, "\n")
		if len(lines) != h {
			t.Errorf("%dx%d: the view has %d lines", w, h, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("%dx%d: line %d is %d cells", w, h, i, lw)
			}
		}
		checks := []struct{ name, want string }{
			{"current hop", "hop 4 of 5"},
			{"the whole path", "seen 5 time(s): ns02:veth02 -> host:br-veth02 -> host:br01 -> host:eth0 -> inte"},
			{"hop 4 in the list", "▶ ④ host:eth0"},
			{"the rewrite, where it happened", "rewritten (NAT): source 192.168.88.12 -> 198.51.100.2"},
			{"hop 4 at eth0 and 5 at wan0 on the map", "eth0 ④─┼──┼─⑤ wan0"},
			{"hop 2 on the bridge port", "② br-veth02"},
			{"hop 3 on the bridge", "③ br01 · bridge"},
		}
		for _, c := range checks {
			if !strings.Contains(view, c.want) {
				t.Errorf("%dx%d, %s: %q missing from\n%s", w, h, c.name, c.want, view)
			}
		}
		if n := strings.Count(view, "rewritten (NAT)"); n != 1 {
			t.Errorf("%dx%d: %d rewrites shown, want 1 (at eth0 only)", w, h, n)
		}
		if !strings.Contains(view, "IP 198.51.100.2 > 203.0.113.10") {
			t.Errorf("%dx%d: hop 4's own line does not show the rewritten source:\n%s", w, h, view)
		}
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) { golden.RequireEqual(t, []byte(view)) })
		// ← steps back, and not before the first hop; the map scrolls to
		// show where the packet is
		for range 5 {
			f.Update(keyMsg("left"))
		}
		if f.pos != 0 {
			t.Errorf("← five times from hop 4: at hop %d, want 1", f.pos+1)
		}
		if view := ansi.Strip(f.View(w, h)); !strings.Contains(view, "┼ ns02") || !strings.Contains(view, "① veth02") {
			t.Errorf("%dx%d: at hop 1 the map does not show ns02's veth02:\n%s", w, h, view)
		}
		if next, _ := f.Update(keyMsg("esc")); next != nil {
			t.Error("esc does not close the path")
		}
	}
}

// TestFollowKeysInTUI: in the capture pane, f on a packet opens its path,
// ←/→ step along it and esc closes it.
func TestFollowKeysInTUI(t *testing.T) {
	be := &fakeBackend{running: &fakeDriver{lab: bridgeLab(t)}}
	for range 12 {
		be.running.Step()
	}
	m := New(Options{Lab: bridgeLab(t)}, be, true)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	waitOutput(t, tm, "reopened")
	time.Sleep(200 * time.Millisecond) // the live capture opens
	be.send(natPath(t)...)
	keys(tm, "shift+tab")
	waitOutput(t, tm, "internet:wan0")
	keys(tm, "f")
	waitOutput(t, tm, "hop 5 of 5")
	keys(tm, "left")
	waitOutput(t, tm, "hop 4 of 5")
	keys(tm, "esc")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.dialog != nil {
		t.Errorf("esc left dialog %q open", dialogName(fm.dialog))
	}
	if fm.follow.pos != 3 || len(fm.follow.hops) != 5 {
		t.Errorf("at hop %d of %d, want 4 of 5", fm.follow.pos+1, len(fm.follow.hops))
	}
	if fm.follow.snap == nil {
		t.Error("the path was opened without the lab's map")
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
