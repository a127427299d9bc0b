package engine

import (
	"regexp"
	"strings"
	"testing"
)

// neighLine is the real "ip neigh" line for ip, or "".
func neighLine(t testing.TB, s *Session, node, ip string) string {
	t.Helper()
	for _, l := range strings.Split(nsTool(t, s, node, "ip", "-4", "neigh", "show", "nud", "all"), "\n") {
		if strings.HasPrefix(l, ip+" ") {
			return l
		}
	}
	return ""
}

// TestUndoForgetsLearnedNeighbours is the regression test for issue 14
// item 7: undo of a ping step left the ARP entries the ping created, so
// doing the step again sent no ARP request.
func TestUndoForgetsLearnedNeighbours(t *testing.T) {
	s := pairLab(t)
	if l := neighLine(t, s, "host", "192.0.2.2"); l != "" {
		t.Fatalf("before the ping the host already knows the peer: %q", l)
	}
	if _, err := applyNext(s, step(t, "ping", "ping -c 1 192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	if l := neighLine(t, s, "host", "192.0.2.2"); !strings.Contains(l, "lladdr") {
		t.Fatalf("the ping taught the host nothing: %q", l)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ node, ip string }{{"host", "192.0.2.2"}, {"peer", "192.0.2.1"}} {
		if l := neighLine(t, s, c.node, c.ip); l != "" {
			t.Errorf("after undo %s still holds %q", c.node, l)
		}
	}
}

// TestUndoRestoresReachableNeighbour: an entry learned before a step that
// flushed it (the link went down and up) comes back, still REACHABLE, so
// the step done again finds the cache as warm as the first time.
func TestUndoRestoresReachableNeighbour(t *testing.T) {
	s := pairLab(t)
	if _, err := applyNext(s, step(t, "ping", "ping -c 1 192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	learned := neighLine(t, s, "host", "192.0.2.2")
	if _, err := applyNext(s, step(t, "bounce", "ip link set eth0 down", "ip link set eth0 up")); err != nil {
		t.Fatal(err)
	}
	if l := neighLine(t, s, "host", "192.0.2.2"); l != "" {
		t.Fatalf("a link going down should flush its neighbours, got %q", l)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	got := neighLine(t, s, "host", "192.0.2.2")
	mac := regexp.MustCompile(`lladdr \S+`).FindString(learned)
	if mac == "" || !strings.Contains(got, mac) || !strings.HasSuffix(strings.TrimSpace(got), "REACHABLE") {
		t.Fatalf("after undo: %q, want the entry learned before (%q), REACHABLE", got, learned)
	}
}

// sameAsReal compares netlab's output of line on node with the real
// tool's (args), a few times over, since a learned entry may change state
// between the two reads.
func sameAsReal(t *testing.T, s *Session, node, line string, args ...string) string {
	t.Helper()
	var got, want string
	for range 3 {
		got = s.Run(node, mustParse(t, line)).Output
		want = nsTool(t, s, node, args...)
		if got == want {
			return got
		}
	}
	t.Errorf("%s on %s:\n%q\nthe real one:\n%q", line, node, got, want)
	return got
}

// Static entries in every nud state, a learned one, then "ip neigh flush"
// in its two forms: shown byte for byte as ip shows them, checked, and
// undone exactly, the noarp entry too (a snapshot holds it, unlike the
// kernel's own noarp entries for broadcast and multicast addresses).
func TestNeighShowFlush(t *testing.T) {
	s := pairLab(t)
	steps := [][]string{
		{"ip neigh add 192.0.2.5 lladdr 02:00:00:00:00:05 dev eth0",
			"ip neigh add 192.0.2.6 lladdr 02:00:00:00:00:06 nud reachable dev eth0",
			"ip neigh replace 192.0.2.7 lladdr 02:00:00:00:00:07 nud stale dev eth0",
			"ip neigh add 192.0.2.8 lladdr 02:00:00:00:00:08 nud noarp dev eth0",
			"ping -c 1 192.0.2.2"},
		{"ip neigh flush dev eth0"},
		{"ip neigh flush all nud permanent"},
	}
	var snaps []*Snapshot
	for i, lines := range steps {
		before, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, before)
		st := step(t, "neigh", lines...)
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		for _, r := range s.Check(st) {
			if r.Err != nil {
				t.Errorf("step %d: check %q: %v", i+1, r.Command.Text, r.Err)
			}
		}
		all := sameAsReal(t, s, "host", "ip neigh", "ip", "neigh")
		dev := sameAsReal(t, s, "host", "ip neigh show dev eth0", "ip", "neigh", "show", "dev", "eth0")
		switch i {
		case 0:
			for _, w := range []string{"192.0.2.5 dev eth0 lladdr 02:00:00:00:00:05 PERMANENT \n", "192.0.2.7 dev eth0 lladdr 02:00:00:00:00:07 STALE \n"} {
				if !strings.Contains(all, w) {
					t.Errorf("ip neigh lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, "NOARP") || !strings.Contains(dev, "192.0.2.2 lladdr ") {
				t.Errorf("ip neigh:\n%s\nip neigh show dev eth0:\n%s", all, dev)
			}
		case 1:
			if strings.Contains(dev, "192.0.2.2 ") || strings.Contains(dev, "192.0.2.7 ") || !strings.Contains(dev, "192.0.2.5 lladdr") {
				t.Errorf("after the flush, ip neigh show dev eth0:\n%s", dev)
			}
			if l := neighLine(t, s, "host", "192.0.2.8"); !strings.Contains(l, "NOARP") {
				t.Errorf("the flush took the noarp entry: %q", l)
			}
		case 2:
			if strings.Contains(dev, "192.0.2.5 ") {
				t.Errorf("after flush nud permanent, ip neigh show dev eth0:\n%s", dev)
			}
		}
	}
	for i := len(snaps) - 1; i >= 0; i-- {
		if _, err := s.Undo(); err != nil {
			t.Fatalf("undo of step %d: %v", i+1, err)
		}
		after, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if d := snaps[i].Diff(after); len(d) > 0 {
			t.Fatalf("undo of step %d: %v", i+1, d)
		}
		if i == 1 && !strings.Contains(neighLine(t, s, "host", "192.0.2.7"), "lladdr 02:00:00:00:00:07") {
			t.Error("undo of the flush did not bring 192.0.2.7 back")
		}
	}
	if l := neighLine(t, s, "host", "192.0.2.8"); l != "" {
		t.Errorf("undo of everything left %q", l)
	}
}
