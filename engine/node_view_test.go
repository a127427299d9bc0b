package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestNodeViewFollowsTheKernel changes a lab by hand with the real tools,
// one change at a time, and after each compares the session's snapshot
// (which reuses what its views hold) with one read whole by a session
// opened afresh. Among the changes are those the kernel makes without
// announcing them as what they touch (a link going down takes its routes
// with it) and those seen only from another node (a veth's peer renamed
// in its namespace).
func TestNodeViewFollowsTheKernel(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "pair", "ip netns add v1", "ip link add va type veth peer name vb", "ip link set vb netns v1")); err != nil {
		t.Fatal(err)
	}
	changes := []struct{ node, line string }{
		{"host", "ip link add d0 type veth peer name d1"}, // no dummy driver everywhere
		{"host", "ip link set d0 up"},
		{"host", "ip link set d1 up"},
		{"host", "ip addr add 10.9.0.1/24 dev d0"},
		{"host", "ip route add 10.10.0.0/24 via 10.9.0.2"},
		{"host", "ip neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev d0 nud permanent"},
		{"host", "sysctl -w net.ipv6.conf.d0.disable_ipv6=1"},
		{"host", "ip link set d0 down"}, // its routes go unannounced, and no IPv6 address goes with them
		{"host", "ip link set d0 up"},
		{"host", "ip route add 10.11.0.0/24 via 10.9.0.2"},
		{"host", "ip addr del 10.9.0.1/24 dev d0"},
		{"host", "ip link add br9 type bridge"},
		{"host", "ip link set d0 master br9"},
		{"host", "bridge link set dev d0 hairpin on"},
		{"host", "bridge fdb add 02:00:00:00:00:09 dev d0 master static"},
		{"host", "ip link set d0 mtu 1400"},
		{"host", "ip link set d0 address 02:00:00:00:00:10"},
		{"v1", "ip link set vb name vc"},
		{"v1", "ip link set vc up"},
		{"host", "ip link set va up"},
		{"v1", "ip link set vc down"},
		{"host", "ip link set d1 down"},
		{"host", "ip link del d0"},
		{"host", "ip link del br9"},
	}
	for _, c := range changes {
		if _, err := s.Snapshot(); err != nil { // the views now hold the lab
			t.Fatal(err)
		}
		args := strings.Fields(c.line)
		realTool(t, s, c.node, args[0], args[1:]...)
		compareFresh(t, s, fmt.Sprintf("%q on %s", c.line, c.node))
	}
}

// TestNodeViewReused: a snapshot of a lab nothing changed in reads no
// node's links again.
func TestNodeViewReused(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "pair", "ip netns add v1", "ip link add va type veth peer name vb", "ip link set vb netns v1", "ip link set va up")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	before := viewReuses.Load()
	if _, err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if n := viewReuses.Load() - before; n != 2 {
		t.Errorf("the second snapshot reused %d views, want 2 (host and v1)", n)
	}
	realTool(t, s, "v1", "ip", "link", "set", "vb", "up") // changes both ends
	before = viewReuses.Load()
	if _, err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if n := viewReuses.Load() - before; n != 0 {
		t.Errorf("after a change on both nodes the snapshot reused %d views, want 0", n)
	}
}

// TestNodeViewPeerChangeUnannounced: setting a veth end up or down
// changes its peer's carrier at once, but the peer's node hears of it
// only when the kernel's link watch gets to the link, later and on
// another thread (under load, after the next snapshot has begun). The
// test stands in for that delay by throwing away the peer node's queued
// notifications, and the snapshot must still read the peer's node again.
func TestNodeViewPeerChangeUnannounced(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "pair", "ip netns add v1", "ip link add va type veth peer name vb", "ip link set vb netns v1", "ip link set va up")); err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{"up", "down", "up"} {
		if _, err := s.Snapshot(); err != nil { // the views now hold the lab
			t.Fatal(err)
		}
		realTool(t, s, "v1", "ip", "link", "set", "vb", state)
		realTool(t, s, "host", "ip", "link", "show", "dev", "va") // runs va's link watch now (linkwatch_sync_dev)
		v := s.caches["host"].view
		v.mu.Lock()
		v.drain() // as if va's notification had not come yet
		v.mu.Unlock()
		compareFresh(t, s, "vb "+state)
	}
}

// compareFresh fails the test when the session's snapshot differs from
// one read whole by a session opened afresh.
func compareFresh(t *testing.T, s *Session, after string) {
	t.Helper()
	got, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := fresh.Snapshot()
	fresh.Close()
	if err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Fatalf("after %s the snapshot differs from one read afresh: %v\n got %s\nwant %s", after, want.Diff(got), g, w)
	}
}

// TestNodeViewLowerDeviceUnannounced: a macvlan set up or down in one
// node adds its MAC to its lower device's unicast list in another node,
// or takes it off (a "self" forwarding entry there), and only the
// macvlan's node hears of it.
func TestNodeViewLowerDeviceUnannounced(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "macvlan", "ip netns add v1", "ip link add va type veth peer name vb", "ip link set va up",
		"ip link add mv link va type macvlan mode bridge", "ip link set mv netns v1")); err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{"up", "down", "up"} {
		if _, err := s.Snapshot(); err != nil { // the views now hold the lab
			t.Fatal(err)
		}
		realTool(t, s, "v1", "ip", "link", "set", "mv", state)
		compareFresh(t, s, "mv "+state)
	}
}

// TestNodeViewAddrGenMode: a link-local address made by writing
// addr_gen_mode is announced only once its DAD ends, a second or two
// later; the step that wrote it must not leave the view holding the
// link without it.
func TestNodeViewAddrGenMode(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "pair", "ip link add va type veth peer name vb",
		"sysctl -w net.ipv6.conf.va.addr_gen_mode=1", "ip link set va up", "ip link set vb up")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, step(t, "eui64", "sysctl -w net.ipv6.conf.va.addr_gen_mode=0")); err != nil {
		t.Fatal(err)
	}
	compareFresh(t, s, "addr_gen_mode=0")
}
