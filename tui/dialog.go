package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs"
)

// dialog is a box shown over the lab view. While one is open it has every
// key: Update returns the dialog to show next (itself, another, or nil
// once it closes) and, for what only the root can do (run a step, reset,
// quit, open a shell, capture elsewhere), a command returning one of the
// messages below.
type dialog interface {
	Update(msg tea.KeyMsg) (dialog, tea.Cmd)
	// View renders the box for a body of w x h cells.
	View(w, h int) string
	// keys are the bindings the help line shows while the dialog is open.
	keys() []key.Binding
}

// answeredMsg is the student's prediction: run the step now.
type answeredMsg struct{ choice int }

// resetConfirmedMsg asks to reset the lab.
type resetConfirmedMsg struct{}

// keepMsg asks to quit and leave the lab running.
type keepMsg struct{}

// tearDownMsg asks to tear the lab down, then quit.
type tearDownMsg struct{}

// shellOnMsg asks for a shell on node.
type shellOnMsg struct{ node string }

// ifacesChosenMsg carries the interfaces the student checked.
type ifacesChosenMsg struct{ chosen []labs.CaptureTarget }

// send is a command that returns msg.
func send(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
