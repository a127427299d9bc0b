package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
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

	HopPrev, HopNext key.Binding // follow a packet: step along its path (topology helper)
}

// DefaultKeyMap returns netlab's keys.
func DefaultKeyMap() KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Run:       b("enter", "run step", "enter"),
		Undo:      b("u/⌫", "undo", "u", "backspace"),
		Next:      b("n/→", "next step", "n", "right"),
		Prev:      b("p/←", "prev step", "p", "left"),
		RunAll:    b("a", "run all", "a"),
		Reset:     b("R", "reset lab", "R"),
		Hint:      b("h", "hint", "h"),
		Shell:     b("s", "shell", "s"),
		ShellNode: b("S", "shell on…", "S"),
		NextPane:  b("tab", "next pane", "tab"),
		PrevPane:  b("shift+tab", "prev pane", "shift+tab"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup"),
		PageDown:  b("pgdn", "page down", "pgdown"),
		Top:       b("g", "top", "g", "home"),
		Bottom:    b("G", "bottom", "G", "end"),
		Pause:     b("space", "pause", " "),
		Filter:    b("/", "filter", "/"),
		Ifaces:    b("i", "interfaces", "i"),
		Follow:    b("f", "follow packet", "f"),
		Save:      b("w", "save pcap", "w"),
		Answer:    b("1-9", "answer", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
		Choose:    b("enter", "choose", "enter"),
		Back:      b("esc", "back", "esc"),
		Yes:       b("y", "yes", "y"),
		No:        b("n", "no", "n", "esc"),
		Keep:      b("k", "keep running", "k"),
		TearDown:  b("t", "tear down", "t"),
		Reopen:    b("o", "reopen", "o"),
		Cancel:    b("esc", "cancel the step", "esc", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q", "ctrl+c"),
		Interrupt: b("ctrl+c", "quit", "ctrl+c"),

		HopPrev: b("←", "previous hop", "left", "p"), // follow a packet (topology helper)
		HopNext: b("→", "next hop", "right", "n"),
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
		{k.Shell, k.ShellNode, k.NextPane, k.PrevPane, k.Answer},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Pause, k.Filter, k.Ifaces, k.Follow, k.Save, k.Back},
		{k.Help, k.Quit},
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
