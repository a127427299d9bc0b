package tui

import "fmt"

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
			return k + ": next step"
		}
		return fmt.Sprintf("%s: go to step %d", k, cur+1)
	case enterAsk:
		return fmt.Sprintf("%s: predict, then run step %d", k, cur+1)
	case enterRun:
		return fmt.Sprintf("%s: run step %d", k, cur+1)
	}
	return ""
}

// allDoneText is the status once every step has run.
func (m *Model) allDoneText() string {
	k := m.ctx.keys
	return fmt.Sprintf("every step is done: %s undoes, %s resets, %s quits", keyName(k.Undo), keyName(k.Reset), keyName(k.Quit))
}
