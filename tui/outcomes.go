package tui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// What the root does with the outcome of each engine operation: a lab
// opened, a step run or undone, a shell session checked.

// applyState takes in what an engine operation read, and retargets the
// live capture to the (possibly new) current step.
func (m *Model) applyState(st labState) tea.Cmd {
	oldCur := m.current()
	m.applied, m.snap, m.snapErr, m.nodes = st.applied, st.snap, st.snapErr, st.nodes
	if m.snapErr != nil {
		m.setStatus(i18n.T("tui.status.cannotRead", "cannot read the lab: {{.Err}}", "Err", m.snapErr.Error()), true)
	}
	if m.capture.manual && oldCur == m.current() {
		return nil
	}
	m.capture.manual = false
	return m.retarget(st.targets)
}

func (m *Model) onSession(msg sessionMsg) tea.Cmd {
	m.busy = ""
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		if m.screen != screenLab && m.screen != screenPicker {
			m.screen, m.errText = screenError, msg.err.Error()
		}
		return nil
	}
	if m.sess == nil || m.sess != msg.sess {
		m.reports, m.answers = map[int]*runner.StepReport{}, map[int]int{}
		m.changes = changeSet{}
	}
	m.sess, m.lab = msg.sess, msg.sess.Lab()
	m.screen, m.dialog = screenLab, nil
	cmd := m.applyState(msg.state)
	m.step.viewed = min(m.current(), len(m.lab.Steps)-1)
	m.step.off, m.topo.off, m.chg.off = 0, 0, 0
	if msg.note != "" {
		m.setStatus(msg.note, false)
	}
	return cmd
}

// runStep runs the current step (all: then the following ones).
func (m *Model) runStep(all bool) tea.Cmd {
	i := m.current()
	m.busy = i18n.T("tui.busy.running", "running step {{.N}}…", "N", i+1)
	m.step.show(i)
	if len(m.lab.Steps[i].Capture) > 0 || m.capture.src != nil {
		m.capture.add(newMarker(i18n.T("tui.capture.stepMarker", "step {{.N}}: {{.Title}}", "N", i+1, "Title", m.stepTitle(i))))
	}
	return m.stepCmd(i, all)
}

func (m *Model) onStepDone(msg stepDoneMsg) tea.Cmd {
	m.busy, m.stepCancel = "", nil
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		if errors.Is(msg.err, runner.ErrAllDone) {
			m.setStatus(m.allDoneText(), false)
		}
		return m.applyState(msg.state)
	}
	rep := msg.rep
	m.reports[msg.index] = rep
	m.changes = changeSet{set: true, changes: rep.Changes, title: func() string {
		return i18n.T("tui.changes.step", "Step {{.N}}, {{.Title}}: what changed", "N", rep.Index, "Title", m.stepTitle(rep.Index-1))
	}}
	m.capture.addReport(rep.Packets)
	cmd := m.applyState(msg.state)
	switch {
	case rep.Skipped != "":
		m.setStatus(i18n.T("tui.status.stepSkipped", "step {{.N}} skipped, nothing applied: {{.Reason}}", "N", rep.Index, "Reason", rep.Skipped), true)
	case rep.Error != "":
		m.setStatus(i18n.T("tui.status.stepFailed", "step {{.N}} failed and was rolled back: {{.Err}}", "N", rep.Index, "Err", rep.Error), true)
	case !rep.OK:
		m.setStatus(i18n.T("tui.status.stepNotHeld", "step {{.N}} ran, but not everything held (see below); {{.Key}} undoes it", "N", rep.Index, "Key", keyName(m.ctx.keys.Undo)), true)
	case m.done():
		m.setStatus(i18n.T("tui.status.lastDone", "step {{.N}} done: that was the last step. {{.Key}} quits (and can tear the lab down)", "N", rep.Index, "Key", keyName(m.ctx.keys.Quit)), false)
	default:
		m.setStatus(i18n.T("tui.status.stepDone", "step {{.N}} done", "N", rep.Index), false)
	}
	m.step.showHint = false
	// The step's outcome stays on screen, scrolled to it; the next Enter
	// shows the next step (enterAction).
	m.step.show(msg.index)
	m.step.toOutcome = true
	if msg.all && (rep.OK || rep.Skipped != "") && !m.done() {
		return tea.Batch(cmd, m.runStep(true))
	}
	return cmd
}

// settle ends an engine operation: the state it read is taken in, and
// when it failed the status says so, after what (its name).
func (m *Model) settle(st labState, err error, what string) tea.Cmd {
	m.busy = ""
	cmd := m.applyState(st)
	if err != nil {
		m.setStatus(what+": "+err.Error(), true)
	}
	return cmd
}

func (m *Model) onUndoDone(msg undoDoneMsg) tea.Cmd {
	cmd := m.settle(msg.state, msg.err, i18n.T("tui.status.undo", "undo"))
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	delete(m.reports, rep.Index-1)
	delete(m.answers, rep.Index-1)
	m.changes = changeSet{set: true, changes: rep.Changes, title: func() string {
		return i18n.T("tui.changes.undo", "Undo of step {{.N}}, {{.Title}}: what changed", "N", rep.Index, "Title", m.stepTitle(rep.Index-1))
	}}
	m.step.show(min(m.current(), len(m.lab.Steps)-1))
	m.setStatus(i18n.T("tui.status.undone", "undid step {{.N}}: the lab is as it was before it", "N", rep.Index), false)
	if m.capture.src != nil {
		m.capture.add(newMarker(i18n.T("tui.capture.undoMarker", "undo of step {{.N}}", "N", rep.Index)))
	}
	return cmd
}

// stepTitle is step i's title as the student reads it.
func (m *Model) stepTitle(i int) string {
	if l := m.shown(); l != nil && i >= 0 && i < len(l.Steps) {
		return l.Steps[i].Title
	}
	return ""
}

// shellNode is where the Shell key opens a shell: the current step's node.
func (m *Model) shellNode() string {
	if i := m.current(); i < len(m.lab.Steps) && m.lab.Steps[i].Node != "" {
		return m.lab.Steps[i].Node
	}
	if m.sess != nil {
		return m.lab.DefaultNode()
	}
	return labs.DefaultHost
}

func (m *Model) openShell(node string) tea.Cmd {
	m.busy = i18n.T("tui.busy.openingShell", "opening a shell on {{.Node}}…", "Node", node)
	return shellReadyCmd(m.sess, node)
}

func (m *Model) onShellReady(msg shellReadyMsg) tea.Cmd {
	if msg.err != nil {
		m.busy = ""
		m.setStatus(i18n.T("tui.status.shellFailed", "cannot open a shell: {{.Err}}", "Err", msg.err.Error()), true)
		return nil
	}
	m.busy = i18n.T("tui.busy.inShell", "in a shell on {{.Node}}", "Node", msg.node)
	before := msg.before
	return tea.ExecProcess(m.be.Shell(msg.node), func(err error) tea.Msg {
		return shellDoneMsg{before: before, err: err}
	})
}

func (m *Model) onShellDone(msg shellDoneMsg) tea.Cmd {
	if msg.err != nil {
		var ee interface{ ExitCode() int }
		if !errors.As(msg.err, &ee) {
			m.setStatus(i18n.T("tui.status.shellError", "the shell failed: {{.Err}}", "Err", msg.err.Error()), true)
		}
	}
	if m.done() {
		m.busy = i18n.T("tui.busy.reading", "reading the lab…")
		return refreshCmd(m.sess)
	}
	m.busy = i18n.T("tui.busy.checking", "checking what you did…")
	return byHandCmd(m.sess, m.current(), msg.before)
}

func (m *Model) onByHand(msg byHandMsg) tea.Cmd {
	cmd := m.settle(msg.state, msg.err, i18n.T("tui.status.checking", "checking the step"))
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	m.reports[msg.index] = rep
	m.changes = changeSet{set: true, changes: rep.Changes, title: func() string {
		return i18n.T("tui.changes.shell", "Shell session during step {{.N}}: what changed", "N", rep.Index)
	}}
	if rep.OK {
		m.setStatus(i18n.T("tui.status.byHand", "step {{.N}} done by hand ✎", "N", rep.Index), false)
		m.step.show(min(m.current(), len(m.lab.Steps)-1))
	} else {
		m.setStatus(i18n.T("tui.status.byHandMissing", "step {{.N}} is not done yet: see what is missing", "N", rep.Index), true)
		m.step.viewed, m.pane = msg.index, paneStep
	}
	return cmd
}
