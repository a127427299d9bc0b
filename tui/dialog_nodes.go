package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// nodesDialog chooses the node to open a shell on.
type nodesDialog struct {
	ctx *shared
	d   *labData // its nodes, read anew after every operation
	sel int
}

// Update moves the selection; choosing asks the root for the shell.
func (n *nodesDialog) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := n.ctx.keys
	switch {
	case key.Matches(msg, k.Up):
		n.sel = max(0, n.sel-1)
	case key.Matches(msg, k.Down):
		n.sel = min(len(n.d.nodes)-1, n.sel+1)
	case key.Matches(msg, k.Choose):
		if n.sel < len(n.d.nodes) {
			return nil, n.ctx.ask(shellReq{node: n.d.nodes[n.sel]})
		}
		return nil, nil
	case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
		return nil, nil
	}
	return n, nil
}

// View lists the nodes with the selected one marked.
func (n *nodesDialog) View(int, int) string {
	st := n.ctx.st
	lines := []string{st.Title.Render(i18n.T("tui.nodes.title", "Open a shell on which node?")), ""}
	for i, node := range n.d.nodes {
		line := "  " + node
		if i == n.sel {
			line = st.PktSelected.Render("> " + node)
		}
		lines = append(lines, line)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (n *nodesDialog) keys() []key.Binding {
	k := n.ctx.keys
	return []key.Binding{k.Up, k.Down, k.Choose, k.Back}
}
