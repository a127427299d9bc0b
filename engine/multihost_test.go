package engine

import (
	"strings"
	"testing"
)

// Two lab hosts joined by an underlay veth, each with a namespace behind a
// bridge and a VXLAN overlay (id 256, dstport 4789) between the bridges:
// the cross-host lab of the seeds, as a later lab would build it.
func TestVxlanAcrossHosts(t *testing.T) {
	s := newLab(t, Spec{Hosts: []string{"host1", "host2"}, Setup: []NodeCommand{
		{"host1", mustParse(t, "ip link add eth0 type veth peer name eth0 netns host2")},
		{"host1", mustParse(t, "ip addr add 198.51.100.1/24 dev eth0")},
		{"host1", mustParse(t, "ip link set eth0 up")},
		{"host2", mustParse(t, "ip addr add 198.51.100.2/24 dev eth0")},
		{"host2", mustParse(t, "ip link set eth0 up")},
	}})
	before, _ := s.Snapshot()
	for i, h := range []string{"host1", "host2"} {
		me, other := []string{"198.51.100.1", "198.51.100.2"}[i], []string{"198.51.100.2", "198.51.100.1"}[i]
		addr := []string{"10.0.0.1/24", "10.0.0.2/24"}[i]
		st := step(t, "overlay on "+h,
			"ip link add br0 type bridge", "ip link set br0 up",
			"ip link add vxlan0 type vxlan id 256 dstport 4789 local "+me+" remote "+other+" dev eth0",
			"ip link set vxlan0 master br0 up",
			"ip netns add c"+h[4:],
			"ip link add veth0 type veth peer name ceth0 netns c"+h[4:],
			"ip link set veth0 master br0 up",
			"ip netns exec c"+h[4:]+" ip addr add "+addr+" dev ceth0",
			"ip netns exec c"+h[4:]+" ip link set ceth0 up")
		st.Node = h
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("%s: %v", h, err)
		}
	}
	res := s.Run("host1", mustParse(t, "ip netns exec c1 ping -c 1 -W 2 10.0.0.2"))
	if res.ExitCode != 0 || !strings.Contains(res.Output, "1 received") {
		t.Fatalf("ping over the overlay: %d\n%s", res.ExitCode, res.Output)
	}
	for range 2 {
		if _, err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo: %v", d)
	}
}
