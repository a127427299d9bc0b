package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/engine"
)

// randomSnap is a lab of random shape: hosts and namespaces (some with a
// parent that does not exist or is itself a namespace), interfaces of
// every kind with long or odd names, veth peers that point anywhere
// (nowhere, to themselves, to a missing node), bridges with ports,
// tunnels, addresses, routes and rules. Snapshots are read back from
// files, so the map must draw whatever it is given.
func randomSnap(r *rand.Rand) *engine.Snapshot {
	s := &engine.Snapshot{Nodes: map[string]*engine.NodeSnap{}}
	nn := 1 + r.IntN(9)
	name := func(i int) string { return fmt.Sprintf("n%d%s", i, strings.Repeat("x", r.IntN(3)*r.IntN(12))) }
	var names []string
	for i := range nn {
		names = append(names, name(i))
	}
	ifName := func() string {
		return []string{"eth0", "veth1", "br0", "lo", "a-very-long-interface-name", "wan\x07", "vx"}[r.IntN(7)] + fmt.Sprint(r.IntN(3))
	}
	for i, n := range names {
		ns := &engine.NodeSnap{Kind: engine.KindHost, Sysctls: map[string]string{}}
		if i > 0 && r.IntN(3) > 0 {
			ns.Kind, ns.Parent = engine.KindNetns, names[r.IntN(len(names))]
		}
		if r.IntN(2) == 0 {
			ns.Sysctls["net.ipv4.ip_forward"] = "1"
		}
		var bridges []string
		used := map[string]bool{} // a namespace's interface names are unique
		for range r.IntN(6) {
			l := engine.LinkSnap{Name: ifName(), Kind: []string{"veth", "bridge", "vxlan", "device", "macvlan", "dummy"}[r.IntN(6)], Up: r.IntN(3) > 0}
			switch l.Kind {
			case "bridge":
				bridges = append(bridges, l.Name)
			case "vxlan":
				l.VXLAN = &engine.VxlanSnap{ID: r.IntN(3), Port: 4789}
			case "veth":
				l.Peer = names[r.IntN(len(names))] + "/" + ifName()
				if r.IntN(5) == 0 {
					l.Peer = "ghost/eth0"
				}
			}
			if len(bridges) > 0 && l.Kind != "bridge" && r.IntN(2) == 0 {
				l.Master = bridges[r.IntN(len(bridges))]
			}
			for range r.IntN(3) {
				l.Addrs = append(l.Addrs, engine.AddrSnap{CIDR: fmt.Sprintf("10.%d.%d.%d/24", r.IntN(256), r.IntN(256), r.IntN(256))})
			}
			if used[l.Name] {
				continue
			}
			used[l.Name] = true
			ns.Links = append(ns.Links, l)
		}
		if r.IntN(2) == 0 {
			ns.Routes = append(ns.Routes, engine.RouteSnap{Text: "default via 10.0.0.1 dev eth0", Dst: "default", Gw: "10.0.0.1"})
		}
		if r.IntN(3) == 0 {
			ns.Iptables = map[string][]string{"nat": {"-A POSTROUTING -s 10.0.0.0/8 ! -o br0 -j MASQUERADE", "-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80"},
				"filter": {":FORWARD DROP", "-A FORWARD -j ACCEPT"}}
		}
		s.Nodes[n] = ns
		s.Order = append(s.Order, n)
	}
	return s
}

// TestTopoMapRandomLabs: for random labs at random widths, drawing never
// panics, no line is wider than the pane, no control character is
// printed, and every node and interface appears.
func TestTopoMapRandomLabs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	st := newStyles(false)
	for i := range 400 {
		snap := randomSnap(r)
		w := 60 + r.IntN(101)
		mk := topoMarks{changed: map[string]bool{}, hops: map[string][]int{}, cur: 1 + r.IntN(3)}
		for _, n := range snap.Order {
			for _, l := range snap.Nodes[n].Links {
				if r.IntN(4) == 0 {
					mk.changed[n+"/"+l.Name] = true
				}
				if r.IntN(4) == 0 {
					mk.hops[n+"/"+l.Name] = append(mk.hops[n+"/"+l.Name], 1+r.IntN(25))
				}
			}
		}
		lines := topoMap(st, snap, w, mk)
		plain := ansi.Strip(strings.Join(lines, "\n"))
		for j, l := range lines {
			if lw := ansi.StringWidth(l); lw > w {
				t.Fatalf("lab %d, %d columns: line %d is %d cells:\n%s", i, w, j, lw, plain)
			}
		}
		if strings.ContainsAny(plain, "\x07\x1b") {
			t.Fatalf("lab %d: a control character reached the screen:\n%q", i, plain)
		}
		for _, n := range snap.Order {
			if !strings.Contains(plain, n) {
				t.Fatalf("lab %d, %d columns: node %s is missing:\n%s", i, w, n, plain)
			}
			for _, l := range snap.Nodes[n].Links {
				name := string(cleanRunes(l.Name))
				if (l.Name != "lo" || len(l.Addrs) > 0) && !strings.Contains(plain, name[:min(len(name), 12)]) {
					t.Fatalf("lab %d, %d columns: interface %s of %s is missing:\n%s", i, w, l.Name, n, plain)
				}
			}
		}
	}
}
