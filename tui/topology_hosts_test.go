package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/privtest"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/runner"
)

// overlaySnap is Docker's overlay network on two lab hosts, as the
// overlay lab builds it: on each host an underlay eth0 (a veth between
// the hosts, 198.51.100.1/.2), the network's namespace (ov1 on host1,
// ov2 on host2) holding br0 and vxlan0 (id 256, dstport 4789, local and
// remote the hosts' addresses), and a container cabled to br0.
func overlaySnap() *engine.Snapshot {
	s := &engine.Snapshot{Nodes: map[string]*engine.NodeSnap{}}
	add := func(name string, n *engine.NodeSnap) {
		s.Order = append(s.Order, name)
		if n.Sysctls == nil {
			n.Sysctls = map[string]string{}
		}
		s.Nodes[name] = n
	}
	for i, h := range []string{"host1", "host2"} {
		me, other := "198.51.100.1", "198.51.100.2"
		if i == 1 {
			me, other = other, me
		}
		otherHost := []string{"host2", "host1"}[i]
		add(h, &engine.NodeSnap{Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "eth0", Kind: "veth", Up: true, Peer: otherHost + "/eth0", Addrs: []engine.AddrSnap{{CIDR: me + "/24"}}},
		}})
	}
	for i, h := range []string{"host1", "host2"} {
		me, other := "198.51.100.1", "198.51.100.2"
		if i == 1 {
			me, other = other, me
		}
		ov, c := []string{"ov1", "ov2"}[i], []string{"c1", "c2"}[i]
		add(ov, &engine.NodeSnap{Kind: engine.KindNetns, Parent: h, Links: []engine.LinkSnap{
			{Name: "br0", Kind: "bridge", Up: true, Addrs: []engine.AddrSnap{{CIDR: "10.0.0.1/24"}}},
			{Name: "vxlan0", Kind: "vxlan", Up: true, Master: "br0", VXLAN: &engine.VxlanSnap{ID: 256, Port: 4789, Local: me, Group: other}},
			{Name: "veth0", Kind: "veth", Up: true, Master: "br0", Peer: c + "/eth0"},
		}})
		add(c, &engine.NodeSnap{Kind: engine.KindNetns, Parent: h, Links: []engine.LinkSnap{
			{Name: "eth0", Kind: "veth", Up: true, Peer: ov + "/veth0", Addrs: []engine.AddrSnap{{CIDR: []string{"10.0.0.2/24", "10.0.0.3/24"}[i]}}},
		}})
	}
	return s
}

// flannelSnap is flannel's vxlan backend on two lab hosts, as the
// crosshost lab ends: each host has the underlay eth0, flannel.1 (id 1,
// port 8472) with its /32 address, a route to the other host's subnet
// over flannel.1, and a container cabled to the host by a veth.
func flannelSnap() *engine.Snapshot {
	s := &engine.Snapshot{Nodes: map[string]*engine.NodeSnap{}}
	add := func(name string, n *engine.NodeSnap) {
		s.Order = append(s.Order, name)
		if n.Sysctls == nil {
			n.Sysctls = map[string]string{}
		}
		s.Nodes[name] = n
	}
	for i, h := range []string{"host1", "host2"} {
		me, other := "198.51.100.1", "198.51.100.2"
		if i == 1 {
			me, other = other, me
		}
		n := []string{"0", "1"}[i]
		add(h, &engine.NodeSnap{Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "eth0", Kind: "veth", Up: true, Peer: []string{"host2", "host1"}[i] + "/eth0", Addrs: []engine.AddrSnap{{CIDR: me + "/24"}}},
			{Name: "flannel.1", Kind: "vxlan", Up: true, Addrs: []engine.AddrSnap{{CIDR: "10.244." + n + ".0/32"}},
				VXLAN: &engine.VxlanSnap{ID: 1, Port: 8472, Local: me, Dev: "eth0"}},
			{Name: "veth" + n, Kind: "veth", Up: true, Peer: "c" + n + "/eth0", Addrs: []engine.AddrSnap{{CIDR: "10.244." + n + ".1/24"}}},
		}, Sysctls: map[string]string{"net.ipv4.ip_forward": "1"},
			Routes:   []engine.RouteSnap{{Text: "10.244." + []string{"1", "0"}[i] + ".0/24 via 10.244." + []string{"1", "0"}[i] + ".0 dev flannel.1 onlink", Dst: "10.244." + []string{"1", "0"}[i] + ".0/24", Gw: "10.244." + []string{"1", "0"}[i] + ".0", Dev: "flannel.1"}},
			Iptables: map[string][]string{"filter": {":FORWARD DROP", "-A FORWARD -s 10.244.0.0/16 -j ACCEPT"}}})
		_ = other
	}
	for i := range 2 {
		n := []string{"0", "1"}[i]
		add("c"+n, &engine.NodeSnap{Kind: engine.KindNetns, Parent: []string{"host1", "host2"}[i], Links: []engine.LinkSnap{
			{Name: "eth0", Kind: "veth", Up: true, Peer: []string{"host1", "host2"}[i] + "/veth" + n, Addrs: []engine.AddrSnap{{CIDR: "10.244." + n + ".2/24"}}},
		}, Routes: []engine.RouteSnap{{Text: "default via 10.244." + n + ".1 dev eth0", Dst: "default", Gw: "10.244." + n + ".1", Dev: "eth0"}}})
	}
	return s
}

// TestTopoMapMachinesGolden draws the overlay and flannel labs' two
// machines at 80 and 120 columns.
func TestTopoMapMachinesGolden(t *testing.T) {
	for name, snap := range map[string]func() *engine.Snapshot{"overlay": overlaySnap, "flannel": flannelSnap} {
		for _, w := range []int{80, 120} {
			t.Run(fmt.Sprintf("%s-%d", name, w), func(t *testing.T) {
				golden.RequireEqual(t, []byte(plainMap(snap(), w, topoMarks{})))
			})
		}
	}
}

// frameColumns are the columns of the machine frames whose top edges
// start the map's first line: [left, right] per frame.
func frameColumns(line string) [][2]int {
	var out [][2]int
	rs := []rune(line)
	for x := 0; x < len(rs); x++ {
		if rs[x] == '┌' {
			end := x + 1
			for end < len(rs) && rs[end] != '┐' {
				end++
			}
			out = append(out, [2]int{x, end})
			x = end
		}
	}
	return out
}

// column is where s first starts in the map's lines, in cells (the map
// is one cell per rune): its line and column, or -1, -1.
func column(lines []string, s string) (int, int) {
	for i, l := range lines {
		if j := strings.Index(l, s); j >= 0 {
			return i, len([]rune(l[:j]))
		}
	}
	return -1, -1
}

// TestTopoMapMachines: with namespaces on two hosts, each host is a frame
// holding its own box and its namespaces; the underlay runs between the
// hosts, and the tunnel across it, between the hosts' flannel.1 or
// between the namespaces holding Docker's vxlan0; frames that do not fit
// side by side are stacked, each cable naming its far end.
func TestTopoMapMachines(t *testing.T) {
	tests := []struct {
		name    string
		snap    func() *engine.Snapshot
		w       int
		across  bool // the frames side by side
		want    []string
		notWant []string
	}{
		{name: "overlay wide", snap: overlaySnap, w: 120, across: true,
			want:    []string{"198.51.100.1/24 eth0 ●─┼", "┼─● eth0 198.51.100.2/24", "vxlan0 vxlan 256 ●┄┼┄┼┄┄┼┄", "┄┼┄● vxlan0 vxlan 256"},
			notWant: []string{"tunnel to", "─ host2:eth0"}},
		{name: "overlay narrow", snap: overlaySnap, w: 80, across: true,
			want:    []string{"vxlan0 vxlan 256 ●┄┼", "┄┼┄● vxlan0 vxlan 256", "┆"},
			notWant: []string{"tunnel to"}},
		{name: "flannel wide", snap: flannelSnap, w: 120, across: true,
			want:    []string{"198.51.100.1/24 eth0 ●─┼", "flannel.1 vxlan 1 ●┄┼┄┼┄┄┼┄┼┄● flannel.1 vxlan 1", "┌─┼ c0", "┌─┼ c1"},
			notWant: []string{"tunnel to"}},
		{name: "flannel stacked", snap: flannelSnap, w: 80,
			want: []string{"● eth0 198.51.100.1/24 ─ host2:eth0", "⇄ tunnel to host2:flannel.1", "⇄ tunnel to host1:flannel.1", "┌─┼ c0", "┌─┼ c1"}},
		{name: "overlay stacked", snap: overlaySnap, w: 50,
			want:    []string{"⇄ tunnel to ov2:vxlan0", "⇄ tunnel to ov1:vxlan0", "─ host2:eth0"},
			notWant: []string{"●┄", "┄●"}},
		{name: "overlay tunnel blocked", snap: blockedOverlaySnap, w: 120, across: true,
			want:    []string{"⇄ tunnel to ov2:vxlan0", "⇄ tunnel to ov1:vxlan0", "198.51.100.1/24 eth0 ●─┼"},
			notWant: []string{"●┄", "┄●"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := plainMap(tt.snap(), tt.w, topoMarks{})
			lines := strings.Split(out, "\n")
			for _, l := range lines {
				if n := len([]rune(l)); n > tt.w {
					t.Errorf("a line is %d cells: %s", n, l)
				}
			}
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("%q missing from\n%s", s, out)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(out, s) {
					t.Errorf("%q drawn in\n%s", s, out)
				}
			}
			// each namespace inside its own host's frame
			hosts := map[string]string{"c0": "host1", "c1": "host2", "ov1": "host1", "ov2": "host2", "c2": "host2"}
			if tt.snap().Nodes["c0"] == nil {
				hosts["c1"] = "host1"
			}
			if tt.across {
				cols := frameColumns(lines[0])
				if len(cols) != 2 {
					t.Fatalf("want two frames side by side, first line %q", lines[0])
				}
				for k, h := range hosts {
					if tt.snap().Nodes[k] == nil {
						continue
					}
					_, x := column(lines, "── "+k+" ")
					if x < 0 {
						_, x = column(lines, "┼ "+k+" ")
					}
					f := cols[map[string]int{"host1": 0, "host2": 1}[h]]
					if x < f[0] || x > f[1] {
						t.Errorf("%s at column %d is outside %s's frame %v:\n%s", k, x, h, f, out)
					}
				}
				return
			}
			// stacked: host1's frame with its namespaces, then host2's with its
			y1, _ := column(lines, "── host1")
			y2, _ := column(lines, "── host2")
			for k, h := range hosts {
				if tt.snap().Nodes[k] == nil {
					continue
				}
				y, _ := column(lines, "── "+k+" ")
				if y < 0 {
					y, _ = column(lines, "┼ "+k+" ")
				}
				if in1 := y1 < y && y < y2; (h == "host1") != in1 || y < y1 {
					t.Errorf("%s on line %d is not in %s's frame (host1 at %d, host2 at %d):\n%s", k, y, h, y1, y2, out)
				}
			}
		})
	}
}

// blockedOverlaySnap is overlaySnap with c2 cabled to host2 as well, so
// it comes first under host2 and stands between the gap and ov2: the
// tunnel cannot be drawn and is named.
func blockedOverlaySnap() *engine.Snapshot {
	s := overlaySnap()
	h := s.Nodes["host2"]
	h.Links = append(h.Links, engine.LinkSnap{Name: "vethc2", Kind: "veth", Up: true, Peer: "c2/eth1"})
	c := s.Nodes["c2"]
	c.Links = append(c.Links, engine.LinkSnap{Name: "eth1", Kind: "veth", Up: true, Peer: "host2/vethc2"})
	return s
}

// TestTopoMapMachinesWidth: no line of a two-machine map is wider than
// the pane, at every width from 40 to 160.
func TestTopoMapMachinesWidth(t *testing.T) {
	for name, snap := range map[string]func() *engine.Snapshot{"overlay": overlaySnap, "flannel": flannelSnap, "blocked": blockedOverlaySnap} {
		for w := 40; w <= 160; w++ {
			for i, l := range topoMap(newStyles(false), snap(), w, topoMarks{changed: map[string]bool{"ov1/vxlan0": true}}) {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("%s at %d: line %d is %d cells: %s", name, w, i, lw, ansi.Strip(l))
				}
			}
		}
	}
}

// overlayLab builds Docker's overlay network on two lab hosts by hand:
// per host the network's namespace (ov1, ov2) holding br0 and vxlan0
// (made on the host over the underlay eth0, then moved in) and a
// container c1, c2 cabled to br0.
const overlayLab = `
id: t
title: t
summary: t
nodes: [host1, host2]
setup:
  - node: host1
    commands:
      - ip link add eth0 type veth peer name eth0 netns host2
      - ip addr add 198.51.100.1/24 dev eth0
      - ip link set eth0 up
  - node: host2
    commands:
      - ip addr add 198.51.100.2/24 dev eth0
      - ip link set eth0 up
steps:
  - title: the overlay on host1
    text: t
    node: host1
    commands:
      - ip netns add ov1
      - ip netns add c1
      - ip netns exec ov1 ip link add br0 type bridge
      - ip netns exec ov1 ip addr add 10.0.0.1/24 dev br0
      - ip netns exec ov1 ip link set br0 up
      - ip link add vxlan0 type vxlan id 256 dstport 4789 local 198.51.100.1 remote 198.51.100.2 dev eth0
      - ip link set vxlan0 netns ov1
      - ip netns exec ov1 ip link set vxlan0 master br0
      - ip netns exec ov1 ip link set vxlan0 up
      - ip link add veth0 type veth peer name eth0 netns c1
      - ip link set veth0 netns ov1
      - ip netns exec ov1 ip link set veth0 master br0
      - ip netns exec ov1 ip link set veth0 up
      - ip netns exec c1 ip addr add 10.0.0.2/24 dev eth0
      - ip netns exec c1 ip link set eth0 up
  - title: the overlay on host2
    text: t
    node: host2
    commands:
      - ip netns add ov2
      - ip netns add c2
      - ip netns exec ov2 ip link add br0 type bridge
      - ip netns exec ov2 ip addr add 10.0.0.1/24 dev br0
      - ip netns exec ov2 ip link set br0 up
      - ip link add vxlan0 type vxlan id 256 dstport 4789 local 198.51.100.2 remote 198.51.100.1 dev eth0
      - ip link set vxlan0 netns ov2
      - ip netns exec ov2 ip link set vxlan0 master br0
      - ip netns exec ov2 ip link set vxlan0 up
      - ip link add veth0 type veth peer name eth0 netns c2
      - ip link set veth0 netns ov2
      - ip netns exec ov2 ip link set veth0 master br0
      - ip netns exec ov2 ip link set veth0 up
      - ip netns exec c2 ip addr add 10.0.0.3/24 dev eth0
      - ip netns exec c2 ip link set eth0 up
`

// TestTopoMachinesFromKernel builds the overlay on two lab hosts in a
// throwaway session and draws the kernel's snapshot: each host's frame
// holds its namespaces, and the tunnel between the namespaces' vxlan0
// runs dashed across the gap between the frames.
func TestTopoMachinesFromKernel(t *testing.T) {
	privtest.Need(t)
	lab, err := labs.Load("t.yaml", []byte(overlayLab))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("NETLAB_RUN", dir)
	s, err := runner.Start(lab, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := engine.Reset(dir); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	for i := range lab.Steps {
		rep, err := s.Step()
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if !rep.OK {
			t.Fatalf("step %d did not hold: %v", i+1, rep.Failures())
		}
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	out := plainMap(snap, 120, topoMarks{})
	t.Log("\n" + out)
	lines := strings.Split(out, "\n")
	cols := frameColumns(lines[0])
	if len(cols) != 2 {
		t.Fatalf("want two host frames side by side:\n%s", out)
	}
	for _, want := range []string{"198.51.100.1/24 eth0 ●─┼", "vxlan0 vxlan 256 ●┄", "┄● vxlan0 vxlan 256"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from\n%s", want, out)
		}
	}
	for k, f := range map[string]int{"ov1": 0, "c1": 0, "ov2": 1, "c2": 1} {
		_, x := column(lines, "── "+k+" ")
		if x < cols[f][0] || x > cols[f][1] {
			t.Errorf("%s at column %d is outside frame %v:\n%s", k, x, cols[f], out)
		}
	}
}
