package tui

import (
	"errors"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
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

var paneNames = [paneCount]string{"Step", "Topology", "Changes", "Capture"}

// labData is what the model knows of the lab being walked: its steps,
// where the walk stands, and what the kernel holds now. The root Model
// fills it from the engine's messages; the step view, the panes and the
// dialogs read it through one shared pointer.
type labData struct {
	lab     *labs.Lab
	applied []runner.StepState
	reports map[int]*runner.StepReport // by 0-based step index
	answers map[int]int                // the student's predictions

	snap    *engine.Snapshot
	snapErr error
	nodes   []string
	changes changeSet // what the last step, undo or shell session changed
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

	sess     Session
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
			m.setStatus("could not save the capture: "+msg.err.Error(), true)
		} else {
			m.setStatus(fmt.Sprintf("saved %d packets to %s", msg.n, msg.path), false)
		}
		return m, nil
	case tornDownMsg:
		if msg.err != nil {
			m.err = fmt.Errorf("tearing the lab down: %w (run 'netlab reset')", msg.err)
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

func (m *Model) onPackets(msg packetsMsg) tea.Cmd {
	if msg.gen != m.capture.gen {
		return nil // a capture replaced since; its reader ends here
	}
	m.capture.addPackets(msg.pkts)
	var cmds []tea.Cmd
	if msg.closed {
		m.capture.src = nil
	} else {
		cmds = append(cmds, readPacketsCmd(msg.gen, m.capture.src.Packets()))
	}
	if !m.framePending {
		m.framePending = true
		cmds = append(cmds, frameCmd())
	}
	return tea.Batch(cmds...)
}

func (m *Model) onCaptureOpened(msg captureOpenedMsg) tea.Cmd {
	if msg.gen != m.capture.gen {
		if msg.src != nil {
			return closeCaptureCmd(msg.src)
		}
		return nil
	}
	m.capture.openErr = ""
	if msg.err != nil {
		m.capture.openErr = msg.err.Error()
		return nil
	}
	if msg.src == nil {
		return nil
	}
	m.capture.src = msg.src
	return readPacketsCmd(msg.gen, msg.src.Packets())
}

// retarget points the live capture at targets, replacing the old one.
func (m *Model) retarget(targets []capture.Target) tea.Cmd {
	c := &m.capture
	if sameTargets(targets, c.targets) && (c.src != nil || len(targets) == 0) {
		return nil
	}
	var cmds []tea.Cmd
	if c.src != nil {
		cmds = append(cmds, closeCaptureCmd(c.src))
	}
	c.gen++
	c.src, c.targets, c.openErr = nil, targets, ""
	cmds = append(cmds, openCaptureCmd(m.be, c.gen, targets))
	return tea.Batch(cmds...)
}

// stopCapture closes the live capture (the returned cmd does it off the UI).
func (m *Model) stopCapture() tea.Cmd {
	c := &m.capture
	c.gen++
	src := c.src
	c.src, c.targets = nil, nil
	if src != nil {
		return closeCaptureCmd(src)
	}
	return nil
}

// quitting stops the live capture on the way out (busy says how) and
// returns its source: the command that quits closes it first.
func (m *Model) quitting(busy string) PacketSource {
	m.busy = busy
	src := m.capture.src
	m.stopCapture()
	return src
}

func sameTargets(a, b []capture.Target) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// applyState takes in what an engine operation read, and retargets the
// live capture to the (possibly new) current step.
func (m *Model) applyState(st labState) tea.Cmd {
	oldCur := m.current()
	m.applied, m.snap, m.snapErr, m.nodes = st.applied, st.snap, st.snapErr, st.nodes
	if m.snapErr != nil {
		m.setStatus("cannot read the lab: "+m.snapErr.Error(), true)
	}
	if m.capture.manual && oldCur == m.current() {
		return nil
	}
	m.capture.manual = false
	return m.retarget(st.targets)
}

func (m *Model) onSession(msg sessionMsg) tea.Cmd {
	m.busy = ""
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		if m.screen != screenLab && m.screen != screenPicker {
			m.screen, m.errText = screenError, msg.err.Error()
		}
		return nil
	}
	if m.sess == nil || m.sess != msg.sess {
		m.reports, m.answers = map[int]*runner.StepReport{}, map[int]int{}
		m.changes = changeSet{}
	}
	m.sess, m.lab = msg.sess, msg.sess.Lab()
	m.screen, m.dialog = screenLab, nil
	cmd := m.applyState(msg.state)
	m.step.viewed = min(m.current(), len(m.lab.Steps)-1)
	m.step.off, m.topo.off, m.chg.off = 0, 0, 0
	if msg.note != "" {
		m.setStatus(msg.note, false)
	}
	return cmd
}

// runStep runs the current step (all: then the following ones).
func (m *Model) runStep(all bool) tea.Cmd {
	i := m.current()
	m.busy = fmt.Sprintf("running step %d…", i+1)
	m.step.show(i)
	if len(m.lab.Steps[i].Capture) > 0 || m.capture.src != nil {
		m.capture.add(newMarker(fmt.Sprintf("step %d: %s", i+1, m.lab.Steps[i].Title)))
	}
	return m.stepCmd(i, all)
}

func (m *Model) onStepDone(msg stepDoneMsg) tea.Cmd {
	m.busy, m.stepCancel = "", nil
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
		if errors.Is(msg.err, runner.ErrAllDone) {
			m.setStatus(m.allDoneText(), false)
		}
		return m.applyState(msg.state)
	}
	rep := msg.rep
	m.reports[msg.index] = rep
	m.changes = changeSet{set: true, title: fmt.Sprintf("Step %d, %s: what changed", rep.Index, rep.Title), changes: rep.Changes}
	m.capture.addReport(rep.Packets)
	cmd := m.applyState(msg.state)
	switch {
	case rep.Error != "":
		m.setStatus(fmt.Sprintf("step %d failed and was rolled back: %s", rep.Index, rep.Error), true)
	case !rep.OK:
		m.setStatus(fmt.Sprintf("step %d ran, but not everything held (see below); %s undoes it", rep.Index, keyName(m.ctx.keys.Undo)), true)
	case m.done():
		m.setStatus(fmt.Sprintf("step %d done: that was the last step. %s quits (and can tear the lab down)", rep.Index, keyName(m.ctx.keys.Quit)), false)
	default:
		m.setStatus(fmt.Sprintf("step %d done", rep.Index), false)
	}
	m.step.showHint = false
	// The step's outcome stays on screen, scrolled to it; the next Enter
	// shows the next step (enterAction).
	m.step.show(msg.index)
	m.step.toOutcome = true
	if msg.all && rep.OK && !m.done() {
		return tea.Batch(cmd, m.runStep(true))
	}
	return cmd
}

// settle ends an engine operation: the state it read is taken in, and
// when it failed the status says so, after what (its name).
func (m *Model) settle(st labState, err error, what string) tea.Cmd {
	m.busy = ""
	cmd := m.applyState(st)
	if err != nil {
		m.setStatus(what+": "+err.Error(), true)
	}
	return cmd
}

func (m *Model) onUndoDone(msg undoDoneMsg) tea.Cmd {
	cmd := m.settle(msg.state, msg.err, "undo")
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	delete(m.reports, rep.Index-1)
	delete(m.answers, rep.Index-1)
	m.changes = changeSet{set: true, title: fmt.Sprintf("Undo of step %d, %s: what changed", rep.Index, rep.Title), changes: rep.Changes}
	m.step.show(min(m.current(), len(m.lab.Steps)-1))
	m.setStatus(fmt.Sprintf("undid step %d: the lab is as it was before it", rep.Index), false)
	if m.capture.src != nil {
		m.capture.add(newMarker(fmt.Sprintf("undo of step %d", rep.Index)))
	}
	return cmd
}

// shellNode is where "s" opens a shell: the current step's node.
func (m *Model) shellNode() string {
	if i := m.current(); i < len(m.lab.Steps) && m.lab.Steps[i].Node != "" {
		return m.lab.Steps[i].Node
	}
	if m.sess != nil {
		return m.lab.DefaultNode()
	}
	return labs.DefaultHost
}

func (m *Model) openShell(node string) tea.Cmd {
	m.busy = "opening a shell on " + node + "…"
	return shellReadyCmd(m.sess, node)
}

func (m *Model) onShellReady(msg shellReadyMsg) tea.Cmd {
	if msg.err != nil {
		m.busy = ""
		m.setStatus("cannot open a shell: "+msg.err.Error(), true)
		return nil
	}
	m.busy = "in a shell on " + msg.node
	before := msg.before
	return tea.ExecProcess(m.be.Shell(msg.node), func(err error) tea.Msg {
		return shellDoneMsg{before: before, err: err}
	})
}

func (m *Model) onShellDone(msg shellDoneMsg) tea.Cmd {
	if msg.err != nil {
		var ee interface{ ExitCode() int }
		if !errors.As(msg.err, &ee) {
			m.setStatus("the shell failed: "+msg.err.Error(), true)
		}
	}
	if m.done() {
		m.busy = "reading the lab…"
		return refreshCmd(m.sess)
	}
	m.busy = "checking what you did…"
	return byHandCmd(m.sess, m.current(), msg.before)
}

func (m *Model) onByHand(msg byHandMsg) tea.Cmd {
	cmd := m.settle(msg.state, msg.err, "checking the step")
	if msg.err != nil {
		return cmd
	}
	rep := msg.rep
	m.reports[msg.index] = rep
	m.changes = changeSet{set: true, title: fmt.Sprintf("Shell session during step %d: what changed", rep.Index), changes: rep.Changes}
	if rep.OK {
		m.setStatus(fmt.Sprintf("step %d done by hand ✎", rep.Index), false)
		m.step.show(min(m.current(), len(m.lab.Steps)-1))
	} else {
		m.setStatus(fmt.Sprintf("step %d is not done yet: see what is missing", rep.Index), true)
		m.step.viewed, m.pane = msg.index, paneStep
	}
	return cmd
}
