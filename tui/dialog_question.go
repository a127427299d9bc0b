package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// questionDialog asks the current step's question before it runs.
type questionDialog struct {
	ctx *shared
	d   *labData
}

// Update takes an answer (the root records it and runs the step), goes
// back, or on an interrupt asks whether to quit.
func (q *questionDialog) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := q.ctx.keys
	if key.Matches(msg, k.Back) {
		return nil, nil
	}
	if key.Matches(msg, k.Answer) {
		n := int(msg.String()[0] - '1')
		if n < len(q.d.lab.Steps[q.d.current()].Question.Choices) {
			return nil, q.ctx.ask(answerReq{choice: n})
		}
	}
	if key.Matches(msg, k.Interrupt) {
		return newQuitDialog(q.ctx, q.d), nil
	}
	return q, nil
}

// View is the question and its numbered choices, at most 90 cells wide.
func (q *questionDialog) View(w, _ int) string {
	w = min(w, 90)
	st, k := q.ctx.st, q.ctx.keys
	qn := q.d.shown().Steps[q.d.current()].Question
	lines := []string{st.Title.Render(i18n.T("tui.question.title", "Predict first")), "", wrapIndent(qn.Ask, w-6, ""), ""}
	for j, c := range qn.Choices {
		lines = append(lines, wrapIndent(fmt.Sprintf("%d. %s", j+1, c), w-6, "   "))
	}
	lines = append(lines, "", st.Subtle.Render(i18n.T("tui.question.keys", "press the number of your answer (1-{{.N}}) to run the step, {{.Back}} to go back", "N", len(qn.Choices), "Back", keyName(k.Back))))
	return st.Dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

func (q *questionDialog) keys() []key.Binding {
	return []key.Binding{q.ctx.keys.Answer, q.ctx.keys.Back}
}
