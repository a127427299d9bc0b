package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// shared is the context every component reads: size, styles and keys.
type shared struct {
	width, height int
	// bodyH is the lab view's pane height, set by the root before it
	// routes a key (it shrinks while the full help shows).
	bodyH int
	st    *styles
	keys  KeyMap
	// ask has the root do what a dialog asks for (dialog.go), as
	// gh-dash's context starts tasks: at once, returning its command.
	ask func(req any) tea.Cmd
}

// page is how far the page keys scroll a pane.
func (c *shared) page() int { return max(1, c.bodyH-2) }

// screen is what fills the terminal.
type screen int

const (
	screenLoading  screen = iota
	screenPicker          // choose a lab
	screenConflict        // another lab runs
	screenError           // nothing could be opened
	screenLab             // the lab view
)

// pane is one of the lab view's tabs.
type pane int

const (
	paneStep pane = iota
	paneTopology
	paneChanges
	paneCapture
	paneCount
)

// paneName is a tab's name in the current language.
func paneName(p pane) string {
	switch p {
	case paneTopology:
		return i18n.T("tui.pane.topology", "Topology")
	case paneChanges:
		return i18n.T("tui.pane.changes", "Changes")
	case paneCapture:
		return i18n.T("tui.pane.capture", "Capture")
	}
	return i18n.T("tui.pane.step", "Step")
}

// labData is what the model knows of the lab being walked: its steps,
// where the walk stands, and what the kernel holds now. The root Model
// fills it from the engine's messages; the step view, the panes and the
// dialogs read it through one shared pointer.
type labData struct {
	lab     *labs.Lab // the lab as loaded: what the engine runs
	applied []runner.StepState
	reports map[int]*runner.StepReport // by 0-based step index
	answers map[int]int                // the student's predictions

	snap    *engine.Snapshot
	snapErr error
	nodes   []string
	changes changeSet // what the last step, undo or shell session changed

	// the lab as the student reads it, in the language it was made for
	// (shown keeps it in step with lab and i18n.Current).
	shownLab  *labs.Lab
	shownFrom *labs.Lab
	shownLang i18n.Lang
}

// shown is the lab in the current language, for display only: its texts
// translated where the lab file translates them, its commands the
// original's. The language key changes what it returns, nothing else.
func (d *labData) shown() *labs.Lab {
	if d.lab == nil {
		return nil
	}
	if lang := i18n.Current(); d.shownFrom != d.lab || d.shownLang != lang {
		d.shownLab, d.shownFrom, d.shownLang = d.lab.In(lang), d.lab, lang
		if d.shownLab == nil || len(d.shownLab.Steps) != len(d.lab.Steps) {
			d.shownLab = d.lab // a translation that does not fit is not shown
		}
	}
	return d.shownLab
}

// current is the index of the next step to run (len(Steps) when done).
func (d *labData) current() int { return len(d.applied) }

// done says every step has run.
func (d *labData) done() bool { return d.lab != nil && d.current() >= len(d.lab.Steps) }

// Model is the root bubbletea model of netlab's TUI. It routes messages to
// its sub-models (picker, step view, topology, changes, capture and the
// open dialog) and runs the engine operations they ask for.
type Model struct {
	ctx  *shared
	be   Backend
	opts Options
	now  func() time.Time

	screen   screen
	picker   pickerModel
	conflict conflictMsg
	errText  string

	sess     Driver
	*labData // the sub-models hold the same pointer
	pane     pane
	step     stepView
	topo     topologyPane
	chg      changesPane
	capture  captureModel
	follow   followModel // kept after it closes: the path last followed
	dialog   dialog      // the box over the lab view; nil when none

	stepCancel func() // cancels the step running now (the Cancel key); nil when none

	busy      string // the engine operation under way; "" when idle
	status    string
	statusErr bool
	fullHelp  bool

	help help.Model

	framePending bool
	dirty        bool
	lastView     string
	err          error // returned by Run
}

// New builds the TUI's model on a backend; noColor selects plain styles.
func New(opts Options, be Backend, noColor bool) *Model {
	st := newStyles(noColor)
	h := help.New()
	h.Styles.ShortKey = st.Bold
	h.Styles.FullKey = st.Bold
	h.Styles.ShortDesc = st.Subtle
	h.Styles.FullDesc = st.Subtle
	h.Styles.ShortSeparator = st.Subtle
	h.Styles.FullSeparator = st.Subtle
	h.Styles.Ellipsis = st.Subtle
	ctx := &shared{width: 80, height: 24, st: st, keys: DefaultKeyMap()}
	d := &labData{reports: map[int]*runner.StepReport{}, answers: map[int]int{}}
	m := &Model{
		ctx:     ctx,
		be:      be,
		opts:    opts,
		now:     time.Now,
		labData: d,
		step:    stepView{ctx: ctx, d: d, md: newMarkdown(st.markdownStyle())},
		topo:    topologyPane{textPane{ctx: ctx, d: d}},
		chg:     changesPane{textPane{ctx: ctx, d: d}},
		capture: newCaptureModel(ctx),
		help:    h,
		dirty:   true,
	}
	ctx.ask = m.serve
	return m
}

// Init loads the picker, or opens the lab given on the command line.
func (m *Model) Init() tea.Cmd {
	if m.opts.Lab != nil {
		return openLabCmd(m.be, m.opts.Lab)
	}
	return loadPickerCmd(m.be)
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

// Update handles every message; slow work is returned as a tea.Cmd.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(packetsMsg); !ok {
		m.dirty = true
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.ctx.width, m.ctx.height = msg.Width, msg.Height
		m.picker.setSize(msg.Width, msg.Height-2)
		m.help.Width = msg.Width
		return m, nil
	case frameMsg:
		m.framePending = false
		if m.capture.dirty {
			m.capture.dirty = false
			m.dirty = true
		}
		return m, nil
	case packetsMsg:
		return m, m.onPackets(msg)
	case retargetMsg:
		m.busy = ""
		m.capture.manual = true
		m.capture.targets = nil // reopen even when unchanged
		return m, m.retarget(msg.targets)
	case captureOpenedMsg:
		return m, m.onCaptureOpened(msg)
	case pickerLoadedMsg:
		m.screen = screenPicker
		m.picker = newPicker(m.ctx, msg)
		return m, nil
	case pickerFoundMsg:
		if m.picker.ready {
			m.picker.attach(msg)
		}
		return m, nil
	case pickerReloadMsg:
		m.busy = ""
		return m, loadPickerCmd(m.be)
	case conflictMsg:
		m.busy = ""
		m.screen, m.conflict = screenConflict, msg
		return m, nil
	case sessionMsg:
		return m, m.onSession(msg)
	case stepDoneMsg:
		return m, m.onStepDone(msg)
	case undoDoneMsg:
		return m, m.onUndoDone(msg)
	case shellReadyMsg:
		return m, m.onShellReady(msg)
	case shellDoneMsg:
		return m, m.onShellDone(msg)
	case byHandMsg:
		return m, m.onByHand(msg)
	case savedMsg:
		if msg.err != nil {
			m.setStatus(i18n.T("tui.status.saveFailed", "could not save the capture: {{.Err}}", "Err", msg.err.Error()), true)
		} else {
			m.setStatus(i18n.N("tui.status.saved", msg.n, "saved {{.Count}} packets to {{.Path}}", "saved {{.Count}} packets to {{.Path}}", "Path", msg.path), false)
		}
		return m, nil
	case tornDownMsg:
		if msg.err != nil {
			m.err = fmt.Errorf(i18n.T("tui.err.tearDown", "tearing the lab down: {{.Err}} (run 'netlab reset')", "Err", "%w"), msg.err)
		}
		return m, tea.Quit
	case tea.KeyMsg:
		return m, m.onKey(msg)
	}
	if m.capture.typing {
		var cmd tea.Cmd
		m.capture.input, cmd = m.capture.input.Update(msg)
		return m, cmd
	}
	return m, nil
}
