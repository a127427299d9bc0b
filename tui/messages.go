package tui

import (
	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/runner"
)

// labState is what the TUI shows of a session after an engine operation,
// read in the same tea.Cmd so the engine is only ever used by one
// goroutine at a time.
type labState struct {
	applied []runner.StepState
	snap    *engine.Snapshot
	snapErr error
	nodes   []string
	targets []capture.Target // the current step's capture interfaces
}

// pickerLoadedMsg carries the labs and, when one runs, the open session.
type pickerLoadedMsg struct {
	labs           []labs.Summary
	found          []*labs.Lab // labs[i] read (nil when not read): its translations
	labsErr        error
	running        Driver // nil when none runs
	runningApplied int
	openErr        error // why the running session could not be reopened (not ErrNoSession)
}

// pickerFoundMsg brings the picker's labs read after a switch of
// language, for their translations (sums are the summaries they were
// read for).
type pickerFoundMsg struct {
	sums  []labs.Summary
	found []*labs.Lab
}

// sessionMsg says a session is ready (started, reopened or reset).
type sessionMsg struct {
	sess  Driver
	state labState
	err   error
	note  string // what happened, for the status line
}

// conflictMsg says another lab's session runs where the student asked for lab.
type conflictMsg struct {
	want    *labs.Lab
	running Driver // nil when it could not be reopened
	err     error  // why not
}

// stepDoneMsg is the outcome of running the current step.
type stepDoneMsg struct {
	index int // 0-based step that ran
	rep   *runner.StepReport
	err   error
	state labState
	all   bool // part of "run all": go on if it passed
}

// undoDoneMsg is the outcome of undoing the last step.
type undoDoneMsg struct {
	rep   *runner.UndoReport
	err   error
	state labState
}

// shellReadyMsg carries the snapshot taken before the shell opens.
type shellReadyMsg struct {
	node   string
	before *engine.Snapshot
	err    error
}

// shellDoneMsg says the shell exited.
type shellDoneMsg struct {
	before *engine.Snapshot
	err    error
}

// byHandMsg is the check of the current step after the shell.
type byHandMsg struct {
	index int
	rep   *runner.StepReport
	err   error
	state labState
}

// captureOpenedMsg is a live capture ready (or failed).
type captureOpenedMsg struct {
	gen int // the capture it opened; an older one is closed at once
	src PacketSource
	err error
}

// packetsMsg is one batch read from the live capture.
type packetsMsg struct {
	gen    int
	pkts   []capture.Packet
	closed bool
}

// frameMsg is the redraw tick that coalesces packet-driven updates.
type frameMsg struct{}

// savedMsg says where a pcap file was written.
type savedMsg struct {
	path string
	n    int
	err  error
}

// tornDownMsg says the lab was torn down (or not) before quitting.
type tornDownMsg struct{ err error }

// retargetMsg carries the interfaces the student chose, resolved.
type retargetMsg struct{ targets []capture.Target }
