package engine

import (
	"testing"
	"time"
)

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
