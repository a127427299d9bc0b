package engine

import (
	"strings"
	"testing"
)

// TestSysctlFilesReadTheirNamespace: a snapshot reads each node's keys
// through files it keeps open; a file opened in one namespace must go on
// reading that namespace's value (not the reading thread's), and a value
// changed behind netlab's back must show on the next snapshot.
func TestSysctlFilesReadTheirNamespace(t *testing.T) {
	s := newLab(t, Spec{})
	for i, lines := range [][]string{
		{"ip netns add ns01", "ip netns add ns02"},
		{"ip netns exec ns01 sysctl -w net.ipv4.ip_forward=1"},
	} {
		st := step(t, "setup", lines...)
		st.Index = i
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := func(round string, vals map[string]string) {
		t.Helper()
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for node, v := range vals {
			if got := snap.Nodes[node].Sysctls["net.ipv4.ip_forward"]; got != v {
				t.Errorf("%s: %s ip_forward = %q, want %q", round, node, got, v)
			}
			if real := strings.TrimSpace(realTool(t, s, node, "sysctl", "-n", "net.ipv4.ip_forward")); real != v {
				t.Fatalf("%s: the real sysctl reads %s ip_forward = %q, want %q (the test is wrong)", round, node, real, v)
			}
		}
	}
	want("first", map[string]string{"host": "0", "ns01": "1", "ns02": "0"})
	want("through the open files", map[string]string{"host": "0", "ns01": "1", "ns02": "0"})
	realTool(t, s, "ns01", "sysctl", "-qw", "net.ipv4.ip_forward=0")
	realTool(t, s, "ns02", "sysctl", "-qw", "net.ipv4.ip_forward=1")
	want("changed by hand", map[string]string{"host": "0", "ns01": "0", "ns02": "1"})
}

// TestSysctlFilesFollowAnInterface: an interface's key is read through a
// file opened for that interface; once the interface is deleted and one
// of the same name made again, the snapshot must read the new one's value
// (the old file's setting is gone), not lose the key or keep the old one.
func TestSysctlFilesFollowAnInterface(t *testing.T) {
	s := newLab(t, Spec{})
	st := step(t, "setup", "ip link add a0 type veth peer name a1", "sysctl -w net.ipv4.conf.a0.forwarding=1")
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	read := func() string {
		t.Helper()
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		v, ok := snap.Nodes["host"].Sysctls["net.ipv4.conf.a0.forwarding"]
		if !ok {
			t.Fatalf("the snapshot lost net.ipv4.conf.a0.forwarding: %v", snap.Nodes["host"].Sysctls)
		}
		return v
	}
	if v := read(); v != "1" {
		t.Fatalf("a0 forwarding = %q, want 1", v)
	}
	realTool(t, s, "host", "ip", "link", "del", "a0")
	realTool(t, s, "host", "ip", "link", "add", "a0", "type", "veth", "peer", "name", "a1")
	if v := read(); v != "0" {
		t.Errorf("a0 made again: forwarding = %q, want 0 (its own value)", v)
	}
	realTool(t, s, "host", "ip", "link", "set", "a0", "name", "b0")
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := snap.Nodes["host"].Sysctls["net.ipv4.conf.a0.forwarding"]; ok {
		t.Errorf("a0 renamed away, yet the snapshot reads its key: %q", v)
	}
}
