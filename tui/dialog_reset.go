package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// resetDialog asks before the lab is reset.
type resetDialog struct{ ctx *shared }

// Update closes the dialog on any answer; yes asks the root to reset.
func (r *resetDialog) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := r.ctx.keys
	switch {
	case key.Matches(msg, k.Yes):
		return nil, r.ctx.ask(resetReq{})
	case key.Matches(msg, k.No), key.Matches(msg, k.Quit):
		return nil, nil
	}
	return r, nil
}

// View says what a reset does.
func (r *resetDialog) View(int, int) string {
	st, k := r.ctx.st, r.ctx.keys
	lines := []string{
		st.Title.Render(i18n.T("tui.reset.title", "Reset the lab?")),
		"",
		i18n.T("tui.reset.what", "Everything the lab created is removed, and it starts\nagain from its first step."),
		"",
		st.Bold.Render(keyName(k.Yes)) + " " + i18n.T("tui.reset.yes", "reset") + "    " + st.Bold.Render(keyName(k.No)) + " " + i18n.T("tui.reset.no", "keep going"),
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (r *resetDialog) keys() []key.Binding { return []key.Binding{r.ctx.keys.Yes, r.ctx.keys.No} }
