// Package tui is netlab's terminal interface, built with bubbletea.
//
// Run opens a lab picker (or, for "netlab open", one lab directly) and then
// the lab view: the steps with their state, the current step's text and
// commands, and three more panes cycled with tab: the live topology read
// from the kernel, what the last step or undo changed, and the packets
// captured on the step's interfaces.
//
// A step is read, run, observed, then left: Enter runs the step and its
// outcome stays on screen (each command's output, the packets captured
// during the step under the commands, the checks, the expectations, the
// prediction and the step's explanation); the next Enter shows the next
// step, not yet run, and the one after runs it. The status line says which
// of the two Enter does (flow.go); run-all does not stop between steps.
//
// One root Model (model.go) holds small sub-models, each with its own
// Update and View, sharing a context of size, styles and keys (shared) and
// what is known of the lab (labData): the picker (picker.go), the step view
// (stepview.go), the topology and changes panes (topology.go, changes.go),
// the capture pane (capturepane.go) and the dialogs (dialog*.go,
// follow.go, ifaces.go). A dialog asks the root for what only it can do
// (run the step, reset, quit, open a shell, capture elsewhere) with a
// message. onKey (actions.go) routes a key by screen and, in the lab
// view, to the open dialog, the view's own keys, the pane, then the
// actions on the lab. Hints in text name keys from the KeyMap (keys.go),
// never literally. Everything slow (the engine,
// the capture, the shell) runs in a tea.Cmd that returns a typed message;
// the packet stream is read one batch per message, and packet-driven redraws
// are coalesced by a 20 frames/s tick so a ping flood never delays a key.
//
// Every word the TUI shows is a message of the catalogue (i18n.T; the
// Chinese in assets/locales/tui.zh.yaml), drawn in i18n.Current() as it
// renders; the lab's own text is the lab in that language (labData.shown,
// Lab.In), while the engine runs the lab as loaded. The L key switches
// English and Chinese in place (lang.go). Widths are display cells, a
// Chinese character two (ansi.StringWidth, never len), and Chinese wraps
// between characters (wrap.go); the map's canvas gives a wide rune two
// cells (topomap_canvas.go).
//
// The model talks to the lab through the Backend and Driver interfaces
// (session.go): production uses labs/runner and engine, tests use fakes.
package tui
