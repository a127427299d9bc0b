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
	// verify, when set, looks at the lab after the first step; last,
	// after the last step.
	verify, last func(t *testing.T, s *Session)
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
	{name: "vxlan without dev made on the host, moved, its namespace deleted", steps: [][]string{{
		"ip netns add ovl",
		"ip link add vxlan0 type vxlan id 256 dstport 4789",
		"ip link set vxlan0 netns ovl",
		"ip netns exec ovl ip link set vxlan0 up",
	}, {"ip netns del ovl"}},
		verify: func(t *testing.T, s *Session) {
			snap, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			// Its socket stays on the host: made again in ovl it would not.
			if l := findLink(snap.Nodes["ovl"].Links, "vxlan0"); l == nil || l.Net != "host" {
				t.Errorf("vxlan0 in ovl = %+v, want its link net on host", l)
			}
		}},
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
			if l, ok := linkOf(t, s, "c1", "mv1"); !ok || l.LinkInfo.InfoKind != "macvlan" {
				t.Errorf("mv1 in c1 = %+v", l)
			}
			snap, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if l := findLink(snap.Nodes["c2"].Links, "eth0"); l == nil || l.Net != "host" || l.Parent != "eth0" {
				t.Errorf("eth0 in c2 = %+v, want a macvlan over host's eth0", l)
			}
		}},
	{name: "macvlan over a namespace's device, moved out, that namespace deleted", steps: [][]string{{
		"ip netns add n1", "ip netns add c1",
		"ip netns exec n1 ip link add ul0 type veth peer name ul1",
		"ip netns exec n1 ip link add link ul0 name mv0 type macvlan mode bridge",
		"ip netns exec n1 ip link set mv0 netns c1",
		"ip netns exec c1 ip link set mv0 up",
	}, {"ip netns del n1"}},
		last: func(t *testing.T, s *Session) {
			snap, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if l := findLink(snap.Nodes["c1"].Links, "mv0"); l != nil {
				t.Errorf("mv0 outlived the namespace of its parent: %+v", l)
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
			if l, ok := linkOf(t, s, "c", "veth1"); !ok || !l.has("10.1.0.2/24") {
				t.Errorf("veth1 in c = %+v", l)
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
				if i == 0 && c.verify != nil {
					c.verify(t, s)
				}
			}
			if c.last != nil {
				c.last(t, s)
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

// Docker's overlay on two lab hosts: on each, the network's namespace
// holds br0 and a vxlan made on the host over eth0 and moved in. A
// container on one host pings the other's across the tunnel; deleting
// host1's overlay namespace and undoing that brings the tunnel back (the
// ping works again), and undoing everything leaves the lab as it was.
func TestOverlayNamespaceAcrossHosts(t *testing.T) {
	s := newLab(t, Spec{Hosts: []string{"host1", "host2"}, Setup: []NodeCommand{
		{"host1", mustParse(t, "ip link add eth0 type veth peer name eth0 netns host2")},
		{"host1", mustParse(t, "ip addr add 198.51.100.1/24 dev eth0")},
		{"host1", mustParse(t, "ip link set eth0 up")},
		{"host2", mustParse(t, "ip addr add 198.51.100.2/24 dev eth0")},
		{"host2", mustParse(t, "ip link set eth0 up")},
	}})
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"host1", "host2"} {
		other := []string{"198.51.100.2", "198.51.100.1"}[i]
		c, ovl := "c"+h[4:], "ovl"+h[4:] // one lab-wide name space until hosts have their own
		st := step(t, "overlay on "+h,
			"ip netns add "+ovl,
			"ip netns exec "+ovl+" ip link add br0 type bridge",
			"ip netns exec "+ovl+" ip link set br0 up",
			"ip link add vxlan0 type vxlan id 256 dstport 4789 remote "+other+" dev eth0",
			"ip link set vxlan0 netns "+ovl,
			"ip netns exec "+ovl+" ip link set vxlan0 master br0",
			"ip netns exec "+ovl+" ip link set vxlan0 up",
			"ip netns add "+c,
			"ip netns exec "+ovl+" ip link add veth0 type veth peer name eth0 netns "+c,
			"ip netns exec "+ovl+" ip link set veth0 master br0",
			"ip netns exec "+ovl+" ip link set veth0 up",
			"ip netns exec "+c+" ip addr add 10.0.0."+h[4:]+"/24 dev eth0",
			"ip netns exec "+c+" ip link set eth0 up")
		st.Node = h
		if _, err := applyNext(s, st); err != nil {
			t.Fatalf("%s: %v", h, err)
		}
	}
	ping := func(when string) {
		t.Helper()
		res := s.Run("host1", mustParse(t, "ip netns exec c1 ping -c 1 -W 2 10.0.0.2"))
		if res.ExitCode != 0 || !strings.Contains(res.Output, "1 received") {
			t.Fatalf("ping over the overlay %s: %d\n%s", when, res.ExitCode, res.Output)
		}
	}
	ping("once built")
	del := step(t, "delete the overlay namespace", "ip netns del ovl1")
	del.Node = "host1"
	if _, err := applyNext(s, del); err != nil {
		t.Fatal(err)
	}
	if res := s.Run("host1", mustParse(t, "ip netns exec c1 ping -c 1 -W 1 10.0.0.2")); res.ExitCode == 0 {
		t.Fatalf("ping with host1's overlay namespace deleted went through:\n%s", res.Output)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	ping("after undoing the deletion")
	for range 2 {
		if _, err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo of everything: %v", d)
	}
}
