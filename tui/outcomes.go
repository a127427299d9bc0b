package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs"
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
		m.setStatus("cannot read the lab: "+m.snapErr.Error(), true)
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
	m.busy = fmt.Sprintf("running step %d…", i+1)
	m.step.show(i)
	if len(m.lab.Steps[i].Capture) > 0 || m.capture.src != nil {
		m.capture.add(newMarker(fmt.Sprintf("step %d: %s", i+1, m.lab.Steps[i].Title)))
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
	m.changes = changeSet{set: true, title: fmt.Sprintf("Step %d, %s: what changed", rep.Index, rep.Title), changes: rep.Changes}
	m.capture.addReport(rep.Packets)
	cmd := m.applyState(msg.state)
	switch {
	case rep.Error != "":
		m.setStatus(fmt.Sprintf("step %d failed and was rolled back: %s", rep.Index, rep.Error), true)
	case !rep.OK:
		m.setStatus(fmt.Sprintf("step %d ran, but not everything held (see below); %s undoes it", rep.Index, keyName(m.ctx.keys.Undo)), true)
	case m.done():
		m.setStatus(fmt.Sprintf("step %d done: that was the last step. %s quits (and can tear the lab down)", rep.Index, keyName(m.ctx.keys.Quit)), false)
	default:
		m.setStatus(fmt.Sprintf("step %d done", rep.Index), false)
	}
	m.step.showHint = false
	// The step's outcome stays on screen, scrolled to it; the next Enter
	// shows the next step (enterAction).
	m.step.show(msg.index)
	m.step.toOutcome = true
	if msg.all && rep.OK && !m.done() {
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
	cmd := m.settle(msg.state, msg.err, "undo")
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	delete(m.reports, rep.Index-1)
	delete(m.answers, rep.Index-1)
	m.changes = changeSet{set: true, title: fmt.Sprintf("Undo of step %d, %s: what changed", rep.Index, rep.Title), changes: rep.Changes}
	m.step.show(min(m.current(), len(m.lab.Steps)-1))
	m.setStatus(fmt.Sprintf("undid step %d: the lab is as it was before it", rep.Index), false)
	if m.capture.src != nil {
		m.capture.add(newMarker(fmt.Sprintf("undo of step %d", rep.Index)))
	}
	return cmd
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
	m.busy = "opening a shell on " + node + "…"
	return shellReadyCmd(m.sess, node)
}

func (m *Model) onShellReady(msg shellReadyMsg) tea.Cmd {
	if msg.err != nil {
		m.busy = ""
		m.setStatus("cannot open a shell: "+msg.err.Error(), true)
		return nil
	}
	m.busy = "in a shell on " + msg.node
	before := msg.before
	return tea.ExecProcess(m.be.Shell(msg.node), func(err error) tea.Msg {
		return shellDoneMsg{before: before, err: err}
	})
}

func (m *Model) onShellDone(msg shellDoneMsg) tea.Cmd {
	if msg.err != nil {
		var ee interface{ ExitCode() int }
		if !errors.As(msg.err, &ee) {
			m.setStatus("the shell failed: "+msg.err.Error(), true)
		}
	}
	if m.done() {
		m.busy = "reading the lab…"
		return refreshCmd(m.sess)
	}
	m.busy = "checking what you did…"
	return byHandCmd(m.sess, m.current(), msg.before)
}

func (m *Model) onByHand(msg byHandMsg) tea.Cmd {
	cmd := m.settle(msg.state, msg.err, "checking the step")
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	m.reports[msg.index] = rep
	m.changes = changeSet{set: true, title: fmt.Sprintf("Shell session during step %d: what changed", rep.Index), changes: rep.Changes}
	if rep.OK {
		m.setStatus(fmt.Sprintf("step %d done by hand ✎", rep.Index), false)
		m.step.show(min(m.current(), len(m.lab.Steps)-1))
	} else {
		m.setStatus(fmt.Sprintf("step %d is not done yet: see what is missing", rep.Index), true)
		m.step.viewed, m.pane = msg.index, paneStep
	}
	return cmd
}
