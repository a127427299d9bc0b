package engine

import (
	"strings"
	"testing"
)

// flannel's vxlan route: the gateway 10.244.1.0 is the other host's
// flannel.1, on no subnet of this one, so only "onlink" makes the kernel
// take it. Applied, shown as "ip route" shows it, checked, undone exactly,
// and a deleted onlink route comes back with its flag.
func TestRouteOnlink(t *testing.T) {
	s := pairLab(t)
	base := step(t, "flannel.1",
		"ip link add flannel.1 type vxlan id 1 dstport 8472 local 192.0.2.1 dev eth0",
		"ip addr add 10.244.0.0/32 dev flannel.1",
		"ip link set flannel.1 up")
	if _, err := applyNext(s, base); err != nil {
		t.Fatal(err)
	}
	// Refused as ip refuses them (the step is rolled back): a gateway on
	// no subnet of the node without onlink, and onlink through a link that
	// is down.
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{"ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1"}, "Error: Nexthop has invalid gateway."},
		{[]string{"ip link set flannel.1 down", "ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink"}, "Error: Nexthop device is not up."},
	} {
		_, err := applyNext(s, step(t, "refused", c.lines...))
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Fatalf("%q: %v, want %q", c.lines, err, c.want)
		}
	}
	snaps := []*Snapshot{}
	for i, lines := range [][]string{
		{"ip route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink"},
		{"ip route del 10.244.1.0/24 via 10.244.1.0 dev flannel.1"},
	} {
		before, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, before)
		st := step(t, "route", lines...)
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		for _, r := range s.Check(st) {
			if r.Err != nil {
				t.Errorf("step %d: check: %v", i+1, r.Err)
			}
		}
		if i == 0 {
			real := realTool(t, s, "host", "ip", "route")
			if !strings.Contains(real, "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink \n") {
				t.Fatalf("ip route shows no onlink route:\n%s", real)
			}
			got := s.Run("host", mustParse(t, "ip route show")).Output
			if want := trimLineEnds(real); got != want {
				t.Errorf("netlab's ip route:\n%s\nthe real one:\n%s", got, want)
			}
		}
	}
	for i := len(snaps) - 1; i >= 0; i-- {
		if _, err := s.Undo(); err != nil {
			t.Fatalf("undo of step %d: %v", i+1, err)
		}
		after, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if d := snaps[i].Diff(after); len(d) > 0 {
			t.Fatalf("undo of step %d: %v", i+1, d)
		}
		if i == 1 && !strings.Contains(realTool(t, s, "host", "ip", "route"), "dev flannel.1 onlink") {
			t.Fatal("undo of the deletion brought the route back without onlink")
		}
	}
}

// trimLineEnds drops the space iproute2 leaves at the end of some lines.
func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
