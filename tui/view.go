package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
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
		msg := fmt.Sprintf("The terminal is %dx%d; netlab needs at least %dx%d.\nMake it bigger, or press %s to quit.", w, h, minWidth, minHeight, keyName(m.ctx.keys.Quit))
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(msg))
	}
	switch m.screen {
	case screenLoading:
		text := "netlab: opening…"
		if m.opts.Lab != nil {
			text = "netlab: opening lab " + m.opts.Lab.ID + "…"
		}
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Subtle.Render(text))
	case screenPicker:
		help := m.help.ShortHelpView([]key.Binding{m.ctx.keys.Up, m.ctx.keys.Down, m.ctx.keys.Choose,
			m.ctx.keys.Filter, m.ctx.keys.Quit})
		return fit(m.picker.view(m.ctx, h-1), w, h-1) + "\n" + help
	case screenConflict:
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, m.conflictView(w))
	case screenError:
		msg := st.Error.Render("netlab could not open the lab") + "\n\n" + ansi.Wrap(m.errText, w-8, " ") +
			"\n\n" + st.Subtle.Render(keyName(m.ctx.keys.Back)+": back to the labs · "+keyName(m.ctx.keys.Quit)+": quit")
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

func (m *Model) fullHelpView() string { return m.help.FullHelpView(m.ctx.keys.FullHelp()) }

func (m *Model) labView() string {
	st := m.ctx.st
	w := m.ctx.width
	bh := m.bodyHeight()

	// header: lab title, progress, what is running
	right := fmt.Sprintf("%d/%d done", len(m.applied), len(m.lab.Steps))
	if m.busy != "" {
		right = m.busy + "  " + right
	}
	left := ansi.Truncate("netlab · "+m.lab.Title, max(10, w-ansi.StringWidth(right)-2), "…")
	header := st.Header.Render(left) + strings.Repeat(" ", max(1, w-ansi.StringWidth(left)-ansi.StringWidth(right))) + st.Subtle.Render(right)

	var tabs []string
	for p := range paneCount {
		name := paneNames[p]
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
	switch m.dialog {
	case dialogQuestion:
		body = m.questionView(min(w, 90))
	case dialogReset:
		body = m.confirmResetView()
	case dialogQuit:
		body = m.quitView(w)
	case dialogNodes:
		body = m.nodesView()
	case dialogFollow:
		body = m.follow.view(m.ctx, w, bh)
	case dialogIfaces:
		body = m.capture.chooser.view(m.ctx, w, bh)
	}
	if body != "" {
		body = lipgloss.Place(w, bh, lipgloss.Center, lipgloss.Center, body)
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
		helpView = m.help.ShortHelpView(m.shortHelp())
	}
	return strings.Join([]string{header, tabBar, fit(body, w, bh), statusLine, helpView}, "\n")
}

// shortHelp is the one-line help for what is on screen.
func (m *Model) shortHelp() []key.Binding {
	k := m.ctx.keys
	switch m.dialog {
	case dialogQuestion:
		return []key.Binding{k.Answer, k.Back}
	case dialogReset:
		return []key.Binding{k.Yes, k.No}
	case dialogQuit:
		return []key.Binding{k.Keep, k.TearDown, k.Back}
	case dialogNodes:
		return []key.Binding{k.Up, k.Down, k.Choose, k.Back}
	case dialogFollow:
		return []key.Binding{k.HopPrev, k.HopNext, k.Back}
	case dialogIfaces:
		return []key.Binding{k.Up, k.Down, k.Pause, k.Back}
	}
	if m.pane == paneCapture {
		if m.capture.typing {
			return []key.Binding{k.Choose, k.Back}
		}
		return []key.Binding{k.Up, k.Down, k.Follow, k.Filter, k.Pause, k.Ifaces, k.Save, k.NextPane, k.Help}
	}
	// Enter's help says which of its jobs it does now, as the status does.
	switch m.enterAction() {
	case enterShowNext:
		k.Run.SetHelp(keyName(k.Run), "show next")
	case enterAsk:
		k.Run.SetHelp(keyName(k.Run), "predict")
	}
	return k.ShortHelp()
}

// paneView renders the current tab.
func (m *Model) paneView(w, h int) string {
	st := m.ctx.st
	switch m.pane {
	case paneStep:
		lw := min(32, w/3)
		cw := w - lw - 3
		title, body, outcome := m.stepContent(cw)
		lines, outcome := wrapLines(body, cw, outcome)
		if m.toOutcome {
			m.offsets[paneStep], m.toOutcome = outcome, false
		}
		content := ansi.Truncate(title, cw, "…") + "\n" + m.scrollLines(paneStep, lines, cw, h-1)
		sep := strings.TrimRight(strings.Repeat(st.Subtle.Render(" │ ")+"\n", h), "\n")
		return lipgloss.JoinHorizontal(lipgloss.Top, m.stepList(lw, h), sep, content)
	case paneTopology:
		lines := append([]string{st.Bold.Render("The lab as the kernel has it now")}, topologyLines(st, m.snap, m.snapErr, w, m.changes)...)
		return m.scrolled(paneTopology, lines, w, h)
	case paneChanges:
		return m.scrolled(paneChanges, changeLines(st, m.changes), w, h)
	case paneCapture:
		return m.capture.view(m.ctx, w, h)
	}
	return ""
}

// scrolled wraps lines to w and shows h of them from the pane's offset.
func (m *Model) scrolled(p pane, lines []string, w, h int) string {
	wrapped, _ := wrapLines(lines, w, 0)
	return m.scrollLines(p, wrapped, w, h)
}

// wrapLines splits and wraps lines to w; at is an index in lines, and the
// index of its first line in the result is returned with it.
func wrapLines(lines []string, w, at int) ([]string, int) {
	var wrapped []string
	atOut := 0
	for i, l := range lines {
		if i == at {
			atOut = len(wrapped)
		}
		wrapped = append(wrapped, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
	}
	return wrapped, atOut
}

// scrollLines shows h of the wrapped lines from the pane's offset, saying
// how many lie below (and, on the step pane, above: after a step ran its
// text is scrolled away to show the outcome).
func (m *Model) scrollLines(p pane, wrapped []string, w, h int) string {
	k := m.ctx.keys
	off := &m.offsets[p]
	*off = max(0, min(*off, len(wrapped)-h))
	end := min(len(wrapped), *off+h)
	out := append([]string(nil), wrapped[*off:end]...)
	if len(wrapped) > h && h > 1 {
		more := fmt.Sprintf("↓ %d more lines (%s, %s)", len(wrapped)-end, keyName(k.Down), keyName(k.PageDown))
		if end == len(wrapped) {
			more = "(end)"
		}
		out = append(out[:len(out)-1], m.ctx.st.Subtle.Render(more))
		if p == paneStep && *off > 0 && h > 2 {
			out[0] = m.ctx.st.Subtle.Render(fmt.Sprintf("↑ %d lines above (%s, %s)", *off, keyName(k.Up), keyName(k.Top)))
		}
	}
	return fit(strings.Join(out, "\n"), w, h)
}

// fit pads or cuts s to exactly w x h cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		if lw > w {
			l = ansi.Truncate(l, w, "")
			lw = ansi.StringWidth(l)
		}
		lines[i] = l + strings.Repeat(" ", w-lw)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}
