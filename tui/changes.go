package tui

import (
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// changeSet is what the last step, undo or shell session changed.
type changeSet struct {
	title   func() string // in the current language (nil: no title)
	changes []engine.Change
	set     bool
}

// changesPane is the Changes pane: what the last step, undo or shell
// session changed in the kernel.
type changesPane struct{ textPane }

// View lists the changes in w x h.
func (p *changesPane) View(w, h int) string {
	return p.scroll.lines(p.ctx, changeLines(p.ctx.st, p.d.changes), w, h)
}

// changeLines renders the changes: + added, - removed, ~ changed.
func changeLines(st *styles, cs changeSet) []string {
	if !cs.set {
		return []string{st.Subtle.Render(i18n.T("tui.changes.none", "Nothing has run yet. After a step or an undo, this lists what it changed in the kernel."))}
	}
	title := ""
	if cs.title != nil {
		title = cs.title()
	}
	out := []string{st.Bold.Render(title), ""}
	if len(cs.changes) == 0 {
		return append(out, st.Subtle.Render(i18n.T("tui.changes.empty", "no change to the lab's interfaces, addresses, routes, rules or sysctls")))
	}
	for _, c := range cs.changes {
		s := st.Changed
		switch c.Op {
		case "+":
			s = st.Added
		case "-":
			s = st.Removed
		}
		out = append(out, s.Render(c.String()))
	}
	return out
}
