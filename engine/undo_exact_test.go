package engine

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// pairLab is two lab hosts joined by a veth pair, both ends up.
func pairLab(t testing.TB) *Session {
	t.Helper()
	spec := Spec{Hosts: []string{"host", "peer"}}
	for _, nc := range [][2]string{
		{"host", "ip link add eth0 type veth peer name eth0 netns peer"},
		{"host", "ip addr add 192.0.2.1/24 dev eth0"},
		{"host", "ip link set eth0 up"},
		{"peer", "ip addr add 192.0.2.2/24 dev eth0"},
		{"peer", "ip link set eth0 up"},
	} {
		spec.Setup = append(spec.Setup, NodeCommand{Node: nc[0], Command: mustParse(t, nc[1])})
	}
	return newLab(t, spec)
}

// nsTool runs a real tool inside a node's namespace and returns its output.
func nsTool(t testing.TB, s *Session, node string, args ...string) string {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nsenter", append([]string{"--net=" + path}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v on %s: %v\n%s", args, node, err, out)
	}
	return string(out)
}

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

// BenchmarkSnapshotSeed measures the snapshot taken before every step, on
// the seed lab wired up to its ping (bridge, two namespaces, veths up,
// neighbours learned): the state most steps are snapshotted in.
func BenchmarkSnapshotSeed(b *testing.B) {
	s := newLab(b, Spec{})
	for i, lines := range seedSteps[:8] {
		st := step(b, "seed", lines...)
		st.Index = i
		if _, err := applyNext(s, st); err != nil {
			b.Fatalf("step %d: %v", i, err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.snapshot(false); err != nil {
			b.Fatal(err)
		}
	}
}
