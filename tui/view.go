package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/labs/i18n"
)

// Minimum terminal size the lab view is laid out for.
const (
	minWidth  = 60
	minHeight = 18
)

func (m *Model) tooSmall() bool { return m.ctx.width < minWidth || m.ctx.height < minHeight }

// View renders the screen. Packet batches do not mark the view dirty: the
// frame tick does, so a flood redraws at most 20 times a second while keys
// redraw at once.
func (m *Model) View() string {
	if !m.dirty && m.lastView != "" {
		return m.lastView
	}
	m.dirty = false
	m.lastView = m.render()
	return m.lastView
}

func (m *Model) render() string {
	st := m.ctx.st
	w, h := m.ctx.width, m.ctx.height
	if m.tooSmall() {
		msg := i18n.T("tui.tooSmall", "The terminal is {{.W}}x{{.H}}; netlab needs at least {{.MinW}}x{{.MinH}}.\nMake it bigger, or press {{.Quit}} to quit.",
			"W", w, "H", h, "MinW", minWidth, "MinH", minHeight, "Quit", keyName(m.ctx.keys.Quit))
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(msg))
	}
	switch m.screen {
	case screenLoading:
		text := i18n.T("tui.opening", "netlab: opening…")
		if m.opts.Lab != nil {
			text = i18n.T("tui.openingLab", "netlab: opening lab {{.ID}}…", "ID", m.opts.Lab.ID)
		}
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Subtle.Render(text))
	case screenPicker:
		return fit(m.picker.View(), w, h-1) + "\n" + cutLines(m.help.ShortHelpView(m.picker.keys()), w)
	case screenConflict:
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.conflictView(w))
	case screenError:
		msg := st.Error.Render(i18n.T("tui.openFailed", "netlab could not open the lab")) + "\n\n" + wrap(m.errText, w-8) +
			"\n\n" + st.Subtle.Render(i18n.T("tui.openFailed.keys", "{{.Back}}: back to the labs · {{.Quit}}: quit", "Back", keyName(m.ctx.keys.Back), "Quit", keyName(m.ctx.keys.Quit)))
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Dialog.Render(msg))
	}
	return m.labView()
}

// bodyHeight is the lab view's pane height.
func (m *Model) bodyHeight() int {
	h := m.ctx.height - 4
	if m.fullHelp {
		h -= lipgloss.Height(m.fullHelpView()) - 1
	}
	return max(3, h)
}

func (m *Model) fullHelpView() string {
	return cutLines(m.help.FullHelpView(m.ctx.keys.FullHelp()), m.ctx.width)
}

// cutLines cuts every line of s to w cells. bubbles/help adds a column
// or item that does not fit when not even its "…" would, so a help in
// Chinese (two cells a character) could overflow the screen.
func cutLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) labView() string {
	st := m.ctx.st
	w := m.ctx.width
	bh := m.bodyHeight()

	// header: lab title, progress, what is running
	right := i18n.T("tui.header.done", "{{.N}}/{{.Of}} done", "N", len(m.applied), "Of", len(m.lab.Steps))
	if m.busy != "" {
		right = m.busy + "  " + right
	}
	left := ansi.Truncate("netlab · "+m.shown().Title, max(10, w-ansi.StringWidth(right)-2), "…")
	header := st.Header.Render(left) + strings.Repeat(" ", max(1, w-ansi.StringWidth(left)-ansi.StringWidth(right))) + st.Subtle.Render(right)

	var tabs []string
	for p := range paneCount {
		name := paneName(p)
		if p == paneCapture && len(m.capture.entries) > 0 {
			name = fmt.Sprintf("%s (%d)", name, m.capture.seen)
		}
		if p == paneChanges && m.changes.set {
			name = fmt.Sprintf("%s (%d)", name, len(m.changes.changes))
		}
		if p == m.pane {
			tabs = append(tabs, st.TabActive.Render(name))
		} else {
			tabs = append(tabs, st.TabInactive.Render(name))
		}
	}
	tabBar := ansi.Truncate(strings.Join(tabs, " "), w, "")

	var body string
	if m.dialog != nil {
		body = lipgloss.Place(w, bh, lipgloss.Center, lipgloss.Center, m.dialog.View(w, bh))
	} else {
		body = m.paneView(w, bh)
	}

	status := m.status
	statusStyle := st.Status
	if m.statusErr {
		statusStyle = st.Error
	}
	// Enter's job (run the step, or show the next) is always on the right.
	hint := m.enterHint()
	msgText := ansi.Truncate(status, max(0, w-ansi.StringWidth(hint)-2), "…")
	statusLine := statusStyle.Render(msgText)
	if hint != "" {
		statusLine += strings.Repeat(" ", max(1, w-ansi.StringWidth(msgText)-ansi.StringWidth(hint))) + st.Bold.Render(hint)
	}
	var helpView string
	if m.fullHelp {
		helpView = m.fullHelpView()
	} else {
		helpView = cutLines(m.help.ShortHelpView(m.shortHelp()), w)
	}
	return strings.Join([]string{header, tabBar, fit(body, w, bh), statusLine, helpView}, "\n")
}

// shortHelp is the one-line help for what is on screen.
func (m *Model) shortHelp() []key.Binding {
	k := m.ctx.keys
	if m.dialog != nil {
		return m.dialog.keys()
	}
	if m.pane == paneCapture {
		return m.capture.keys()
	}
	// Enter's help says which of its jobs it does now, as the status does.
	switch m.enterAction() {
	case enterShowNext:
		k.Run.SetHelp(keyName(k.Run), i18n.T("tui.key.showNext", "show next"))
	case enterAsk:
		k.Run.SetHelp(keyName(k.Run), i18n.T("tui.key.predict", "predict"))
	}
	return k.ShortHelp()
}

// paneView renders the current tab.
func (m *Model) paneView(w, h int) string {
	switch m.pane {
	case paneStep:
		return m.step.View(w, h)
	case paneTopology:
		return m.topo.View(w, h)
	case paneChanges:
		return m.chg.View(w, h)
	case paneCapture:
		return m.capture.View(w, h)
	}
	return ""
}
