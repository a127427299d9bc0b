package engine

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
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

// linkLine is the real "ip -br link" line of a link, e.g.
// "eth0@if2  UP  aa:bb:.. <BROADCAST,MULTICAST,UP,LOWER_UP>".
func linkLine(t testing.TB, s *Session, node, dev string) string {
	t.Helper()
	return strings.TrimSpace(nsTool(t, s, node, "ip", "-br", "link", "show", "dev", dev))
}

func macIn(line string) string {
	return regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).FindString(line)
}

// linkLocal is the real list of a link's fe80:: addresses.
func linkLocal(t testing.TB, s *Session, node, dev string) string {
	t.Helper()
	return strings.TrimSpace(nsTool(t, s, node, "ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "link"))
}

// TestUndoRestoresLinkState: after undo, carrier, operstate and link-local
// addresses are as a fresh run of the steps before leaves them, and a
// snapshot taken right after a step already sees them settled.
func TestUndoRestoresLinkState(t *testing.T) {
	tests := []struct {
		name   string
		setup  []Transaction // applied first
		step   Transaction   // applied, undone, applied again
		node   string        // where to look
		dev    string
		before func(t *testing.T, line, ll string) // after the undo
		after  func(t *testing.T, line, ll string) // after each run
		// newLinks: the step makes links, whose MACs the kernel picks at
		// random each run, so the two runs' snapshots are not compared.
		newLinks bool
	}{
		{name: "link down and up again", step: Transaction{Title: "down", Commands: []*Command{mustParse(t, "ip link set eth0 down")}},
			node: "host", dev: "eth0",
			before: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, " UP ") || !strings.Contains(line, "LOWER_UP") || ll == "" {
					t.Errorf("want up with carrier and a link-local address: %q / %q", line, ll)
				}
			},
			after: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, " DOWN ") || ll != "" {
					t.Errorf("want down without link-local address: %q / %q", line, ll)
				}
			}},
		{name: "the peer comes up: undo forgets the link-local address, redo makes it again",
			setup: []Transaction{{Title: "pair", Commands: []*Command{mustParse(t, "ip link add a1 type veth peer name a2"), mustParse(t, "ip link set a1 up")}}},
			step:  Transaction{Title: "peer up", Commands: []*Command{mustParse(t, "ip link set a2 up")}},
			node:  "host", dev: "a1",
			before: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, "NO-CARRIER") || ll != "" {
					t.Errorf("want no carrier and no link-local address, as a1 never had carrier: %q / %q", line, ll)
				}
			},
			after: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, " UP ") || ll == "" {
					t.Errorf("want state UP with a link-local address: %q / %q", line, ll)
				}
			}},
		{name: "a bridge that loses its only port is made anew",
			setup: []Transaction{{Title: "bridge", Commands: []*Command{mustParse(t, "brctl addbr br0"), mustParse(t, "ip link set br0 up")}}},
			step:  Transaction{Title: "port", Commands: []*Command{mustParse(t, "ip link add v1 type veth peer name v2"), mustParse(t, "brctl addif br0 v1")}},
			node:  "host", dev: "br0", newLinks: true,
			before: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, " UNKNOWN ") || !strings.Contains(line, "LOWER_UP") || ll == "" {
					t.Errorf("want a fresh bridge: UNKNOWN with carrier and a link-local address: %q / %q", line, ll)
				}
			},
			after: func(t *testing.T, line, ll string) {
				if !strings.Contains(line, " DOWN ") || !strings.Contains(line, "NO-CARRIER") {
					t.Errorf("want no carrier with a port that is down: %q", line)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pairLab(t)
			for _, st := range tt.setup {
				if _, err := applyNext(s, st); err != nil {
					t.Fatal(err)
				}
			}
			before, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			var mid *Snapshot
			for run := 1; run <= 2; run++ {
				if _, err := applyNext(s, tt.step); err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				// No sleep: the snapshot itself waits for the kernel.
				got, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				tt.after(t, linkLine(t, s, tt.node, tt.dev), linkLocal(t, s, tt.node, tt.dev))
				if tt.newLinks {
					// Not pinned by undo, the bridge's MAC follows its port's
					// again, as on the first run.
					if br, v1 := macIn(linkLine(t, s, "host", "br0")), macIn(linkLine(t, s, "host", "v1")); br != v1 {
						t.Errorf("run %d: the bridge's MAC %s is not its port's %s", run, br, v1)
					}
				} else if mid != nil {
					if d := mid.Diff(got); len(d) > 0 {
						t.Errorf("the second run left another state: %v", d)
					}
				}
				mid = got
				if run == 2 {
					break
				}
				if _, err := s.Undo(); err != nil {
					t.Fatal(err)
				}
				after, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if d := before.Diff(after); len(d) > 0 {
					t.Errorf("undo did not restore: %v", d)
				}
				tt.before(t, linkLine(t, s, tt.node, tt.dev), linkLocal(t, s, tt.node, tt.dev))
			}
		})
	}
}

// TestSnapshotDoesNotWaitForARemovedLinkLocal: a link-local address
// removed on purpose (here in a shell, as a student would) leaves a
// settled lab; snapshots must not wait for an address the kernel will
// never make again.
func TestSnapshotDoesNotWaitForARemovedLinkLocal(t *testing.T) {
	s := pairLab(t)
	if _, err := s.Snapshot(); err != nil { // settled after setup
		t.Fatal(err)
	}
	nsTool(t, s, "host", "ip", "-6", "addr", "flush", "dev", "eth0", "scope", "link")
	if ll := linkLocal(t, s, "host", "eth0"); ll != "" {
		t.Fatalf("flush left %q", ll)
	}
	start := time.Now()
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > settleLimit/2 {
		t.Errorf("the snapshot waited %v for a link-local address that will not come", d)
	}
	for _, l := range snap.Nodes["host"].Links {
		if l.Name == "eth0" && len(l.LinkLocal) > 0 {
			t.Errorf("eth0 has %v in the snapshot", l.LinkLocal)
		}
	}
}
