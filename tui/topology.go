package tui

import (
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// topologyPane is the Topology pane: the lab as the kernel has it now.
type topologyPane struct{ textPane }

// View draws the map in w x h, what the last change touched highlighted.
func (p *topologyPane) View(w, h int) string {
	st := p.ctx.st
	lines := append([]string{st.Bold.Render(i18n.T("tui.topo.title", "The lab as the kernel has it now"))}, topologyLines(st, p.d.snap, p.d.snapErr, w, p.d.changes)...)
	return p.scroll.lines(p.ctx, lines, w, h)
}

// topologyLines draws the lab as the kernel has it now (a Snapshot, not
// the lab file) as a map w cells wide (see topoMap), with what cs, the
// last step, undo or shell session, changed highlighted.
func topologyLines(st *styles, snap *engine.Snapshot, err error, w int, cs changeSet) []string {
	if err != nil {
		return []string{st.Error.Render(i18n.T("tui.topo.cannotRead", "cannot read the lab's state: {{.Err}}", "Err", err.Error()))}
	}
	if snap == nil {
		return []string{st.Subtle.Render(i18n.T("tui.topo.reading", "reading the lab's state…"))}
	}
	out := topoMap(st, snap, w, marksOf(cs))
	return append(out, "", topoLegend(st, w))
}
