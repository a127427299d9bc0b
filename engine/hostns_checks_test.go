package engine

import "testing"

// TestMoveAndRenameChecksOnSecondHost: a link moved into a namespace
// whose name host1 also has, then renamed there, as Docker's overlay
// driver does with vxlan0 on every host. The move's check follows the link
// into host2's namespace, under its new name, as it does on host1.
func TestMoveAndRenameChecksOnSecondHost(t *testing.T) {
	s := twoHostLab(t)
	for _, host := range []string{"host1", "host2"} {
		st := step(t, "overlay vxlan on "+host,
			"ip netns add "+overlayNS,
			"ip link add vx-000100-722bc type vxlan id 256 dstport 4789 dev eth0 nolearning proxy l2miss l3miss",
			"ip link set vx-000100-722bc netns "+overlayNS,
			"ip netns exec "+overlayNS+" ip link set vx-000100-722bc name vxlan0",
			"ip netns exec "+overlayNS+" ip link set vxlan0 up")
		st.Node = host
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		for i, r := range s.Check(st) {
			if r.Err != nil {
				t.Errorf("%s: check of command %d (%s): %v", host, i+1, r.Command.Text, r.Err)
			}
		}
	}
}
