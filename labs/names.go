package labs

import (
	"net"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"gopkg.in/yaml.v3"
)

// This file holds a lab's names: what each node resolves from the start
// (the names: map: node -> name -> IPv4 address), and what lint knows of
// the names each command resolves.

// names reads the names: map, keeping the file's order.
func (y *yamlLoader) names(n *yaml.Node) []Name {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		y.el.add(n.Line, n.Column, "names must be a mapping of nodes to their names, like {ns01: {web: 172.18.0.2}}, not %s", kindName(n))
		return nil
	}
	var out []Name
	seenNode := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		node, ok := y.str(k, "a node name")
		if !ok {
			continue
		}
		if seenNode[node] {
			y.el.add(k.Line, k.Column, "node %q is given twice in names", node)
			continue
		}
		seenNode[node] = true
		if v.Kind != yaml.MappingNode {
			y.el.add(v.Line, v.Column, "the names of %s must be a mapping of names to IPv4 addresses, like {web: 172.18.0.2}, not %s", node, kindName(v))
			continue
		}
		seen := map[string]bool{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			nk, nv := resolve(v.Content[j]), resolve(v.Content[j+1])
			name, ok1 := y.str(nk, "a host name")
			addr, ok2 := y.str(nv, "an IPv4 address")
			if !ok1 || !ok2 {
				continue
			}
			switch ip := net.ParseIP(addr); {
			case !cmdline.IsHostName(name):
				y.el.add(nk.Line, nk.Column, "%q is not a host name (letters, digits, '-' and '.', as DNS names are written)", name)
			case seen[strings.ToLower(name)]:
				y.el.add(nk.Line, nk.Column, "name %q is given twice for %s", name, node)
			case ip == nil || ip.To4() == nil || strings.Contains(addr, ":"):
				y.el.add(nv.Line, nv.Column, "%q is not an IPv4 address (the address %s resolves %s to)", addr, node, name)
			default:
				seen[strings.ToLower(name)] = true
				out = append(out, Name{Node: node, Name: name, Addr: ip.To4().String(), Line: nk.Line, Col: nk.Column,
					nodePos: pos{k.Line, k.Column}, addrPos: pos{nv.Line, nv.Column}})
			}
		}
	}
	return out
}

// validateNames checks that each node of the names: map exists once the
// setup has run, and records its names in the world lint follows.
func (v *validator) validateNames(lab *Lab) {
	for _, n := range lab.Names {
		if !v.w.has(n.Node) {
			v.el.add(n.nodePos.line, n.nodePos.col, "unknown node %q in names: names belong to a lab host or a namespace the setup creates (here: %s)", n.Node, v.w.list())
			continue
		}
		v.w.addName(n.Node, n.Name)
	}
}

// resolves follows a host a command names (ping, curl, wget, nc): an
// address is itself; a name the node's table does not give by now is a
// warning, since the command would fail, which a lesson may show on
// purpose (the step then expects it with fails: or ping: fail).
func (f *follower) resolves(host string, col int) {
	if host == "" || net.ParseIP(host) != nil || f.v.w.hasName(f.node, host) {
		return
	}
	p := f.at(max(col, 1))
	f.v.el.warn(p.line, p.col, "name %q does not resolve on node %q: no names: entry and no earlier `echo \"IP %s\" >> /etc/hosts` gives it there, so this command fails (if that is the lesson, expect it with fails: or ping: fail)", host, f.node, host)
}
