package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/netlab/netlab/engine"
)

// plainMap renders the map without colour, then lists the runs drawn
// highlighted (changed, or a followed packet's hop), which plain text
// cannot show.
func plainMap(snap *engine.Snapshot, w int, mk topoMarks) string {
	c := layoutTopo(snap, w, mk)
	lines := c.lines(func(_ topoStyle, s string) string { return s })
	var marked []string
	c.lines(func(s topoStyle, text string) string {
		if s == tsChanged || s == tsHop {
			marked = append(marked, strings.TrimSpace(text))
		}
		return text
	})
	return strings.Join(lines, "\n") + "\n-- highlighted --\n" + strings.Join(marked, "\n") + "\n"
}

// TestTopoMapGolden draws the bridge lab's real kernel state (stored by
// TestTopoSnapshotsFromKernel) after setup, after step 8 and after step
// 13, with what changed since the previous golden step highlighted.
func TestTopoMapGolden(t *testing.T) {
	var prev *engine.Snapshot
	for _, step := range topoSteps {
		snap := loadTopoSnap(t, step)
		cs := changeSet{}
		if prev != nil {
			cs = changeSet{set: true, changes: prev.Diff(snap)}
		}
		prev = snap
		for _, w := range []int{80, 120} {
			t.Run(fmt.Sprintf("bridge-step%02d-%d", step, w), func(t *testing.T) {
				golden.RequireEqual(t, []byte(plainMap(snap, w, marksOf(cs))))
			})
		}
	}
}

// TestTopoMapDraws asserts what the map of the bridge lab after step 13
// must show, independent of the goldens' exact layout.
func TestTopoMapDraws(t *testing.T) {
	snap := loadTopoSnap(t, 13)
	for _, w := range []int{80, 120} {
		out := plainMap(snap, w, topoMarks{})
		lines := strings.Split(out, "\n")
		tests := []struct {
			name, want string
		}{
			{"host box", "┌── host"},
			{"internet box", "┌── internet"},
			{"namespace boxes", "┼ ns01"},
			{"bridge box with its address", "br01 · bridge · 192.168.88.1/24"},
			{"bridge ports", "● br-veth01  ● br-veth02"},
			{"cable from eth0 across to wan0", "eth0 ●─┼──┼─● wan0"},
			{"NAT summary", "nat: MASQUERADE -s 192.168.88.0/24"},
			{"forwarding", "forwarding on"},
			{"namespace default route", "default via 192.168.88.1"},
			{"namespace address", "192.168.88.12/24"},
		}
		for _, tc := range tests {
			if !strings.Contains(out, tc.want) {
				t.Errorf("%d columns, %s: %q missing from\n%s", w, tc.name, tc.want, out)
			}
		}
		// the cables from the bridge ports run down into the namespaces:
		// below the bridge's bottom edge, the columns of the two ● hold lines
		var portRow, bottom int
		for i, l := range lines {
			if strings.Contains(l, "● br-veth01") {
				portRow = i
			}
			if strings.HasPrefix(l, "└") && bottom == 0 && portRow > 0 {
				bottom = i
			}
		}
		for _, name := range []string{"br-veth01", "br-veth02"} {
			x := len([]rune(lines[portRow][:strings.Index(lines[portRow], "● "+name)]))
			for y := portRow + 1; y <= bottom; y++ {
				r := []rune(lines[y])
				if x >= len(r) || !strings.ContainsRune("│┼", r[x]) {
					t.Errorf("%d columns: no cable below %s at row %d col %d:\n%s", w, name, y, x, out)
				}
			}
		}
	}
}

// TestTopoMapHighlightsChanges: the interfaces and lines the last step
// changed are drawn in the highlight style, the others are not.
func TestTopoMapHighlightsChanges(t *testing.T) {
	tests := []struct {
		name    string
		changes []engine.Change
		want    []string
		notWant []string
	}{
		{name: "link up", changes: []engine.Change{{Node: "ns01", Kind: "link", Op: "~", Old: "veth01 veth down mtu=1500", New: "veth01 veth up mtu=1500"}},
			want: []string{"veth01"}, notWant: []string{"veth02", "br-veth01"}},
		{name: "address added", changes: []engine.Change{{Node: "host", Kind: "addr", Op: "+", New: "192.168.88.1/24 brd 192.168.88.255 dev br01"}},
			want: []string{"br01"}, notWant: []string{"eth0"}},
		{name: "forwarding and nat", changes: []engine.Change{
			{Node: "host", Kind: "sysctl", Op: "~", Old: "net.ipv4.ip_forward = 0", New: "net.ipv4.ip_forward = 1"},
			{Node: "host", Kind: "iptables", Op: "+", New: "-t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"}},
			want: []string{"forwarding on", "nat: MASQUERADE -s 192.168.88.0/24"}, notWant: []string{"veth01"}},
		{name: "namespace added", changes: []engine.Change{{Node: "ns02", Kind: "node", Op: "+", New: "netns host"}},
			want: []string{"ns02"}, notWant: []string{"ns01"}},
		{name: "route", changes: []engine.Change{{Node: "ns02", Kind: "route", Op: "+", New: "default via 192.168.88.1 dev veth02"}},
			want: []string{"default via 192.168.88.1"}},
	}
	snap := loadTopoSnap(t, 13)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := plainMap(snap, 80, marksOf(changeSet{set: true, changes: tc.changes}))
			_, marked, _ := strings.Cut(out, "-- highlighted --\n")
			got := strings.Split(strings.TrimSpace(marked), "\n")
			for _, w := range tc.want {
				if !containsStr(got, w) {
					t.Errorf("%q not highlighted; highlighted: %q", w, got)
				}
			}
			for _, w := range tc.notWant {
				if containsStr(got, w) {
					t.Errorf("%q highlighted but unchanged; highlighted: %q", w, got)
				}
			}
		})
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// multiHostSnap is a larger lab: three hosts in a row, a vxlan tunnel
// between the outer two, a namespace cabled straight to its host, many
// namespaces and a name with a control character.
func multiHostSnap() *engine.Snapshot {
	s := &engine.Snapshot{Nodes: map[string]*engine.NodeSnap{}}
	add := func(name string, n *engine.NodeSnap) {
		s.Order = append(s.Order, name)
		if n.Sysctls == nil {
			n.Sysctls = map[string]string{}
		}
		s.Nodes[name] = n
	}
	add("hostA", &engine.NodeSnap{Kind: engine.KindHost, Links: []engine.LinkSnap{
		{Name: "eth0", Kind: "veth", Up: true, Peer: "switch/a0", Addrs: []engine.AddrSnap{{CIDR: "10.0.0.1/24"}}},
		{Name: "vx42", Kind: "vxlan", Up: true, VXLAN: &engine.VxlanSnap{ID: 42, Port: 4789, Dev: "eth0"}},
		{Name: "br0", Kind: "bridge", Up: true, Addrs: []engine.AddrSnap{{CIDR: "172.16.0.1/24"}}},
		{Name: "vx-port", Kind: "veth", Up: false, Master: "br0", Peer: "c1/eth0"},
		{Name: "hveth\x1b[31m", Kind: "veth", Up: true, Peer: "c2/eth0", Addrs: []engine.AddrSnap{{CIDR: "10.9.9.1/30"}}},
	}, Sysctls: map[string]string{"net.ipv4.ip_forward": "1"},
		Iptables: map[string][]string{"filter": {":FORWARD DROP", "-A FORWARD -i br0 -j ACCEPT"}}})
	add("switch", &engine.NodeSnap{Kind: engine.KindHost, Links: []engine.LinkSnap{
		{Name: "a0", Kind: "veth", Up: true, Peer: "hostA/eth0"},
		{Name: "b0", Kind: "veth", Up: true, Peer: "hostB/eth0"},
	}})
	add("hostB", &engine.NodeSnap{Kind: engine.KindHost, Links: []engine.LinkSnap{
		{Name: "eth0", Kind: "veth", Up: true, Peer: "switch/b0", Addrs: []engine.AddrSnap{{CIDR: "10.0.0.2/24"}}},
		{Name: "vx42", Kind: "vxlan", Up: true, VXLAN: &engine.VxlanSnap{ID: 42, Port: 4789, Dev: "eth0"}},
	}})
	add("c1", &engine.NodeSnap{Kind: engine.KindNetns, Parent: "hostA", Links: []engine.LinkSnap{
		{Name: "eth0", Kind: "veth", Up: true, Peer: "hostA/vx-port", Addrs: []engine.AddrSnap{{CIDR: "172.16.0.2/24"}}},
	}, Routes: []engine.RouteSnap{{Text: "default via 172.16.0.1 dev eth0", Dst: "default", Gw: "172.16.0.1"}}})
	add("c2", &engine.NodeSnap{Kind: engine.KindNetns, Parent: "hostA", Links: []engine.LinkSnap{
		{Name: "eth0", Kind: "veth", Up: true, Peer: "hostA/hveth\x1b[31m", Addrs: []engine.AddrSnap{{CIDR: "10.9.9.2/30"}}},
	}})
	for i := 3; i <= 9; i++ {
		add(fmt.Sprintf("c%d", i), &engine.NodeSnap{Kind: engine.KindNetns, Parent: "hostB", Links: []engine.LinkSnap{
			{Name: "lo", Kind: "device", Up: false},
			{Name: fmt.Sprintf("very-long-interface-%d", i), Kind: "veth", Up: true, Addrs: []engine.AddrSnap{{CIDR: fmt.Sprintf("192.168.%d.%d/24", i, i)}}},
		}})
	}
	return s
}

// TestTopoMapWidth: no line of the map, in colour or not, is ever wider
// than the pane, for every width from 60 to 160 and every lab state.
func TestTopoMapWidth(t *testing.T) {
	snaps := map[string]*engine.Snapshot{"fake": fakeSnapshot(), "multihost": multiHostSnap()}
	for _, step := range topoSteps {
		snaps[fmt.Sprintf("bridge-%d", step)] = loadTopoSnap(t, step)
	}
	mk := marksOf(changeSet{set: true, changes: []engine.Change{{Node: "host", Kind: "link", Op: "+", New: "eth0 veth up"}}})
	for name, snap := range snaps {
		for _, noColor := range []bool{true, false} {
			st := newStyles(noColor)
			for w := 60; w <= 160; w++ {
				lines := topologyLines(st, snap, nil, w, changeSet{})
				lines = append(lines, topoMap(st, snap, w, mk)...)
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%s, %d columns (noColor %v): line %d is %d cells:\n%s", name, w, noColor, i, lw, ansi.Strip(l))
					}
					if strings.Contains(ansi.Strip(l), "\x1b") {
						t.Fatalf("%s: a control character reached the screen: %q", name, l)
					}
				}
			}
		}
	}
}

// TestTopoMapMultiHost: hosts in a row are joined by their cables, the
// tunnel is drawn as a labelled dashed link or named, and namespaces that
// do not fit beside the others are wrapped, not cut.
func TestTopoMapMultiHost(t *testing.T) {
	out := plainMap(multiHostSnap(), 160, topoMarks{})
	for _, want := range []string{"┌── hostA", "┌── switch", "┌── hostB", "filter: FORWARD policy DROP", "○ vx-port", "hveth?[31m"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from\n%s", want, out)
		}
	}
	if !strings.Contains(out, "⇄ tunnel to hostB:vx42") {
		t.Errorf("the vxlan tunnel between hostA and hostB is not named:\n%s", out)
	}
	for i := 3; i <= 9; i++ {
		if !strings.Contains(out, fmt.Sprintf("c%d", i)) {
			t.Errorf("namespace c%d missing:\n%s", i, out)
		}
	}
	// side by side, the tunnel's two ends are joined by a dashed line
	s := multiHostSnap()
	s.Order = []string{"hostA", "hostB", "c1"}
	out = plainMap(s, 120, topoMarks{})
	if !strings.Contains(out, "vx42 vxlan 42 ●┄┼┄┄┼┄● vx42 vxlan 42") {
		t.Errorf("the tunnel between neighbouring hosts is not drawn:\n%s", out)
	}
}

// TestTopoMapWideNamespace: a namespace nearly as wide as the pane still
// sits in the first row under its host, with its cable drawn (it used to
// be pushed to a second row, where no cable reaches).
func TestTopoMapWideNamespace(t *testing.T) {
	long := strings.Repeat("x", 56)
	snap := &engine.Snapshot{Order: []string{"host", "wide"}, Nodes: map[string]*engine.NodeSnap{
		"host": {Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "h0", Kind: "veth", Up: true, Peer: "wide/" + long}}},
		"wide": {Kind: engine.KindNetns, Parent: "host", Links: []engine.LinkSnap{
			{Name: long, Kind: "veth", Up: true, Peer: "host/h0"}}},
	}}
	for _, w := range []int{60, 80} {
		out := plainMap(snap, w, topoMarks{})
		if !strings.Contains(out, "┼ wide") || strings.Contains(out, "─ host:h0") {
			t.Errorf("%d columns: the namespace's cable is not drawn:\n%s", w, out)
		}
	}
}

// BenchmarkTopoMap is the cost of drawing the bridge lab's map in colour,
// which the Topology pane does on every redraw.
func BenchmarkTopoMap(b *testing.B) {
	snap := loadTopoSnap(b, 13)
	st := newStyles(false)
	mk := marksOf(changeSet{set: true, changes: []engine.Change{{Node: "ns02", Kind: "link", Op: "+", New: "veth02 veth up"}}})
	for b.Loop() {
		topoMap(st, snap, 120, mk)
	}
}

// twoBridgesSnap is a host with two bridges (Docker's user-defined
// networks), one namespace on the first, two on the second.
func twoBridgesSnap() *engine.Snapshot {
	return &engine.Snapshot{Order: []string{"host", "c1", "c2", "c3"}, Nodes: map[string]*engine.NodeSnap{
		"host": {Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "br-frontend", Kind: "bridge", Up: true, Addrs: []engine.AddrSnap{{CIDR: "172.18.0.1/16"}}},
			{Name: "br-backend", Kind: "bridge", Up: true, Addrs: []engine.AddrSnap{{CIDR: "172.19.0.1/16"}}},
			{Name: "vethA", Kind: "veth", Up: true, Master: "br-frontend", Peer: "c1/eth0"},
			{Name: "vethB", Kind: "veth", Up: true, Master: "br-backend", Peer: "c2/eth0"},
			{Name: "vethC", Kind: "veth", Up: true, Master: "br-backend", Peer: "c3/eth0"},
		}},
		"c1": {Kind: engine.KindNetns, Parent: "host", Links: []engine.LinkSnap{{Name: "eth0", Kind: "veth", Up: true, Peer: "host/vethA"}}},
		"c2": {Kind: engine.KindNetns, Parent: "host", Links: []engine.LinkSnap{{Name: "eth0", Kind: "veth", Up: true, Peer: "host/vethB"}}},
		"c3": {Kind: engine.KindNetns, Parent: "host", Links: []engine.LinkSnap{{Name: "eth0", Kind: "veth", Up: true, Peer: "host/vethC"}}},
	}}
}

// TestTopoMapTwoBridges: bridges sit side by side when they fit, every
// cable drawn; when they do not, they are stacked, the lower bridge's
// cables are drawn straight down and the upper one's are named at both
// ends (no line crosses a bridge).
func TestTopoMapTwoBridges(t *testing.T) {
	tests := []struct {
		name    string
		w       int
		want    []string
		notWant []string
	}{
		{name: "side by side", w: 100, want: []string{"─┐  ┌─ ● br-backend", "┌─┼ c1", "┌─┼ c2", "┌─┼ c3"}, notWant: []string{"─ c1:eth0", "─ host:vethA"}},
		{name: "stacked", w: 60, want: []string{"│ vethA ─ c1:eth0", "─ host:vethA", "┌─┼ c2", "┌─┼ c3", "┌── c1"},
			notWant: []string{"┌─┼ c1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := plainMap(twoBridgesSnap(), tc.w, topoMarks{})
			for _, s := range tc.want {
				if !strings.Contains(out, s) {
					t.Errorf("%q missing from\n%s", s, out)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(out, s) {
					t.Errorf("%q in\n%s", s, out)
				}
			}
			// no cable crosses another between the host and its namespaces
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				if strings.HasPrefix(l, "└") && i+1 < len(lines) && strings.Contains(lines[i+1], "┼") {
					t.Errorf("cables cross:\n%s", out)
				}
			}
		})
	}
}

// TestTopoMapAliases: names that share a namespace (Docker's --network
// container:ns01 and --network host) are drawn on the box of the node
// they share, not as boxes of their own.
func TestTopoMapAliases(t *testing.T) {
	snap := loadTopoSnap(t, 13)
	snap.Aliases = map[string]string{"web2": "ns01", "hostc": "host", "gone": "ns09"}
	out := plainMap(snap, 120, topoMarks{})
	for _, want := range []string{"┼ ns01 = web2", "┌── host = hostc"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "gone") {
		t.Errorf("an alias of a node that does not exist is drawn:\n%s", out)
	}
}
