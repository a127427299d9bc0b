package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// topoMap draws the lab as the kernel has it now, w cells wide: boxes for
// hosts and namespaces, interfaces as ports (● up, ○ down), cables, bridges
// with their ports, forwarding, NAT and gateways; what the last step
// changed is highlighted. No line is wider than w.
func topoMap(st *styles, snap *engine.Snapshot, w int, mk topoMarks) []string {
	c := layoutTopo(snap, w, mk)
	return c.lines(func(s topoStyle, text string) string { return st.topo(s).Render(text) })
}

// marksOf reads what to highlight from the last step's changes.
func marksOf(cs changeSet) topoMarks {
	mk := topoMarks{changed: map[string]bool{}}
	if !cs.set {
		return mk
	}
	for _, c := range cs.changes {
		v := c.New
		if v == "" {
			v = c.Old
		}
		f := strings.Fields(v)
		switch c.Kind {
		case "node":
			if c.Op == "+" {
				mk.changed[c.Node] = true
			}
		case "link":
			if len(f) > 0 {
				mk.changed[c.Node+"/"+f[0]] = true
			}
		case "addr":
			if len(f) > 0 {
				mk.changed[c.Node+"/"+f[len(f)-1]] = true
			}
		case "route":
			mk.changed[c.Node+"/route "+v] = true
		case "sysctl":
			if strings.Contains(v, "forward") {
				mk.changed[c.Node+"/fwd"] = true
			}
		case "iptables":
			mk.changed[c.Node+"/nat"] = true
		}
	}
	return mk
}

// topoLegend explains the map's symbols in one line.
func topoLegend(st *styles, w int) string {
	return st.Subtle.Render(truncateCells("● "+i18n.T("tui.map.up", "up")+"  ○ "+i18n.T("tui.map.down", "down")+"  "+i18n.T("tui.map.changed", "highlighted: changed by the last step"), w))
}

// truncateCells cuts s to w cells with "…", never inside a wide rune.
func truncateCells(s string, w int) string {
	return ansi.Truncate(s, w, "…")
}
