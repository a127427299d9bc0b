package labs

import (
	"strings"
	"testing"
)

// TestFollowFdbNeedsItsDevices: "bridge fdb add" on a device the lab has
// not made, and the shows naming one, are errors at the device's word;
// once the devices exist, the same lines lint clean.
func TestFollowFdbNeedsItsDevices(t *testing.T) {
	head := "id: x\ntitle: t\nsummary: s\nsteps:\n  - title: t\n    text: x\n    commands:\n"
	lines := []struct{ line, at, name string }{
		{"bridge fdb append 00:00:00:00:00:00 dev flannel.1 dst 198.51.100.3", "x.yaml:8:49:", "flannel.1"},
		{"bridge fdb show br br0", "x.yaml:8:28:", "br0"},
		{"bridge fdb show dev vxlan0", "x.yaml:8:29:", "vxlan0"},
		{"bridge link show dev vxlan0", "x.yaml:8:30:", "vxlan0"},
		{"brctl showmacs br0", "x.yaml:8:24:", "br0"},
	}
	for _, l := range lines {
		_, err := Load("x.yaml", []byte(head+"      - "+l.line+"\n"))
		if err == nil || !strings.Contains(err.Error(), l.at) || !strings.Contains(err.Error(), `no interface "`+l.name+`"`) {
			t.Errorf("Load(%q) = %v, want an error at %s naming %s", l.line, err, l.at, l.name)
		}
	}
	made := "      - ip link add flannel.1 type vxlan id 1 dstport 8472\n      - brctl addbr br0\n" +
		"      - ip link add vxlan0 type vxlan id 256 dstport 4789\n"
	for _, l := range lines {
		if _, err := Load("x.yaml", []byte(head+made+"      - "+l.line+"\n")); err != nil {
			t.Errorf("Load(%q) with the devices made first: %v", l.line, err)
		}
	}
}
