package tui

import (
	"github.com/netlab/netlab/engine"
)

// topologyLines draws the lab as the kernel has it now (a Snapshot, not
// the lab file) as a map w cells wide (see topoMap), with what cs, the
// last step, undo or shell session, changed highlighted.
func topologyLines(st *styles, snap *engine.Snapshot, err error, w int, cs changeSet) []string {
	if err != nil {
		return []string{st.Error.Render("cannot read the lab's state: " + err.Error())}
	}
	if snap == nil {
		return []string{st.Subtle.Render("reading the lab's state…")}
	}
	out := topoMap(st, snap, w, marksOf(cs))
	return append(out, "", topoLegend(st, w))
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
