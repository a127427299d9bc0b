package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// onKey routes a key press to the screen shown: the loading screen, the
// picker, the conflict screen, the error screen or the lab view.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	if m.tooSmall() && !key.Matches(msg, m.ctx.keys.Quit) {
		return nil
	}
	if key.Matches(msg, m.ctx.keys.Lang) && !m.typing() {
		return m.switchLang()
	}
	switch m.screen {
	case screenLoading:
		if key.Matches(msg, m.ctx.keys.Quit) {
			return tea.Quit
		}
		return nil
	case screenPicker:
		return m.pickerKey(msg)
	case screenConflict:
		return m.conflictKey(msg)
	case screenError:
		return m.errorKey(msg)
	}
	return m.labKey(msg)
}

// errorKey quits, or goes back to the labs.
func (m *Model) errorKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Back):
		m.screen = screenLoading
		return loadPickerCmd(m.be)
	}
	return nil
}

// labKey routes a key in the lab view: an open dialog has every key, and
// so does the capture filter being typed; otherwise the Cancel key of a
// running step, the view's own keys, the pane's, then the actions.
func (m *Model) labKey(msg tea.KeyMsg) tea.Cmd {
	m.ctx.bodyH = m.bodyHeight()
	if m.dialog != nil {
		var cmd tea.Cmd
		m.dialog, cmd = m.dialog.Update(msg)
		return cmd
	}
	if m.capture.typing && m.pane == paneCapture {
		var cmd tea.Cmd
		m.capture, cmd = m.capture.Update(msg)
		return cmd
	}
	if m.stepCancel != nil && key.Matches(msg, m.ctx.keys.Cancel) {
		// The step's command stops and the step is rolled back; its
		// stepDoneMsg then says "step N cancelled".
		m.stepCancel()
		m.stepCancel = nil
		m.busy = i18n.T("tui.busy.cancelling", "cancelling the step: rolling it back…")
		return nil
	}
	if m.viewKey(msg) {
		return nil
	}
	if cmd, ok := m.paneKey(msg); ok {
		return cmd
	}
	return m.actionKey(msg)
}

// viewKey handles the keys that work on every pane: quit, help, the tabs,
// the steps and the hint. It reports whether msg was one of them.
func (m *Model) viewKey(msg tea.KeyMsg) bool {
	k := m.ctx.keys
	switch {
	case key.Matches(msg, k.Quit):
		m.dialog = newQuitDialog(m.ctx, m.labData)
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % paneCount
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + paneCount - 1) % paneCount
	case key.Matches(msg, k.Back):
		m.step.showHint, m.fullHelp = false, false
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		m.step, _ = m.step.Update(msg)
	case key.Matches(msg, k.Hint):
		m.step.showHint, m.pane = !m.step.showHint, paneStep
		m.step.viewed = min(m.current(), len(m.lab.Steps)-1)
	default:
		return false
	}
	return true
}

// paneKey gives the shown pane its keys: the text panes scroll, the
// capture pane moves, pauses, filters, follows, saves and chooses its
// interfaces. It reports whether msg was one of them.
func (m *Model) paneKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if m.pane == paneCapture {
		return m.captureKey(msg)
	}
	if !m.ctx.keys.scrolls(msg) {
		return nil, false
	}
	var cmd tea.Cmd
	switch m.pane {
	case paneStep:
		m.step, cmd = m.step.Update(msg)
	case paneTopology:
		m.topo.textPane, cmd = m.topo.Update(msg)
	case paneChanges:
		m.chg.textPane, cmd = m.chg.Update(msg)
	}
	return cmd, true
}

// captureKey is paneKey on the capture pane; following a packet and
// choosing interfaces open a dialog, which needs the lab's map.
func (m *Model) captureKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.ctx.keys
	switch {
	case key.Matches(msg, k.Follow):
		m.follow = follow(m.capture.current(), m.capture.entries)
		m.follow.ctx, m.follow.snap = m.ctx, m.snap // the path is drawn on the lab's map
		m.dialog = &m.follow
		return nil, true
	case key.Matches(msg, k.Save):
		pkts := m.capture.savable()
		if len(pkts) == 0 {
			m.setStatus(i18n.T("tui.status.nothingToSave", "no captured packet to save yet"), true)
			return nil, true
		}
		return savePcapCmd(pkts, m.now()), true
	case key.Matches(msg, k.Ifaces):
		var cur []string
		for _, t := range m.capture.targets {
			cur = append(cur, t.String())
		}
		m.capture.chooser.start(m.ctx, m.snap, cur)
		m.dialog = &m.capture.chooser
		return nil, true
	case k.scrolls(msg), key.Matches(msg, k.Pause), key.Matches(msg, k.Filter):
		var cmd tea.Cmd
		m.capture, cmd = m.capture.Update(msg)
		return cmd, true
	}
	return nil, false
}

// actionKey runs the actions on the lab: one engine operation at a time.
func (m *Model) actionKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	isAction := key.Matches(msg, k.Run) || key.Matches(msg, k.Undo) || key.Matches(msg, k.RunAll) ||
		key.Matches(msg, k.Shell) || key.Matches(msg, k.ShellNode) || key.Matches(msg, k.Reset)
	if isAction && m.busy != "" {
		m.setStatus(i18n.T("tui.status.wait", "wait: {{.Busy}}", "Busy", m.busy), false)
		return nil
	}
	switch {
	case key.Matches(msg, k.Run):
		return m.enter()
	case key.Matches(msg, k.RunAll):
		if m.done() {
			m.setStatus(i18n.T("tui.status.allDone", "every step is done"), false)
			return nil
		}
		return m.runStep(true)
	case key.Matches(msg, k.Undo):
		if len(m.applied) == 0 {
			m.setStatus(i18n.T("tui.status.nothingToUndo", "nothing to undo: no step is applied"), false)
			return nil
		}
		m.busy = i18n.T("tui.busy.undoing", "undoing step {{.N}}…", "N", len(m.applied))
		return undoCmd(m.sess)
	case key.Matches(msg, k.Shell):
		return m.openShell(m.shellNode())
	case key.Matches(msg, k.ShellNode):
		m.dialog = &nodesDialog{ctx: m.ctx, d: m.labData}
		return nil
	case key.Matches(msg, k.Reset):
		m.dialog = &resetDialog{ctx: m.ctx}
		return nil
	}
	return nil
}

// enter does the Run key's job now (flow.go): show the next step, ask its
// question, or run it.
func (m *Model) enter() tea.Cmd {
	switch m.enterAction() {
	case enterNone:
		m.setStatus(m.allDoneText(), false)
	case enterShowNext:
		// The outcome was on screen; now the next step, not yet run.
		m.step.viewed, m.step.off, m.step.showHint, m.step.toOutcome = m.current(), 0, false, false
		m.setStatus("", false)
	case enterAsk:
		m.dialog = &questionDialog{ctx: m.ctx, d: m.labData}
	case enterRun:
		return m.runStep(false)
	}
	return nil
}
