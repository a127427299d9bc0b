package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// ifaceChooser lets the student pick the interfaces to capture on, from
// the live topology.
type ifaceChooser struct {
	ctx     *shared
	items   []labs.CaptureTarget
	checked map[string]bool
	cursor  int
}

// start fills the chooser from the snapshot, checking current.
func (ch *ifaceChooser) start(ctx *shared, snap *engine.Snapshot, current []string) {
	ch.ctx, ch.cursor, ch.items = ctx, 0, nil
	ch.checked = map[string]bool{}
	for _, c := range current {
		ch.checked[c] = true
	}
	if snap == nil {
		return
	}
	for _, node := range snap.Order {
		for _, l := range snap.Nodes[node].Links {
			if l.Name == "lo" {
				continue
			}
			ch.items = append(ch.items, labs.CaptureTarget{Node: node, Iface: l.Name})
		}
	}
}

// Update toggles interfaces; closing the chooser hands the checked ones
// to the root, which captures on them.
func (ch *ifaceChooser) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := ch.ctx.keys
	switch {
	case key.Matches(msg, k.Up):
		ch.cursor = max(0, ch.cursor-1)
	case key.Matches(msg, k.Down):
		ch.cursor = min(len(ch.items)-1, ch.cursor+1)
	case key.Matches(msg, k.Pause), key.Matches(msg, k.Choose):
		if ch.cursor < len(ch.items) {
			t := ch.items[ch.cursor].String()
			ch.checked[t] = !ch.checked[t]
		}
	case key.Matches(msg, k.Back), key.Matches(msg, k.Ifaces):
		return nil, ch.ctx.ask(captureOnReq{chosen: ch.chosen()})
	}
	return ch, nil
}

func (ch *ifaceChooser) keys() []key.Binding {
	k := ch.ctx.keys
	return []key.Binding{k.Up, k.Down, k.Pause, k.Back}
}

// chosen lists the checked interfaces in topology order.
func (ch *ifaceChooser) chosen() []labs.CaptureTarget {
	var out []labs.CaptureTarget
	for _, it := range ch.items {
		if ch.checked[it.String()] {
			out = append(out, it)
		}
	}
	return out
}

// View lists the interfaces, checked or not, scrolled to the cursor.
func (ch *ifaceChooser) View(w, h int) string {
	ctx := ch.ctx
	st := ctx.st
	lines := []string{st.Bold.Render(i18n.T("tui.ifaces.title", "Capture on which interfaces?")),
		st.Subtle.Render(i18n.T("tui.ifaces.keys", "{{.Toggle}}/{{.Choose}} toggles, {{.Back}} or {{.Ifaces}} applies",
			"Toggle", keyName(ctx.keys.Pause), "Choose", keyName(ctx.keys.Choose), "Back", keyName(ctx.keys.Back), "Ifaces", keyName(ctx.keys.Ifaces)))}
	if len(ch.items) == 0 {
		lines = append(lines, i18n.T("tui.ifaces.none", "no interfaces in the lab yet"))
	}
	rows := h - 4
	start := 0
	if ch.cursor >= rows {
		start = ch.cursor - rows + 1
	}
	for i := start; i < len(ch.items) && i < start+rows; i++ {
		it := ch.items[i].String()
		box := "[ ]"
		if ch.checked[it] {
			box = "[x]"
		}
		line := fmt.Sprintf("%s %s", box, it)
		if i == ch.cursor {
			line = st.PktSelected.Render(line)
		}
		lines = append(lines, line)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}
