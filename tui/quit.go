package tui

import (
	"fmt"
	"strings"
)

// quitView asks whether to keep the lab running or tear it down.
func (m *Model) quitView(w int) string {
	st := m.ctx.st
	lines := []string{
		st.Title.Render("Quit netlab"),
		"",
		fmt.Sprintf("The lab %q is at step %d of %d.", m.lab.ID, min(m.current()+1, len(m.lab.Steps)), len(m.lab.Steps)),
		"",
		st.Bold.Render("k") + "  keep it running: continue later with 'netlab step'",
		"   or by running netlab again",
		st.Bold.Render("t") + "  tear it down: remove everything the lab created",
		st.Bold.Render("esc") + " stay",
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (m *Model) confirmResetView() string {
	st := m.ctx.st
	lines := []string{
		st.Title.Render("Reset the lab?"),
		"",
		"Everything the lab created is removed, and it starts",
		"again from its first step.",
		"",
		st.Bold.Render("y") + " reset    " + st.Bold.Render("n") + " keep going",
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (m *Model) nodesView() string {
	st := m.ctx.st
	lines := []string{st.Title.Render("Open a shell on which node?"), ""}
	for i, n := range m.nodes {
		line := "  " + n
		if i == m.nodeSel {
			line = st.PktSelected.Render("> " + n)
		}
		lines = append(lines, line)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// conflictView says another lab runs and offers to reopen or reset it.
func (m *Model) conflictView(w int) string {
	st := m.ctx.st
	c := m.conflict
	var lines []string
	if c.running != nil {
		lab := c.running.Lab()
		lines = append(lines, st.Title.Render("Another lab is running"), "",
			fmt.Sprintf("%q (%s) is running, not %q.", lab.ID, lab.Title, c.want.ID), "",
			st.Bold.Render("o")+"  reopen "+lab.ID+" where it is",
			st.Bold.Render("R")+"  reset it and start "+c.want.ID)
	} else {
		lines = append(lines, st.Title.Render("A lab session is running but cannot be reopened"), "",
			wrapIndent(c.err.Error(), min(w-8, 70), ""), "",
			st.Bold.Render("R")+"  reset it and start "+c.want.ID)
	}
	lines = append(lines, st.Bold.Render("q")+"  quit and leave it as it is")
	return st.Dialog.Render(strings.Join(lines, "\n"))
}
