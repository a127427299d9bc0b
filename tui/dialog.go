package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// dialog is a box shown over the lab view. While one is open it has every
// key: Update returns the dialog to show next (itself, another, or nil
// once it closes). What only the root can do (run the step, reset, quit,
// open a shell, capture elsewhere) a dialog asks for through ctx.ask with
// one of the requests below, at once, so that no key slips in between.
type dialog interface {
	Update(msg tea.KeyMsg) (dialog, tea.Cmd)
	// View renders the box for a body of w x h cells.
	View(w, h int) string
	// keys are the bindings the help line shows while the dialog is open.
	keys() []key.Binding
}

// answerReq is the student's prediction: record it and run the step.
type answerReq struct{ choice int }

// resetReq asks to reset the lab.
type resetReq struct{}

// keepReq asks to quit and leave the lab running.
type keepReq struct{}

// tearDownReq asks to tear the lab down, then quit.
type tearDownReq struct{}

// shellReq asks for a shell on node.
type shellReq struct{ node string }

// captureOnReq carries the interfaces the student checked.
type captureOnReq struct{ chosen []labs.CaptureTarget }

// closingText is the busy text while the TUI closes and keeps the lab.
func closingText() string { return i18n.T("tui.busy.closing", "closing…") }

// serve does what a dialog asks (ctx.ask).
func (m *Model) serve(req any) tea.Cmd {
	switch req := req.(type) {
	case answerReq:
		m.answers[m.current()] = req.choice
		return m.runStep(false)
	case resetReq:
		m.busy = i18n.T("tui.busy.resetting", "resetting the lab…")
		s, lab := m.sess, m.lab
		m.sess = nil
		return tea.Batch(m.stopCapture(), resetCmd(m.be, s, lab))
	case keepReq:
		return keepCmd(m.sess, m.quitting(closingText()))
	case tearDownReq:
		if m.busy != "" && m.busy != closingText() {
			m.setStatus(i18n.T("tui.status.wait", "wait: {{.Busy}}", "Busy", m.busy), false)
			return nil
		}
		return tearDownCmd(m.be, m.sess, m.quitting(i18n.T("tui.busy.tearingDown", "tearing the lab down…")))
	case shellReq:
		return m.openShell(req.node)
	case captureOnReq:
		if m.sess == nil || m.busy != "" {
			m.setStatus(i18n.T("tui.status.ifacesBusy", "the interfaces stay as they are: the lab is busy"), true)
			return nil
		}
		s := m.sess
		m.busy = i18n.T("tui.busy.openingCapture", "opening the capture…")
		return func() tea.Msg { return retargetMsg{targets: s.Targets(req.chosen)} }
	}
	return nil
}
