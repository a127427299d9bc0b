package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// KeyMap is every key the TUI answers to, in one place. Components match
// with key.Matches; bubbles/help renders ShortHelp and FullHelp.
type KeyMap struct {
	Run, Undo, Next, Prev, RunAll, Reset, Hint key.Binding
	Shell, ShellNode                           key.Binding
	NextPane, PrevPane                         key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom    key.Binding
	Pause, Filter, Ifaces, Follow, Save        key.Binding
	Answer                                     key.Binding
	Choose, Back, Yes, No, Keep, TearDown      key.Binding
	Reopen                                     key.Binding
	Cancel                                     key.Binding // while a step runs
	Interrupt                                  key.Binding // ctrl+c: in a dialog, quit rather than go back
	Help, Quit                                 key.Binding
	Lang                                       key.Binding // English ⇄ 中文, at any moment

	HopPrev, HopNext key.Binding // follow a packet: step along its path (topology helper)
}

// DefaultKeyMap returns netlab's keys.
func DefaultKeyMap() KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Run:       b("enter", i18n.T("tui.key.run", "run step"), "enter"),
		Undo:      b("u/⌫", i18n.T("tui.key.undo", "undo"), "u", "backspace"),
		Next:      b("n/→", i18n.T("tui.key.next", "next step"), "n", "right"),
		Prev:      b("p/←", i18n.T("tui.key.prev", "prev step"), "p", "left"),
		RunAll:    b("a", i18n.T("tui.key.runAll", "run all"), "a"),
		Reset:     b("R", i18n.T("tui.key.reset", "reset lab"), "R"),
		Hint:      b("h", i18n.T("tui.key.hint", "hint"), "h"),
		Shell:     b("s", i18n.T("tui.key.shell", "shell"), "s"),
		ShellNode: b("S", i18n.T("tui.key.shellNode", "shell on…"), "S"),
		NextPane:  b("tab", i18n.T("tui.key.nextPane", "next pane"), "tab"),
		PrevPane:  b("shift+tab", i18n.T("tui.key.prevPane", "prev pane"), "shift+tab"),
		Up:        b("↑/k", i18n.T("tui.key.up", "up"), "up", "k"),
		Down:      b("↓/j", i18n.T("tui.key.down", "down"), "down", "j"),
		PageUp:    b("pgup", i18n.T("tui.key.pageUp", "page up"), "pgup"),
		PageDown:  b("pgdn", i18n.T("tui.key.pageDown", "page down"), "pgdown"),
		Top:       b("g", i18n.T("tui.key.top", "top"), "g", "home"),
		Bottom:    b("G", i18n.T("tui.key.bottom", "bottom"), "G", "end"),
		Pause:     b("space", i18n.T("tui.key.pause", "pause"), " "),
		Filter:    b("/", i18n.T("tui.key.filter", "filter"), "/"),
		Ifaces:    b("i", i18n.T("tui.key.ifaces", "interfaces"), "i"),
		Follow:    b("f", i18n.T("tui.key.follow", "follow packet"), "f"),
		Save:      b("w", i18n.T("tui.key.save", "save pcap"), "w"),
		Answer:    b("1-9", i18n.T("tui.key.answer", "answer"), "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Choose:    b("enter", i18n.T("tui.key.choose", "choose"), "enter"),
		Back:      b("esc", i18n.T("tui.key.back", "back"), "esc"),
		Yes:       b("y", i18n.T("tui.key.yes", "yes"), "y"),
		No:        b("n", i18n.T("tui.key.no", "no"), "n", "esc"),
		Keep:      b("k", i18n.T("tui.key.keep", "keep running"), "k"),
		TearDown:  b("t", i18n.T("tui.key.tearDown", "tear down"), "t"),
		Reopen:    b("o", i18n.T("tui.key.reopen", "reopen"), "o"),
		Cancel:    b("esc", i18n.T("tui.key.cancel", "cancel the step"), "esc", "ctrl+c"),
		Help:      b("?", i18n.T("tui.key.help", "help"), "?"),
		Quit:      b("q", i18n.T("tui.key.quit", "quit"), "q", "ctrl+c"),
		Interrupt: b("ctrl+c", i18n.T("tui.key.interrupt", "quit"), "ctrl+c"),
		// The other language's name, written in it, so a student who
		// cannot read the current one still finds the way back.
		Lang: b("L", i18n.T("tui.key.lang", "中文"), "L"),

		HopPrev: b("←", i18n.T("tui.key.hopPrev", "previous hop"), "left", "p"), // follow a packet (topology helper)
		HopNext: b("→", i18n.T("tui.key.hopNext", "next hop"), "right", "n"),
	}
}

// ShortHelp is the one-line help of the step pane.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Run, k.Undo, k.Next, k.Prev, k.Shell, k.NextPane, k.Help, k.Quit}
}

// FullHelp is every key, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Run, k.Undo, k.Next, k.Prev, k.RunAll, k.Reset, k.Hint},
		// help, language and quit share the short column: four columns
		// fit 80 cells, in Chinese too (bubbles/help would let a fifth
		// overflow).
		{k.Shell, k.ShellNode, k.NextPane, k.PrevPane, k.Answer, k.Help, k.Lang, k.Quit},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Pause, k.Filter, k.Ifaces, k.Follow, k.Save, k.Back},
	}
}

// scrolls reports whether msg is one of the keys that scroll a pane.
func (k KeyMap) scrolls(msg tea.KeyMsg) bool {
	return key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom)
}

// keyName is how a binding's key is written in a sentence ("enter", "tab"):
// hints in text come from the KeyMap, never from literal key letters, so a
// rebound key is named right everywhere.
func keyName(b key.Binding) string { return b.Help().Key }

// keyTitle is keyName with a capital, to start a sentence ("Enter: next step").
func keyTitle(b key.Binding) string {
	n := keyName(b)
	if n == "" {
		return n
	}
	r := []rune(n)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
