package engine

import (
	"strings"
	"testing"
)

// A moves case is a lab of two hosts joined by an underlay (pairLab), a
// list of steps applied one by one on host, then undone one by one: after
// each undo the lab must equal its snapshot from before that step, and
// after the last the lab is back to where it started. Every step's own
// checks must pass right after it ran.
type movesCase struct {
	name  string
	steps [][]string
	// verify, when set, looks at the lab after the last step.
	verify func(t *testing.T, s *Session)
}

// dockerOverlay is Docker's overlay network as seed 003 shows it: a
// namespace per network holding br0 and vxlan0, the vxlan made on the
// host over eth0 and moved in, a container's veth on br0.
var dockerOverlay = []string{
	"ip netns add 1-722bc7739c",
	"ip netns exec 1-722bc7739c ip link add br0 type bridge",
	"ip netns exec 1-722bc7739c ip addr add 10.0.0.1/24 dev br0",
	"ip netns exec 1-722bc7739c ip link set br0 up",
	// The remote answers no ARP: an overlay that reaches its peer
	// resolves it on the underlay whenever IPv6 on c1 speaks (MLD, router
	// solicitations), at times no test can wait for.
	"ip link add vxlan0 type vxlan id 256 dstport 4789 remote 192.0.2.9 dev eth0",
	"ip link set vxlan0 netns 1-722bc7739c",
	"ip netns exec 1-722bc7739c ip link set vxlan0 master br0",
	"ip netns exec 1-722bc7739c ip link set vxlan0 up",
	"ip netns add c1",
	"ip netns exec 1-722bc7739c ip link add veth0 type veth peer name eth0 netns c1",
	"ip netns exec 1-722bc7739c ip link set veth0 master br0",
	"ip netns exec 1-722bc7739c ip link set veth0 up",
	"ip netns exec c1 ip addr add 10.0.0.2/24 dev eth0",
	"ip netns exec c1 ip link set eth0 up",
}

var movesCases = []movesCase{
	{name: "vxlan moved into an overlay namespace", steps: [][]string{dockerOverlay},
		verify: func(t *testing.T, s *Session) {
			l, ok := linkOf(t, s, "1-722bc7739c", "vxlan0")
			if !ok || l.LinkInfo.InfoKind != "vxlan" || l.Master != "br0" {
				t.Errorf("vxlan0 in the overlay namespace = %+v", l)
			}
		}},
	{name: "overlay namespace deleted", steps: [][]string{dockerOverlay, {"ip netns del 1-722bc7739c"}}},
	{name: "overlay namespace and container deleted", steps: [][]string{dockerOverlay, {"ip netns del c1", "ip netns del 1-722bc7739c"}}},
	{name: "vxlan made in the namespace over a moved underlay", steps: [][]string{{
		"ip netns add ovl",
		"ip link add ul0 type veth peer name ul1",
		"ip link set ul0 netns ovl",
		"ip netns exec ovl ip link add vxlan1 type vxlan id 42 dstport 4789 remote 192.0.2.9 dev ul0",
	}, {"ip netns del ovl"}}},
	{name: "macvlan children moved into containers", steps: [][]string{{
		"ip netns add c1", "ip netns add c2",
		"ip link add mv1 link eth0 type macvlan mode bridge",
		"ip link add mv2 link eth0 type macvlan mode bridge",
		"ip link set mv1 netns c1", "ip link set mv2 netns c2",
		"ip netns exec c1 ip addr add 192.0.2.11/24 dev mv1",
		"ip netns exec c1 ip link set mv1 up",
		"ip netns exec c2 ip link set mv2 name eth0",
		"ip netns exec c2 ip addr add 192.0.2.12/24 dev eth0",
		"ip netns exec c2 ip link set eth0 up",
	}, {"ip netns del c1"}, {"ip netns del c2"}},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "host", "mv1"); ok {
				t.Error("mv1 outlived its namespace")
			}
		}},
	{name: "macvlan moved and renamed, then its namespace deleted", steps: [][]string{{
		"ip netns add c1",
		"ip link add mv1 link eth0 type macvlan mode bridge",
		"ip link set mv1 netns c1",
		"ip netns exec c1 ip link set mv1 name eth0",
		"ip netns exec c1 ip link set eth0 up",
	}, {"ip netns del c1"}}},
	{name: "rename inside a namespace", steps: [][]string{{
		"ip link add br0 type bridge", "ip link set br0 up",
		"ip netns add c", "ip link add veth0 type veth peer name veth1 netns c",
		"ip link set veth0 master br0", "ip link set veth0 up",
		"ip netns exec c ip addr add 10.1.0.2/24 dev veth1",
		"ip netns exec c ip link set veth1 up",
		"ip netns exec c ip route add default via 10.1.0.1",
	}, {
		"ip netns exec c ip link set veth1 down",
		"ip netns exec c ip link set veth1 name eth0",
		"ip netns exec c ip link set eth0 up",
		"ip netns exec c ip route add default via 10.1.0.1",
	}},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "c", "eth0"); !ok {
				t.Error("no eth0 in c")
			}
		}},
	{name: "move and rename at once", steps: [][]string{{
		"ip netns add c1",
		"ip link add veth0 type veth peer name veth1",
		"ip link set veth1 netns c1 name eth0",
		"ip netns exec c1 ip link set eth0 up",
	}},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "c1", "eth0"); !ok {
				t.Error("no eth0 in c1")
			}
		}},
	{name: "vxlan moved back to its lower device's namespace", steps: [][]string{dockerOverlay, {
		"ip netns exec 1-722bc7739c ip link set vxlan0 netns host",
	}}},
}

func TestUndoMovedLinks(t *testing.T) {
	for _, c := range movesCases {
		t.Run(c.name, func(t *testing.T) {
			s := pairLab(t)
			var snaps []*Snapshot
			for i, lines := range c.steps {
				before, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				snaps = append(snaps, before)
				st := step(t, c.name, lines...)
				if _, err := applyNext(s, st); err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				for _, r := range s.Check(st) {
					if r.Err != nil {
						t.Errorf("step %d: check %q: %v", i+1, r.Command.Text, r.Err)
					}
				}
			}
			if c.verify != nil {
				c.verify(t, s)
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
					var lines []string
					for _, ch := range d {
						lines = append(lines, ch.String())
					}
					t.Fatalf("undo of step %d is not exact:\n%s", i+1, strings.Join(lines, "\n"))
				}
			}
		})
	}
}
