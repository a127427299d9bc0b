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
