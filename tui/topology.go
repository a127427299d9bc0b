package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine"
)

// topologyLines draws the lab as the kernel has it now (a Snapshot, not
// the lab file): each node with its interfaces, addresses and state, veth
// peers, bridge ports, routes, forwarding and NAT rules.
func topologyLines(st *styles, snap *engine.Snapshot, err error) []string {
	if err != nil {
		return []string{st.Error.Render("cannot read the lab's state: " + err.Error())}
	}
	if snap == nil {
		return []string{st.Subtle.Render("reading the lab's state…")}
	}
	var out []string
	for _, name := range snap.Order {
		n := snap.Nodes[name]
		out = append(out, st.Node.Render(name)+" "+st.Subtle.Render(nodeRole(name, n)))
		ports := map[string][]string{}
		for _, l := range n.Links {
			if l.Master != "" {
				ports[l.Master] = append(ports[l.Master], l.Name)
			}
		}
		var shown []engine.LinkSnap
		for _, l := range n.Links {
			if l.Name == "lo" && !hasRealAddr(l) {
				continue
			}
			shown = append(shown, l)
		}
		for i, l := range shown {
			branch, cont := "├─", "│ "
			if i == len(shown)-1 {
				branch, cont = "└─", "  "
			}
			state := st.Up.Render("UP")
			if !l.Up {
				state = st.Down.Render("DOWN")
			}
			line := fmt.Sprintf("  %s %s %s %s", branch, st.Iface.Render(l.Name), st.Subtle.Render(l.Kind), state)
			var addrs []string
			for _, a := range l.Addrs {
				if l.Name == "lo" && (a.CIDR == "127.0.0.1/8" || a.CIDR == "::1/128") {
					continue
				}
				addrs = append(addrs, a.CIDR)
			}
			if len(addrs) > 0 {
				line += " " + st.Addr.Render(strings.Join(addrs, " "))
			}
			out = append(out, line)
			var extra []string
			if l.Peer != "" {
				extra = append(extra, "cable to "+strings.Replace(l.Peer, "/", ":", 1))
			}
			if l.Master != "" {
				extra = append(extra, "port of "+l.Master)
			}
			if p := ports[l.Name]; len(p) > 0 {
				sort.Strings(p)
				extra = append(extra, "ports: "+strings.Join(p, ", "))
			}
			if v := l.VXLAN; v != nil {
				extra = append(extra, fmt.Sprintf("vxlan id %d port %d", v.ID, v.Port))
			}
			if l.Parent != "" {
				extra = append(extra, "macvlan on "+l.Parent+" ("+l.Mode+")")
			}
			if len(extra) > 0 {
				out = append(out, "  "+cont+"    "+st.Subtle.Render(strings.Join(extra, "; ")))
			}
		}
		for _, r := range n.Routes {
			if r.Gw != "" {
				out = append(out, "     "+st.Subtle.Render("route: ")+r.Text)
			}
		}
		if n.Sysctls["net.ipv4.ip_forward"] == "1" {
			out = append(out, "     "+st.Subtle.Render("forwarding: ")+st.Up.Render("on"))
		} else if n.Kind == engine.KindHost {
			out = append(out, "     "+st.Subtle.Render("forwarding: off"))
		}
		for _, table := range []string{"nat", "filter"} {
			for _, rule := range n.Iptables[table] {
				if strings.HasPrefix(rule, "-A") {
					out = append(out, "     "+st.Subtle.Render("iptables -t "+table+": ")+rule)
				}
			}
		}
	}
	return out
}

func nodeRole(name string, n *engine.NodeSnap) string {
	switch {
	case n.Kind == engine.KindNetns && n.Parent != "":
		return "(network namespace on " + n.Parent + ")"
	case n.Kind == engine.KindNetns:
		return "(network namespace)"
	case name == "internet":
		return "(the outside network)"
	case name == "host":
		return "(lab host: stands in for your machine)"
	}
	return "(lab host)"
}

func hasRealAddr(l engine.LinkSnap) bool {
	for _, a := range l.Addrs {
		if a.CIDR != "127.0.0.1/8" && a.CIDR != "::1/128" {
			return true
		}
	}
	return false
}
