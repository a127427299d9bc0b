package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// stepView is the Step pane: the list of steps beside the viewed step's
// text, commands and, once it ran, outcome.
type stepView struct {
	ctx *shared
	d   *labData
	md  *markdown

	viewed int // the step shown, from 0
	scroll     // in the viewed step's text
	// toOutcome scrolls to the outcome of the step just run at the next
	// render (where the outcome's first line is known).
	toOutcome bool
	showHint  bool
}

// Update moves between steps (from any pane: the root routes Next and
// Prev here) and scrolls the step's text.
func (v stepView) Update(msg tea.KeyMsg) (stepView, tea.Cmd) {
	k := v.ctx.keys
	switch {
	case key.Matches(msg, k.Next):
		if v.viewed < len(v.d.lab.Steps)-1 {
			v.viewed++
			v.off, v.toOutcome = 0, false
		}
	case key.Matches(msg, k.Prev):
		if v.viewed > 0 {
			v.viewed--
			v.off, v.toOutcome = 0, false
		}
	default:
		v.scroll = v.scroll.update(msg, k, v.ctx.page())
	}
	return v, nil
}

// show views step i from the top of its text.
func (v *stepView) show(i int) { v.viewed, v.off = i, 0 }

// View lays the step list and the step side by side in w x h, scrolled
// to the outcome right after the step ran.
func (v *stepView) View(w, h int) string {
	st := v.ctx.st
	lw := min(32, w/3)
	cw := w - lw - 3
	title, body, outcome := v.stepContent(cw)
	lines, outcome := wrapLines(body, cw, outcome)
	if v.toOutcome {
		v.off, v.toOutcome = outcome, false
	}
	content := ansi.Truncate(title, cw, "…") + "\n" + v.scroll.view(v.ctx, lines, cw, h-1, true)
	sep := strings.TrimRight(strings.Repeat(st.Subtle.Render(" │ ")+"\n", h), "\n")
	return lipgloss.JoinHorizontal(lipgloss.Top, v.stepList(lw, h), sep, content)
}

// stepState is a step's place in the walk.
type stepState int

const (
	statePending stepState = iota
	stateCurrent
	stateDone
	stateByHand
	stateFailed
	stateSkipped // passed over: the kernel cannot do it (runner's skip.go)
)

// stateOf says where step i stands.
func (v *stepView) stateOf(i int) stepState {
	rep := v.d.reports[i]
	switch {
	case i < len(v.d.applied):
		if v.d.applied[i].Skipped != "" {
			return stateSkipped
		}
		if rep != nil && !rep.OK && !rep.ByHand {
			return stateFailed
		}
		if v.d.applied[i].ByHand {
			return stateByHand
		}
		return stateDone
	case i == len(v.d.applied):
		if rep != nil && rep.Error != "" {
			return stateFailed
		}
		return stateCurrent
	}
	return statePending
}

// stepList renders the list of steps, w wide and h high.
func (v *stepView) stepList(w, h int) string {
	st := v.ctx.st
	var lines []string
	for i, s := range v.d.shown().Steps {
		var mark string
		style := st.StepPending
		switch v.stateOf(i) {
		case stateDone:
			mark, style = "✓", st.StepDone
		case stateByHand:
			mark, style = "✎", st.StepDone
		case stateFailed:
			mark, style = "✗", st.StepFailed
		case stateSkipped:
			mark = "–"
		case stateCurrent:
			mark, style = "▶", st.StepCurrent
		default:
			mark = "·"
		}
		text := ansi.Truncate(fmt.Sprintf("%s %2d %s", mark, i+1, s.Title), w, "…")
		text += strings.Repeat(" ", max(0, w-ansi.StringWidth(text)))
		if i == v.viewed {
			style = style.Inherit(st.StepViewed)
		}
		lines = append(lines, style.Render(text))
	}
	// keep the viewed step on screen
	start := 0
	if len(lines) > h {
		start = min(max(0, v.viewed-h/2), len(lines)-h)
	}
	lines = lines[start:min(len(lines), start+h)]
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// packetsShown is how many of a step's captured packets its outcome lists
// under the commands; the Capture pane has them all.
const packetsShown = 8

// stepContent is the viewed step: a title (kept on screen), then its text,
// commands and, once run, the outcome: each command's output, the packets
// captured during the step, the checks, expectations, the prediction and
// the explanations. outcome is the index in body where the outcome starts,
// the place the pane scrolls to right after the step ran.
func (v *stepView) stepContent(w int) (title string, body []string, outcome int) {
	st := v.ctx.st
	lab := v.d.shown()
	if len(lab.Steps) == 0 {
		return i18n.T("tui.step.noSteps", "This lab has no steps."), nil, 0
	}
	k := v.ctx.keys
	i := v.viewed
	s := lab.Steps[i]
	rep := v.d.reports[i]
	add := func(lines ...string) { body = append(body, lines...) }
	tag := map[stepState]string{statePending: i18n.T("tui.step.pending", "not run yet"), stateCurrent: i18n.T("tui.step.current", "next to run"),
		stateDone: i18n.T("tui.step.done", "done"), stateByHand: i18n.T("tui.step.byHand", "done by hand"), stateFailed: i18n.T("tui.step.failed", "failed"),
		stateSkipped: i18n.T("tui.step.skippedTag", "skipped")}[v.stateOf(i)]
	// The title stays on screen while the rest scrolls: one line, the
	// title cut rather than the step's state.
	tag = "[" + tag + "]"
	head := ansi.Truncate(i18n.T("tui.step.title", "Step {{.N}} of {{.Of}}: {{.Title}}", "N", i+1, "Of", len(lab.Steps), "Title", s.Title), max(10, w-ansi.StringWidth(tag)-2), "…")
	title = st.Title.Render(head) + "  " + st.Subtle.Render(tag)
	if v.showHint && i == v.d.current() {
		add("")
		if s.Hint != "" {
			add(wrapIndent(st.Warn.Render(i18n.T("tui.step.hint", "Hint: "))+s.Hint, w, "  "))
		} else {
			add(st.Subtle.Render(i18n.T("tui.step.noHint", "This step has no hint: its commands above are the answer.")))
		}
	}
	q := s.Question
	_, answered := v.d.answers[i]
	if q != nil && !(answered && rep != nil) && v.stateOf(i) == stateCurrent {
		add("", st.Subtle.Render(i18n.T("tui.step.predictFirst", "{{.Key}} first asks you to predict what happens.", "Key", keyTitle(k.Run))))
	}
	if i == 0 && lab.Description != "" && len(v.d.applied) == 0 && rep == nil {
		add(v.md.render(lab.Description, w))
	}
	if s.Text != "" {
		add(v.md.render(s.Text, w))
	}
	outcome = len(body)
	if q != nil && answered && rep != nil {
		add(v.predictionLines(i, w)...)
	}
	// The step's packets sit under the command that sent them, as in the
	// seeds where tcpdump's lines follow the ping: the report does not say
	// which command sent which packet, so they go under the step's last
	// ping, or its last command when it pings nothing.
	pktsAt := len(s.Commands) - 1
	for j, c := range s.Commands {
		if c.Parsed != nil && c.Parsed.Program == "ping" {
			pktsAt = j
		}
	}
	add("", st.Bold.Render(i18n.T("tui.step.commands", "Commands"))+st.Subtle.Render(i18n.T("tui.step.commandsOn", " (on {{.Node}})", "Node", s.Node)))
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
				add(wrapIndent(st.Error.Render("    "+i18n.T("tui.step.cmdError", "error: {{.Err}}", "Err", cr.Error)), w, "    "))
			}
			if out := strings.TrimRight(cr.Output, "\n"); out != "" {
				for _, l := range strings.Split(out, "\n") {
					add(st.Output.Render(ansi.Truncate("    "+l, w, "…")))
				}
			}
		}
		if rep != nil && j == pktsAt {
			add(v.packetLines(rep.Packets, w)...)
		}
	}
	if rep != nil {
		add(v.reportLines(rep, w)...)
	} else if i < len(v.d.applied) && v.d.applied[i].Skipped != "" { // skipped by an earlier process
		add("", wrapIndent(st.Warn.Render(i18n.T("tui.step.skipped", "Skipped, nothing applied: "))+v.d.applied[i].Skipped, w, "  "))
	}
	if s.Explain != "" && i < len(v.d.applied) {
		add("", st.Bold.Render(i18n.T("tui.step.whatHappened", "What happened")), v.md.render(s.Explain, w))
	}
	return title, body, outcome
}

// predictionLines says whether the student's prediction held, and why.
func (v *stepView) predictionLines(i, w int) []string {
	st := v.ctx.st
	q := v.d.shown().Steps[i].Question
	a := v.d.answers[i]
	b := []string{"", st.Bold.Render(i18n.T("tui.step.prediction", "Your prediction"))}
	verdict := st.OK.Render(i18n.T("tui.step.right", "right"))
	if a != q.Answer {
		verdict = st.Error.Render(i18n.T("tui.step.notQuite", "not quite")) + i18n.T("tui.step.theAnswer", ": the answer is {{.N}}. {{.Choice}}", "N", q.Answer+1, "Choice", q.Choices[q.Answer])
	}
	b = append(b, wrapIndent(i18n.T("tui.step.youSaid", "you said {{.N}}. {{.Choice}} — {{.Verdict}}", "N", a+1, "Choice", q.Choices[a], "Verdict", verdict), w, "  "))
	if q.Explain != "" {
		b = append(b, v.md.render(q.Explain, w))
	}
	return b
}

// packetLines lists the first packets a step captured as tcpdump lines,
// with a count of the rest.
func (v *stepView) packetLines(pkts []runner.PacketLine, w int) []string {
	if len(pkts) == 0 {
		return nil
	}
	st := v.ctx.st
	n := min(len(pkts), packetsShown)
	es := make([]*pktEntry, n)
	labelW := 0
	for j := range n {
		es[j] = newReportEntry(pkts[j])
		labelW = max(labelW, ansi.StringWidth(es[j].label))
	}
	b := []string{st.Subtle.Render("    " + i18n.T("tui.step.captured", "captured during the step ({{.N}}):", "N", len(pkts)))}
	for _, e := range es {
		text := fmt.Sprintf("    %s %-*s %-3s %s", e.time, labelW, e.label, e.dir, e.text())
		b = append(b, kindStyle(st, e.kind).Render(ansi.Truncate(text, w, "…")))
	}
	if rest := len(pkts) - n; rest > 0 {
		b = append(b, st.Subtle.Render("    "+i18n.T("tui.step.morePackets", "… and {{.N}} more ({{.Key}}: Capture pane)", "N", rest, "Key", keyName(v.ctx.keys.NextPane))))
	}
	return b
}

// reportLines shows a step report's failure, checks and expectations.
func (v *stepView) reportLines(rep *runner.StepReport, w int) []string {
	st := v.ctx.st
	var b []string
	add := func(lines ...string) { b = append(b, lines...) }
	if rep.Error != "" {
		add("", wrapIndent(st.Error.Render(i18n.T("tui.step.rolledBack", "The step failed and was rolled back: "))+rep.Error, w, "  "))
	}
	if rep.Skipped != "" {
		add("", wrapIndent(st.Warn.Render(i18n.T("tui.step.skipped", "Skipped, nothing applied: "))+rep.Skipped, w, "  "))
	}
	if rep.ByHand {
		if rep.OK {
			add("", st.OK.Render(i18n.T("tui.step.byHandOK", "Done by hand: every effect of the step's commands is there.")))
		} else {
			add("", st.Warn.Render(i18n.T("tui.step.byHandMissing", "Not done yet. Still missing:")))
			n := 0
			for _, c := range rep.Checks {
				if !c.OK {
					n++
					add(wrapIndent("  • "+c.Command+": "+c.Problem, w, "    "))
				}
			}
			if n == 0 {
				add("  " + i18n.T("tui.step.nothingToCheck", "this step changes nothing a check could see; press {{.Key}} to run it", "Key", keyName(v.ctx.keys.Run)))
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
			add("", st.OK.Render("✓ "+i18n.N("tui.step.checksOK", len(rep.Checks), "checks: all {{.Count}} effects are in the kernel", "checks: all {{.Count}} effects are in the kernel")))
		} else {
			add("", st.Error.Render("✗ "+i18n.T("tui.step.checksFailed", "checks:")))
			for _, c := range failed {
				add(wrapIndent("  "+c.Command+": "+c.Problem, w, "    "))
			}
		}
	}
	if len(rep.Expects) > 0 {
		add("", st.Bold.Render(i18n.T("tui.step.expected", "Expected")))
		for _, e := range rep.Expects {
			if e.OK {
				add(wrapIndent(st.OK.Render("✓ ")+e.What, w, "  "))
			} else {
				add(wrapIndent(st.Error.Render("✗ ")+e.What+"; "+e.Seen, w, "  "))
			}
		}
	}
	return b
}

// wrapIndent wraps s to w columns, indenting continuation lines.
func wrapIndent(s string, w int, indent string) string {
	wrapped := wrap(s, w-ansi.StringWidth(indent))
	lines := strings.Split(wrapped, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}
