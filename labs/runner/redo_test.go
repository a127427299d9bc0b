package runner

import (
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
)

// pingNumbers are the parts of a packet line that differ between two runs
// of the same traffic by design: a ping's id and sequence number, TCP's
// initial sequence number, acknowledgements and timestamps.
var pingNumbers = regexp.MustCompile(`\b(id|seq|ack|val|ecr) \d+`)

// tcpPorts are a client's ephemeral ports in packet lines (".41860"), chosen
// anew on every run.
var tcpPorts = regexp.MustCompile(`\.\d{5}\b|\.(3[2-9]|[4-9]\d)\d{3}\b`)

// packetLines is a step's packets as compared between two runs: without
// timestamps, ping ids and sequence numbers normalised. (The capture
// already hides the IPv6 and IGMP chatter interfaces make by themselves.)
func packetLines(rep *StepReport) []string {
	var out []string
	for _, p := range rep.Packets {
		out = append(out, fmt.Sprintf("%s %s %s", p.Label, p.Dir, tcpPorts.ReplaceAllString(pingNumbers.ReplaceAllString(p.Summary, "$1 N"), ".P")))
	}
	return out
}

// TestUndoThenRedoEveryStep plays every built-in lab step by step and at
// each step undoes it and applies it again: the second run must show the
// same packets as the first, and leave the lab in the same state; the undo
// in between must restore the state before the step exactly, including
// what the kernel learned (neighbours) and settles by itself (carrier,
// operstate, link-local addresses).
func TestUndoThenRedoEveryStep(t *testing.T) {
	needRoot(t)
	all, err := labs.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no built-in lab")
	}
	for _, lab := range all {
		t.Run(lab.ID, func(t *testing.T) {
			t.Parallel() // each lab in a session and namespaces of its own
			s := start(t, lab)
			for i := range lab.Steps {
				quiet(t, s)
				before := snap(t, s)
				first := mustStep(t, s)
				afterFirst := snap(t, s)
				if _, err := s.Undo(); err != nil {
					t.Fatalf("step %d: undo: %v", i+1, err)
				}
				if d := before.Diff(snap(t, s)); len(d) > 0 {
					t.Errorf("step %d %q: undo did not restore the lab:\n%s", i+1, lab.Steps[i].Title, changeLines(d))
				}
				again := mustStep(t, s)
				if a, b := strings.Join(packetLines(first), "\n"), strings.Join(packetLines(again), "\n"); a != b {
					t.Errorf("step %d %q: the packets differ after undo and redo:\nfirst run:\n%s\nsecond run:\n%s", i+1, lab.Steps[i].Title, a, b)
				}
				if first.OK != again.OK {
					t.Errorf("step %d %q: the first run's verdict was OK=%v, the second's OK=%v:\nfirst run:\n%s\nsecond run:\n%s", i+1, lab.Steps[i].Title, first.OK, again.OK, strings.Join(first.Failures(), "\n"), strings.Join(again.Failures(), "\n"))
				}
				if d := kernelMACs(afterFirst, before).Diff(kernelMACs(snap(t, s), before)); len(d) > 0 {
					t.Errorf("step %d %q: the second run left a different lab:\n%s", i+1, lab.Steps[i].Title, changeLines(d))
				}
			}
		})
	}
}

// kernelMACs returns a copy of sn in which the MACs of links the step
// made are replaced by the link's name: the kernel gives a new link a
// random MAC each time. Link-local addresses made from those MACs and
// neighbour entries holding them follow. Every other MAC, and everything
// else, is compared as it is.
func kernelMACs(sn, before *engine.Snapshot) *engine.Snapshot {
	var cp engine.Snapshot
	b, _ := json.Marshal(sn)
	json.Unmarshal(b, &cp)
	names := map[string]string{} // MAC -> placeholder
	for node, n := range cp.Nodes {
		for _, l := range n.Links {
			if findMAC(before, node, l.Name) == "" && l.MAC != "" {
				names[l.MAC] = "mac-of-" + node + "/" + l.Name
			}
		}
	}
	for _, n := range cp.Nodes {
		for i := range n.Links {
			l := &n.Links[i]
			p, ok := names[l.MAC]
			if !ok {
				continue
			}
			for j, a := range l.LinkLocal {
				if a == eui64LinkLocal(l.MAC) {
					l.LinkLocal[j] = "fe80::" + p + "/64"
				}
			}
			l.MAC = p
		}
		for i := range n.Neighs {
			if p, ok := names[n.Neighs[i].LLAddr]; ok {
				n.Neighs[i].LLAddr = p
			}
		}
	}
	return &cp
}

func findMAC(sn *engine.Snapshot, node, link string) string {
	if n := sn.Nodes[node]; n != nil {
		for _, l := range n.Links {
			if l.Name == link {
				return l.MAC
			}
		}
	}
	return ""
}

// eui64LinkLocal is the link-local address the kernel makes from a MAC.
func eui64LinkLocal(mac string) string {
	hw, err := net.ParseMAC(mac)
	if err != nil || len(hw) != 6 {
		return ""
	}
	ip := net.IP{0xfe, 0x80, 0, 0, 0, 0, 0, 0, hw[0] ^ 2, hw[1], hw[2], 0xff, 0xfe, hw[3], hw[4], hw[5]}
	return ip.String() + "/64"
}

// quiet waits until no neighbour entry of the lab is being resolved or
// probed. An entry a step used goes from STALE to DELAY and, five seconds
// later, sends a unicast ARP probe: a packet of that step's that would fall
// into whichever step runs at the time. Waiting makes the first run's
// packets the step's own, as the redo's are.
func quiet(t *testing.T, s *Lesson) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		busy := ""
		for _, name := range s.Nodes() {
			path, err := s.eng.NodePath(name)
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("nsenter", "--net="+path, "ip", "neigh", "show", "nud", "delay", "nud", "probe", "nud", "incomplete").CombinedOutput()
			if err != nil {
				t.Fatalf("ip neigh on %s: %v\n%s", name, err, out)
			}
			if len(strings.TrimSpace(string(out))) > 0 {
				busy += name + ": " + string(out)
			}
		}
		if busy == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("neighbour entries still being probed:\n%s", busy)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func snap(t *testing.T, s *Lesson) *engine.Snapshot {
	t.Helper()
	sn, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !sn.Learned {
		t.Fatal("the snapshot does not record neighbours, carrier and link-local addresses")
	}
	return sn
}

func mustStep(t *testing.T, s *Lesson) *StepReport {
	t.Helper()
	rep, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Error != "" {
		t.Fatalf("step %d: %s", rep.Index, rep.Error)
	}
	return rep
}

func changeLines(cs []engine.Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + c.String() + "\n")
	}
	return b.String()
}
