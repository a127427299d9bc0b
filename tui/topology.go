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
