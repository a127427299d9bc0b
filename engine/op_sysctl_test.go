package engine

import "testing"

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
