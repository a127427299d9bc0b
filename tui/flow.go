package tui

import (
	"github.com/netlab/netlab/labs/i18n"
)

// enterAction is what the Run key does in the lab view. A step that has
// run keeps its outcome on screen: the next Enter only shows the next
// step, and the one after runs it (issue 11: read, run, observe, move on).
type enterAction int

const (
	enterNone     enterAction = iota // every step is done
	enterShowNext                    // the viewed step is not the next to run: show that one
	enterAsk                         // ask the next step's question first
	enterRun                         // run the next step
)

func (m *Model) enterAction() enterAction {
	if m.lab == nil || m.done() {
		return enterNone
	}
	cur := m.current()
	if m.step.viewed != cur {
		return enterShowNext
	}
	if q := m.lab.Steps[cur].Question; q != nil {
		if _, ok := m.answers[cur]; !ok {
			return enterAsk
		}
	}
	return enterRun
}

// enterHint says, on the status line, which of its jobs Enter does now;
// "" when Enter does neither (a dialog, the lab busy, all steps done).
func (m *Model) enterHint() string {
	if m.screen != screenLab || m.lab == nil || m.dialog != nil || m.busy != "" ||
		(m.capture.typing && m.pane == paneCapture) {
		return ""
	}
	k := keyTitle(m.ctx.keys.Run)
	cur := m.current()
	switch m.enterAction() {
	case enterShowNext:
		if m.step.viewed == cur-1 {
			return i18n.T("tui.enter.next", "{{.Key}}: next step", "Key", k)
		}
		return i18n.T("tui.enter.goTo", "{{.Key}}: go to step {{.N}}", "Key", k, "N", cur+1)
	case enterAsk:
		return i18n.T("tui.enter.predict", "{{.Key}}: predict, then run step {{.N}}", "Key", k, "N", cur+1)
	case enterRun:
		return i18n.T("tui.enter.run", "{{.Key}}: run step {{.N}}", "Key", k, "N", cur+1)
	}
	return ""
}

// allDoneText is the status once every step has run.
func (m *Model) allDoneText() string {
	k := m.ctx.keys
	return i18n.T("tui.status.everyDone", "every step is done: {{.Undo}} undoes, {{.Reset}} resets, {{.Quit}} quits", "Undo", keyName(k.Undo), "Reset", keyName(k.Reset), "Quit", keyName(k.Quit))
}
