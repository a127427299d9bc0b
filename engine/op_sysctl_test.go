package engine

import (
	"strings"
	"testing"
)

// A sysctl outside the base set is restored by undo too.
func TestUndoRestoresAnySysctl(t *testing.T) {
	s := newLab(t, Spec{})
	want := realTool(t, s, "host", "sysctl", "-n", "net.ipv4.conf.default.rp_filter", "net.ipv4.conf.all.arp_ignore")
	if _, err := s.ApplyStep(step(t, "rp", "sysctl -w net.ipv4.conf.default.rp_filter=2", "sysctl -w net.ipv4.conf.all.arp_ignore=1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if got := realTool(t, s, "host", "sysctl", "-n", "net.ipv4.conf.default.rp_filter", "net.ipv4.conf.all.arp_ignore"); got != want {
		t.Fatalf("after undo: %q, before the step: %q", got, want)
	}
}

// TestSysctlFirstWrittenLaterUndoesAll: a key outside the base set that a
// later step writes first is filled into the earlier steps' snapshots, so
// undoing every step restores the lab exactly (it once came back "added").
func TestSysctlFirstWrittenLaterUndoesAll(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "ip link add br0 type bridge")); err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, step(t, "two", "sysctl -w net.ipv4.ip_default_ttl=33", "sysctl -w net.bridge.bridge-nf-call-iptables=1")); err != nil {
		t.Fatal(err)
	}
	// Each undo verifies that the lab equals the step's snapshot.
	for i := 0; i < 2; i++ {
		if _, err := s.Undo(); err != nil {
			t.Fatalf("undo %d: %v", i+1, err)
		}
	}
	if got := strings.TrimSpace(realTool(t, s, "host", "sysctl", "-n", "net.ipv4.ip_default_ttl")); got != "64" {
		t.Errorf("ip_default_ttl is %s after undo", got)
	}
}

// TestSysctlBackfillIsSaved: the key filled into an earlier step's
// snapshot reaches the state file, so a netlab process that undoes the
// steps later (another terminal's "netlab undo") restores it too. The
// earlier snapshot had been written already; its saved JSON was once
// reused unchanged.
func TestSysctlBackfillIsSaved(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "ip link add br0 type bridge")); err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, step(t, "two", "sysctl -w net.ipv4.ip_default_ttl=33")); err != nil {
		t.Fatal(err)
	}
	st, err := readState(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if v := st.Applied[0].Before.Nodes["host"].Sysctls["net.ipv4.ip_default_ttl"]; v != "64" {
		t.Fatalf("the first step's saved snapshot holds ip_default_ttl %q, want 64", v)
	}
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := 0; i < 2; i++ {
		if _, err := other.Undo(); err != nil {
			t.Fatalf("undo %d from another session: %v", i+1, err)
		}
	}
	if got := strings.TrimSpace(realTool(t, s, "host", "sysctl", "-n", "net.ipv4.ip_default_ttl")); got != "64" {
		t.Errorf("ip_default_ttl is %s after undo", got)
	}
}
