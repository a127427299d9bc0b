package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/labs/runner"
)

// stepState is a step's place in the walk.
type stepState int

const (
	statePending stepState = iota
	stateCurrent
	stateDone
	stateByHand
	stateFailed
)

// stateOf says where step i stands.
func (m *Model) stateOf(i int) stepState {
	rep := m.reports[i]
	switch {
	case i < len(m.applied):
		if rep != nil && !rep.OK && !rep.ByHand {
			return stateFailed
		}
		if m.applied[i].ByHand {
			return stateByHand
		}
		return stateDone
	case i == len(m.applied):
		if rep != nil && rep.Error != "" {
			return stateFailed
		}
		return stateCurrent
	}
	return statePending
}

// stepList renders the list of steps, w wide and h high.
func (m *Model) stepList(w, h int) string {
	st := m.ctx.st
	lab := m.lab
	var lines []string
	for i, s := range lab.Steps {
		var mark string
		style := st.StepPending
		switch m.stateOf(i) {
		case stateDone:
			mark, style = "✓", st.StepDone
		case stateByHand:
			mark, style = "✎", st.StepDone
		case stateFailed:
			mark, style = "✗", st.StepFailed
		case stateCurrent:
			mark, style = "▶", st.StepCurrent
		default:
			mark = "·"
		}
		text := ansi.Truncate(fmt.Sprintf("%s %2d %s", mark, i+1, s.Title), w, "…")
		text += strings.Repeat(" ", max(0, w-ansi.StringWidth(text)))
		if i == m.viewed {
			style = style.Inherit(st.StepViewed)
		}
		lines = append(lines, style.Render(text))
	}
	// keep the viewed step on screen
	start := 0
	if len(lines) > h {
		start = min(max(0, m.viewed-h/2), len(lines)-h)
	}
	lines = lines[start:min(len(lines), start+h)]
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// stepContent is the viewed step: its text, commands and, once run, the
// outcome of each command, the checks, expectations and the prediction.
func (m *Model) stepContent(w int) string {
	st := m.ctx.st
	lab := m.lab
	if len(lab.Steps) == 0 {
		return "This lab has no steps."
	}
	i := m.viewed
	s := lab.Steps[i]
	rep := m.reports[i]
	var b []string
	add := func(lines ...string) { b = append(b, lines...) }
	tag := map[stepState]string{statePending: "not run yet", stateCurrent: "next to run", stateDone: "done",
		stateByHand: "done by hand", stateFailed: "failed"}[m.stateOf(i)]
	add(st.Title.Render(fmt.Sprintf("Step %d of %d: %s", i+1, len(lab.Steps), s.Title)) + "  " + st.Subtle.Render("["+tag+"]"))
	if m.showHint && i == m.current() {
		add("")
		if s.Hint != "" {
			add(wrapIndent(st.Warn.Render("Hint: ")+s.Hint, w, "  "))
		} else {
			add(st.Subtle.Render("This step has no hint: its commands above are the answer."))
		}
	}
	if q := s.Question; q != nil {
		if a, ok := m.answers[i]; ok && rep != nil {
			add("", st.Bold.Render("Your prediction"))
			verdict := st.OK.Render("right")
			if a != q.Answer {
				verdict = st.Error.Render("not quite") + ": the answer is " + fmt.Sprintf("%d. %s", q.Answer+1, q.Choices[q.Answer])
			}
			add(wrapIndent(fmt.Sprintf("you said %d. %s — %s", a+1, q.Choices[a], verdict), w, "  "))
			if q.Explain != "" {
				add(wrapIndent(q.Explain, w, ""))
			}
		} else if m.stateOf(i) == stateCurrent {
			add("", st.Subtle.Render("Enter first asks you to predict what happens."))
		}
	}
	if rep != nil {
		add(m.reportLines(rep, w)...)
	}
	if i == 0 && lab.Description != "" && len(m.applied) == 0 {
		add(m.md.render(lab.Description, w))
	}
	if s.Text != "" {
		add(m.md.render(s.Text, w))
	}
	add("", st.Bold.Render("Commands")+st.Subtle.Render(" (on "+s.Node+")"))
	for j, c := range s.Commands {
		var cr *runner.CommandReport
		if rep != nil && j < len(rep.Commands) && !rep.ByHand {
			cr = &rep.Commands[j]
		}
		mark := " "
		if cr != nil {
			mark = st.OK.Render("✓")
			if cr.Error != "" {
				mark = st.Error.Render("✗")
			}
		}
		add(wrapIndent(mark+" "+st.Command.Render("$ "+c.Text), w, "    "))
		if cr != nil {
			if cr.Error != "" {
				add(wrapIndent(st.Error.Render("    error: "+cr.Error), w, "    "))
			}
			if out := strings.TrimRight(cr.Output, "\n"); out != "" {
				for _, l := range strings.Split(out, "\n") {
					add(st.Output.Render(ansi.Truncate("    "+l, w, "…")))
				}
			}
		}
	}
	return strings.Join(b, "\n")
}

// reportLines shows a step report's checks, expectations and packets.
func (m *Model) reportLines(rep *runner.StepReport, w int) []string {
	st := m.ctx.st
	var b []string
	add := func(lines ...string) { b = append(b, lines...) }
	if rep.Error != "" {
		add("", wrapIndent(st.Error.Render("The step failed and was rolled back: ")+rep.Error, w, "  "))
	}
	if rep.ByHand {
		if rep.OK {
			add("", st.OK.Render("Done by hand: every effect of the step's commands is there."))
		} else {
			add("", st.Warn.Render("Not done yet. Still missing:"))
			n := 0
			for _, c := range rep.Checks {
				if !c.OK {
					n++
					add(wrapIndent("  • "+c.Command+": "+c.Problem, w, "    "))
				}
			}
			if n == 0 {
				add("  this step changes nothing a check could see; press Enter to run it")
			}
		}
	}
	var failed []runner.CheckReport
	for _, c := range rep.Checks {
		if !c.OK {
			failed = append(failed, c)
		}
	}
	if len(rep.Checks) > 0 && !rep.ByHand {
		if len(failed) == 0 {
			add("", st.OK.Render(fmt.Sprintf("✓ checks: all %d effects are in the kernel", len(rep.Checks))))
		} else {
			add("", st.Error.Render("✗ checks:"))
			for _, c := range failed {
				add(wrapIndent("  "+c.Command+": "+c.Problem, w, "    "))
			}
		}
	}
	if len(rep.Expects) > 0 {
		add("", st.Bold.Render("Expected"))
		for _, e := range rep.Expects {
			if e.OK {
				add(wrapIndent(st.OK.Render("✓ ")+e.What, w, "  "))
			} else {
				add(wrapIndent(st.Error.Render("✗ ")+e.What+"; "+e.Seen, w, "  "))
			}
		}
	}
	if len(rep.Packets) > 0 {
		add("", st.Subtle.Render(fmt.Sprintf("%d packets captured during the step: tab to the Capture pane", len(rep.Packets))))
	}
	return b
}

// wrapIndent wraps s to w columns, indenting continuation lines.
func wrapIndent(s string, w int, indent string) string {
	wrapped := ansi.Wrap(s, w-len(indent), " ")
	lines := strings.Split(wrapped, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// questionView asks the current step's question before it runs.
func (m *Model) questionView(w int) string {
	st := m.ctx.st
	q := m.lab.Steps[m.current()].Question
	lines := []string{st.Title.Render("Predict first"), "", wrapIndent(q.Ask, w-6, ""), ""}
	for j, c := range q.Choices {
		lines = append(lines, wrapIndent(fmt.Sprintf("%d. %s", j+1, c), w-6, "   "))
	}
	lines = append(lines, "", st.Subtle.Render(fmt.Sprintf("press 1-%d to answer and run the step, esc to go back", len(q.Choices))))
	return st.Dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}
