package engine

// This file holds a node's names table as an object of its node: the
// name -> IPv4 entries a container finds in its /etc/hosts (Docker's
// --link writes one line) or gets from the DNS of a user-defined network.
// The table is engine state, kept in the session (State.Names), never in
// a file of the machine: a lab's names: map fills it at setup, and
// `echo "IP NAME" >> /etc/hosts` adds a line as a step, undone with it.
// The clients and ping look names up in it (resolve.go); "netlab exec"
// shows it to the real tools as the node's /etc/hosts (enter.go).

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
)

// HostLine is one line of a node's names table, as /etc/hosts holds it:
// an IPv4 address, its name and the name's aliases.
type HostLine struct {
	Addr  string   `json:"addr"`
	Names []string `json:"names"`
}

// String is the line as /etc/hosts writes it.
func (l HostLine) String() string { return l.Addr + "\t" + strings.Join(l.Names, " ") }

// valid reports whether a line read back from a state file is one netlab
// writes: an IPv4 address and host names (nothing a hosts file could be
// made to say more with: no spaces, newlines or comments).
func (l HostLine) valid() bool {
	ip := net.ParseIP(l.Addr)
	if ip == nil || ip.To4() == nil || ip.String() != l.Addr || len(l.Names) == 0 {
		return false
	}
	for _, n := range l.Names {
		if !cmdline.IsHostName(n) {
			return false
		}
	}
	return true
}

// localhost is the line every node's table starts with, as a container's
// /etc/hosts does; it is implied, never stored.
var localhost = HostLine{Addr: "127.0.0.1", Names: []string{"localhost"}}

// hostsAdd is `echo "IP NAME [ALIAS...]" >> /etc/hosts`: a line appended
// to the node's names table.
type hostsAdd struct{ cmdline.HostsAdd }

func (a *hostsAdd) line() HostLine {
	return HostLine{Addr: a.Addr.String(), Names: slices.Clone(a.Names)}
}

func (a *hostsAdd) run(x *execCtx) (string, error) {
	st := x.s.st
	if st.Names == nil {
		st.Names = map[string][]HostLine{}
	}
	st.Names[x.node.Name] = append(st.Names[x.node.Name], a.line())
	return "", nil
}

func (a *hostsAdd) check(x *execCtx) error {
	want := a.line()
	for _, l := range x.s.st.Names[x.node.Name] {
		if l.Addr == want.Addr && slices.Equal(l.Names, want.Names) {
			return nil
		}
	}
	return problem("check.names.missing", "{{.Node}} has no line {{.Line}} in its /etc/hosts", "Node", x.node.Name, "Line", want.Addr+" "+strings.Join(want.Names, " "))
}

// decides: each name on the node.
func (a *hostsAdd) decides(node string) []string {
	var out []string
	for _, n := range a.Names {
		out = append(out, node+":name "+strings.ToLower(n))
	}
	return out
}

// namesObject is a node's names table.
type namesObject struct{}

func (namesObject) kind() string { return "name" }

func (namesObject) read(r *nodeReader, ns *NodeSnap) error {
	for _, l := range r.s.st.Names[r.node.Name] {
		ns.Names = append(ns.Names, HostLine{Addr: l.Addr, Names: slices.Clone(l.Names)})
	}
	return nil
}

// facts lists one line per name and address, "web 172.18.0.2", in the
// order the table holds them (a name given twice with one address is
// listed once).
func (namesObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	seen := map[string]bool{}
	for _, l := range n.Names {
		for _, name := range l.Names {
			v := name + " " + l.Addr
			if !seen[v] {
				seen[v] = true
				fs = append(fs, fact{node, "name", v, v, ""})
			}
		}
	}
	return fs
}

// restoreNode puts the node's table back as the snapshot holds it.
func (namesObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	rc.s.setNames(name, w.Names)
	return nil
}

// setNames replaces a node's names table (nil or empty forgets it).
func (s *Session) setNames(node string, lines []HostLine) {
	if len(lines) == 0 {
		delete(s.st.Names, node)
		return
	}
	if s.st.Names == nil {
		s.st.Names = map[string][]HostLine{}
	}
	out := make([]HostLine, len(lines))
	for i, l := range lines {
		out[i] = HostLine{Addr: l.Addr, Names: slices.Clone(l.Names)}
	}
	s.st.Names[node] = out
}

// lookupName finds a name in the node's table as the resolver reads
// /etc/hosts: the first line naming it, compared without case, after the
// implied localhost line. It returns the address and the line's first
// name (the canonical name ping prints).
func (s *Session) lookupName(node, name string) (net.IP, string, bool) {
	for _, l := range append([]HostLine{localhost}, s.st.Names[node]...) {
		for _, n := range l.Names {
			if strings.EqualFold(n, name) {
				return net.ParseIP(l.Addr).To4(), l.Names[0], true
			}
		}
	}
	return nil, "", false
}

// reverseName is the name the node's table gives an address, as
// getnameinfo finds it in /etc/hosts: the first name of the first line
// holding the address; "" when no line does.
func (s *Session) reverseName(node string, ip net.IP) string {
	for _, l := range append([]HostLine{localhost}, s.st.Names[node]...) {
		if l.Addr == ip.String() {
			return l.Names[0]
		}
	}
	return ""
}

// hostsFile is the node's table as an /etc/hosts file: the localhost
// line, then the table's lines in order.
func (s *Session) hostsFile(node string) string {
	var b strings.Builder
	for _, l := range append([]HostLine{localhost}, s.st.Names[node]...) {
		fmt.Fprintln(&b, l.String())
	}
	return b.String()
}

// setupNames fills the nodes' tables from a session spec, after setup.
func (s *Session) setupNames(names map[string][]HostLine) error {
	for _, node := range slices.Sorted(maps.Keys(names)) {
		if s.st.node(node) == nil {
			return fmt.Errorf("lab setup: names for %s, which is not a node of the lab", node)
		}
		for _, l := range names[node] {
			if !l.valid() {
				return fmt.Errorf("lab setup: names of %s: %q is not an IPv4 address and host names", node, l.Addr+" "+strings.Join(l.Names, " "))
			}
		}
		s.setNames(node, names[node])
	}
	return nil
}
