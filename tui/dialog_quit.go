package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// quitDialog asks whether to keep the lab running or tear it down.
type quitDialog struct {
	ctx *shared
	d   *labData
}

func newQuitDialog(ctx *shared, d *labData) *quitDialog { return &quitDialog{ctx: ctx, d: d} }

// Update keeps the dialog open while the lab closes: quitting ends it.
func (q *quitDialog) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := q.ctx.keys
	switch {
	case key.Matches(msg, k.Keep), key.Matches(msg, k.Interrupt):
		return q, q.ctx.ask(keepReq{})
	case key.Matches(msg, k.TearDown):
		return q, q.ctx.ask(tearDownReq{})
	case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
		return nil, nil
	}
	return q, nil
}

// View says where the lab stands and what each key does to it.
func (q *quitDialog) View(int, int) string {
	st, k, lab := q.ctx.st, q.ctx.keys, q.d.lab
	lines := []string{
		st.Title.Render(i18n.T("tui.quit.title", "Quit netlab")),
		"",
		i18n.T("tui.quit.where", "The lab {{.ID}} is at step {{.N}} of {{.Of}}.", "ID", fmt.Sprintf("%q", lab.ID), "N", min(q.d.current()+1, len(lab.Steps)), "Of", len(lab.Steps)),
		"",
		st.Bold.Render(keyName(k.Keep)) + "  " + i18n.T("tui.quit.keep", "keep it running: continue later with 'netlab step'\n   or by running netlab again"),
		st.Bold.Render(keyName(k.TearDown)) + "  " + i18n.T("tui.quit.tearDown", "tear it down: remove everything the lab created"),
		st.Bold.Render(keyName(k.Back)) + " " + i18n.T("tui.quit.stay", "stay"),
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (q *quitDialog) keys() []key.Binding {
	k := q.ctx.keys
	return []key.Binding{k.Keep, k.TearDown, k.Back}
}
