package engine

import (
	"slices"
	"strings"
	"testing"
)

// TestIptablesCacheFollowsTheRules: with iptables-nft, a snapshot takes a
// node's rules from its cache while the ruleset generation stands still,
// and reads them again whenever they changed, whoever changed them.
func TestIptablesCacheFollowsTheRules(t *testing.T) {
	s := newLab(t, Spec{})
	if !nftRules() {
		t.Skip("iptables here is not the nf_tables variant: nothing is cached")
	}
	st := step(t, "rules", "iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "iptables -t nat -nL")
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	rules := func(what string) []string {
		t.Helper()
		snap, err := s.SnapshotLean()
		if err != nil {
			t.Fatal(err)
		}
		real, _ := s.ctx("host")
		want, err := real.iptablesSave()
		if err != nil {
			t.Fatal(err)
		}
		got := snap.Nodes["host"].Iptables["nat"]
		if !slices.Equal(got, want["nat"]) {
			t.Errorf("%s: the snapshot holds %q, iptables-save prints %q", what, got, want["nat"])
		}
		return got
	}
	host, err := s.ctx("host")
	if err != nil {
		t.Fatal(err)
	}
	host.iptCache().wait() // the read started as the step ended
	n0 := iptablesSaves.Load()
	snap, err := s.SnapshotLean()
	if err != nil {
		t.Fatal(err)
	}
	if n := iptablesSaves.Load() - n0; n != 0 {
		t.Errorf("the snapshot after the step ran iptables-save %d times, want 0 (read ahead as the step ended)", n)
	}
	if !strings.Contains(strings.Join(snap.Nodes["host"].Iptables["nat"], "\n"), "MASQUERADE") {
		t.Errorf("the cached rules lack the step's rule: %q", snap.Nodes["host"].Iptables["nat"])
	}
	rules("unchanged")
	realTool(t, s, "host", "iptables", "-t", "nat", "-A", "POSTROUTING", "-d", "198.51.100.0/24", "-j", "ACCEPT")
	if got := rules("a rule added by hand"); !strings.Contains(strings.Join(got, "\n"), "198.51.100.0/24") {
		t.Errorf("the rule added by hand is missing: %q", got)
	}
	realTool(t, s, "host", "iptables", "-t", "nat", "-F")
	if got := rules("flushed by hand"); strings.Contains(strings.Join(got, "\n"), "-A ") {
		t.Errorf("rules remain after the flush: %q", got)
	}
}
