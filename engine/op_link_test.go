package engine

import (
	"regexp"
	"strings"
	"testing"
)

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
