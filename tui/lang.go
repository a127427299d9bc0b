package tui

import (
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// switchLang turns the interface and the lab's text to the other
// language (the Lang key). Nothing else moves: the step viewed, the pane,
// its scroll and an open dialog stay as they are, and are drawn again in
// the new language at the next frame.
func (m *Model) switchLang() tea.Cmd {
	next := i18n.Chinese
	if i18n.Current() == i18n.Chinese {
		next = i18n.English
	}
	i18n.SetLang(next)
	m.relabel()
	m.setStatus(i18n.T("tui.status.lang", "language: English"), false)
	if m.screen == screenPicker && m.picker.ready && next != i18n.English && m.picker.needsLabs() {
		return findLabsCmd(m.be, m.picker.sums) // the labs' own translations
	}
	return nil
}

// relabel rewrites the words the model keeps rather than renders each
// frame: the key help, the capture filter's prompt and the picker's title.
// Everything else calls i18n.T as it draws.
func (m *Model) relabel() {
	m.ctx.keys = DefaultKeyMap()
	m.capture.relabel()
	if m.picker.ready {
		m.picker.relabel()
	}
}

// typing says a text field has the keys: the Lang key is then a letter.
func (m *Model) typing() bool {
	if m.screen == screenPicker && m.picker.ready && m.picker.list.FilterState() == list.Filtering {
		return true
	}
	return m.capture.typing && m.pane == paneCapture
}
