package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
)

// onKey routes a key press: dialogs first, then the screen, then the pane.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	if m.tooSmall() && !key.Matches(msg, k.Quit) {
		return nil
	}
	switch m.screen {
	case screenLoading:
		if key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
	case screenPicker:
		return m.pickerKey(msg)
	case screenConflict:
		return m.conflictKey(msg)
	case screenError:
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Back):
			m.screen = screenLoading
			return loadPickerCmd(m.be)
		}
		return nil
	}
	if m.dialog != dialogNone {
		return m.dialogKey(msg)
	}
	if m.capture.typing && m.pane == paneCapture {
		return m.capture.update(msg, k, m.bodyHeight()-2)
	}
	if m.stepCancel != nil && key.Matches(msg, k.Cancel) {
		// The step's command stops and the step is rolled back; its
		// stepDoneMsg then says "step N cancelled".
		m.stepCancel()
		m.stepCancel = nil
		m.busy = "cancelling the step: rolling it back…"
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.dialog = dialogQuit
		return nil
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
		return nil
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % paneCount
		return nil
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + paneCount - 1) % paneCount
		return nil
	case key.Matches(msg, k.Back):
		m.showHint, m.fullHelp = false, false
		return nil
	case key.Matches(msg, k.Next):
		if m.viewed < len(m.lab.Steps)-1 {
			m.viewed++
			m.offsets[paneStep], m.toOutcome = 0, false
		}
		return nil
	case key.Matches(msg, k.Prev):
		if m.viewed > 0 {
			m.viewed--
			m.offsets[paneStep], m.toOutcome = 0, false
		}
		return nil
	case key.Matches(msg, k.Hint):
		m.showHint, m.pane = !m.showHint, paneStep
		m.viewed = min(m.current(), len(m.lab.Steps)-1)
		return nil
	}
	if m.pane == paneCapture {
		switch {
		case key.Matches(msg, k.Follow):
			m.follow = follow(m.capture.current(), m.capture.entries)
			m.follow.snap = m.snap // the path is drawn on the lab's map
			m.dialog = dialogFollow
			return nil
		case key.Matches(msg, k.Save):
			pkts := m.capture.savable()
			if len(pkts) == 0 {
				m.setStatus("no captured packet to save yet", true)
				return nil
			}
			return savePcapCmd(pkts, m.now())
		case key.Matches(msg, k.Ifaces):
			var cur []string
			for _, t := range m.capture.targets {
				cur = append(cur, t.String())
			}
			m.capture.chooser.start(m.snap, cur)
			m.dialog = dialogIfaces
			return nil
		case key.Matches(msg, k.Up), key.Matches(msg, k.Down), key.Matches(msg, k.PageUp), key.Matches(msg, k.PageDown),
			key.Matches(msg, k.Top), key.Matches(msg, k.Bottom), key.Matches(msg, k.Pause), key.Matches(msg, k.Filter):
			return m.capture.update(msg, k, m.bodyHeight()-2)
		}
	} else if m.scrollKey(msg) {
		return nil
	}
	// Actions on the lab: one engine operation at a time.
	isAction := key.Matches(msg, k.Run) || key.Matches(msg, k.Undo) || key.Matches(msg, k.RunAll) ||
		key.Matches(msg, k.Shell) || key.Matches(msg, k.ShellNode) || key.Matches(msg, k.Reset)
	if isAction && m.busy != "" {
		m.setStatus("wait: "+m.busy, false)
		return nil
	}
	switch {
	case key.Matches(msg, k.Run):
		switch m.enterAction() {
		case enterNone:
			m.setStatus(m.allDoneText(), false)
		case enterShowNext:
			// The outcome was on screen; now the next step, not yet run.
			m.viewed, m.offsets[paneStep], m.showHint, m.toOutcome = m.current(), 0, false, false
			m.setStatus("", false)
		case enterAsk:
			m.dialog = dialogQuestion
		case enterRun:
			return m.runStep(false)
		}
		return nil
	case key.Matches(msg, k.RunAll):
		if m.done() {
			m.setStatus("every step is done", false)
			return nil
		}
		return m.runStep(true)
	case key.Matches(msg, k.Undo):
		if len(m.applied) == 0 {
			m.setStatus("nothing to undo: no step is applied", false)
			return nil
		}
		m.busy = fmt.Sprintf("undoing step %d…", len(m.applied))
		return undoCmd(m.sess)
	case key.Matches(msg, k.Shell):
		return m.openShell(m.shellNode())
	case key.Matches(msg, k.ShellNode):
		m.dialog, m.nodeSel = dialogNodes, 0
		return nil
	case key.Matches(msg, k.Reset):
		m.dialog = dialogReset
		return nil
	}
	return nil
}

// scrollKey scrolls the step, topology or changes pane.
func (m *Model) scrollKey(msg tea.KeyMsg) bool {
	k := m.ctx.keys
	page := max(1, m.bodyHeight()-2)
	off := &m.offsets[m.pane]
	switch {
	case key.Matches(msg, k.Up):
		*off--
	case key.Matches(msg, k.Down):
		*off++
	case key.Matches(msg, k.PageUp):
		*off -= page
	case key.Matches(msg, k.PageDown):
		*off += page
	case key.Matches(msg, k.Top):
		*off = 0
	case key.Matches(msg, k.Bottom):
		*off = 1 << 30
	default:
		return false
	}
	*off = max(0, *off) // the view clamps the other end
	return true
}

func (m *Model) dialogKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	switch m.dialog {
	case dialogQuestion:
		q := m.lab.Steps[m.current()].Question
		if key.Matches(msg, k.Back) {
			m.dialog = dialogNone
			return nil
		}
		if key.Matches(msg, k.Answer) {
			n := int(msg.String()[0] - '1')
			if n < len(q.Choices) {
				m.answers[m.current()] = n
				m.dialog = dialogNone
				return m.runStep(false)
			}
		}
		if key.Matches(msg, k.Quit) && msg.String() == "ctrl+c" {
			m.dialog = dialogQuit
		}
	case dialogReset:
		switch {
		case key.Matches(msg, k.Yes):
			m.dialog = dialogNone
			m.busy = "resetting the lab…"
			s, lab := m.sess, m.lab
			m.sess = nil
			return tea.Batch(m.stopCapture(), resetCmd(m.be, s, lab))
		case key.Matches(msg, k.No), key.Matches(msg, k.Quit):
			m.dialog = dialogNone
		}
	case dialogQuit:
		switch {
		case key.Matches(msg, k.Keep), msg.String() == "ctrl+c":
			m.busy = "closing…"
			src := m.capture.src
			m.stopCapture()
			return keepCmd(m.sess, src)
		case key.Matches(msg, k.TearDown):
			if m.busy != "" && m.busy != "closing…" {
				m.setStatus("wait: "+m.busy, false)
				return nil
			}
			m.busy = "tearing the lab down…"
			src := m.capture.src
			m.stopCapture()
			return tearDownCmd(m.be, m.sess, src)
		case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
			m.dialog = dialogNone
		}
	case dialogNodes:
		switch {
		case key.Matches(msg, k.Up):
			m.nodeSel = max(0, m.nodeSel-1)
		case key.Matches(msg, k.Down):
			m.nodeSel = min(len(m.nodes)-1, m.nodeSel+1)
		case key.Matches(msg, k.Choose):
			m.dialog = dialogNone
			if m.nodeSel < len(m.nodes) {
				return m.openShell(m.nodes[m.nodeSel])
			}
		case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
			m.dialog = dialogNone
		}
	case dialogFollow:
		if m.follow.update(msg, k) { // ←/→ step along the path
			m.dialog = dialogNone
		}
	case dialogIfaces:
		if m.capture.chooser.update(msg, k) {
			m.dialog = dialogNone
			chosen := m.capture.chooser.chosen()
			if m.sess == nil || m.busy != "" {
				m.setStatus("the interfaces stay as they are: the lab is busy", true)
				return nil
			}
			s := m.sess
			m.busy = "opening the capture…"
			return func() tea.Msg { return retargetMsg{targets: s.Targets(chosen)} }
		}
	}
	return nil
}

func (m *Model) pickerKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	filtering := m.picker.list.FilterState() == list.Filtering
	if !filtering {
		switch {
		case key.Matches(msg, k.Quit):
			if m.picker.running != nil {
				m.picker.running.Close()
			}
			return tea.Quit
		case key.Matches(msg, k.Choose):
			it, ok := m.picker.list.SelectedItem().(pickerItem)
			if !ok {
				return nil
			}
			m.screen = screenLoading
			if it.resume {
				return reopenCmd(m.picker.running)
			}
			return pickCmd(m.be, it.sum.ID, m.picker.running)
		case key.Matches(msg, k.Reset) && m.picker.err != "":
			m.screen = screenLoading
			return resetCmd(m.be, m.picker.running, nil)
		}
	}
	var cmd tea.Cmd
	m.picker.list, cmd = m.picker.list.Update(msg)
	return cmd
}

// pickCmd opens the lab the student picked.
func pickCmd(be Backend, id string, running Session) tea.Cmd {
	return func() tea.Msg {
		if running != nil {
			running.Close()
		}
		lab, err := be.Find(id)
		if err != nil {
			return sessionMsg{err: err}
		}
		return openLabCmd(be, lab)()
	}
}

func (m *Model) conflictKey(msg tea.KeyMsg) tea.Cmd {
	k := m.ctx.keys
	c := m.conflict
	switch {
	case key.Matches(msg, k.Reopen) && c.running != nil:
		m.screen = screenLoading
		return reopenCmd(c.running)
	case key.Matches(msg, k.Reset):
		m.screen = screenLoading
		return resetCmd(m.be, c.running, c.want)
	case key.Matches(msg, k.Quit):
		if c.running != nil {
			c.running.Close()
		}
		return tea.Quit
	}
	return nil
}
