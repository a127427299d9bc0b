package tui

import (
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/netlab/netlab/labs"
)

// Options configure the TUI.
type Options struct {
	LabsDir string    // the instructor's labs
	RunDir  string    // the engine's run directory
	Lab     *labs.Lab // open this lab directly (netlab open); nil shows the picker
	Self    string    // path of the netlab binary, to run "netlab shell"
}

// Run starts the TUI and returns when the student quits.
func Run(opts Options) error {
	noColor := os.Getenv("NO_COLOR") != ""
	if noColor {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	// Styles are fixed: never ask the terminal for its background colour.
	lipgloss.SetHasDarkBackground(true)
	m := New(opts, NewBackend(opts), noColor)
	if _, err := tea.NewProgram(m, tea.WithAltScreen()).Run(); err != nil {
		return err
	}
	return m.err
}
