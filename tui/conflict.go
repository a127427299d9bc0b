package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// The conflict screen: another lab runs where the student asked for one.

// conflictKey reopens the running lab, resets it for the one asked for,
// or quits leaving it as it is.
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

// conflictView says another lab runs and offers to reopen or reset it.
func (m *Model) conflictView(w int) string {
	st, k := m.ctx.st, m.ctx.keys
	c := m.conflict
	var lines []string
	if c.running != nil {
		lab := c.running.Lab()
		lines = append(lines, st.Title.Render(i18n.T("tui.conflict.title", "Another lab is running")), "",
			wrap(i18n.T("tui.conflict.which", "{{.Running}} ({{.Title}}) is running, not {{.Want}}.", "Running", fmt.Sprintf("%q", lab.ID),
				"Title", lab.In(i18n.Current()).Title, "Want", fmt.Sprintf("%q", c.want.ID)), w-8), "",
			st.Bold.Render(keyName(k.Reopen))+"  "+i18n.T("tui.conflict.reopen", "reopen {{.ID}} where it is", "ID", lab.ID),
			st.Bold.Render(keyName(k.Reset))+"  "+i18n.T("tui.conflict.reset", "reset it and start {{.ID}}", "ID", c.want.ID))
	} else {
		lines = append(lines, st.Title.Render(i18n.T("tui.conflict.broken", "A lab session is running but cannot be reopened")), "",
			wrapIndent(c.err.Error(), min(w-8, 70), ""), "",
			st.Bold.Render(keyName(k.Reset))+"  "+i18n.T("tui.conflict.reset", "reset it and start {{.ID}}", "ID", c.want.ID))
	}
	lines = append(lines, st.Bold.Render(keyName(k.Quit))+"  "+i18n.T("tui.conflict.quit", "quit and leave it as it is"))
	return st.Dialog.Render(strings.Join(lines, "\n"))
}
