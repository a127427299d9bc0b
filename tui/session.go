package tui

import (
	"errors"
	"os"
	"os/exec"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// Driver is what the TUI needs from a running lab. lessonDriver wraps
// labs/runner for production; tests use a fake. Its methods are called
// from tea.Cmds, one at a time, never from Update or View.
type Driver interface {
	Lab() *labs.Lab
	Step() (*runner.StepReport, error)
	Undo() (*runner.UndoReport, error)
	CheckByHand(before *engine.Snapshot) (*runner.StepReport, error)
	Snapshot() (*engine.Snapshot, error)
	// SnapshotBeforeShell is the snapshot a step done by hand is undone to;
	// it also tracks what the step's commands will touch.
	SnapshotBeforeShell() (*engine.Snapshot, error)
	// Progress re-reads the persisted state: the applied steps, in order.
	Progress() ([]runner.StepState, error)
	Nodes() []string
	DefaultNode() string
	// Targets resolves capture targets to the namespaces they live in,
	// skipping nodes that do not exist (yet).
	Targets(ts []labs.CaptureTarget) []capture.Target
	Close()
}

// Backend creates and finds sessions, captures packets and builds the
// shell command. Production is NewBackend; tests substitute fakes.
type Backend interface {
	Labs() ([]labs.Summary, error)
	Find(id string) (*labs.Lab, error)
	// Open reopens the running session; the error wraps engine.ErrNoSession
	// when there is none.
	Open() (Driver, error)
	Start(lab *labs.Lab) (Driver, error)
	Reset() error
	Capture(targets []capture.Target) (PacketSource, error)
	Shell(node string) *exec.Cmd
}

// PacketSource is a live capture: *capture.Capture in production.
type PacketSource interface {
	Packets() <-chan capture.Packet
	Close() error
}

// NewBackend is the production backend on the engine's run directory.
func NewBackend(opts Options) Backend { return &realBackend{opts: opts} }

type realBackend struct{ opts Options }

func (b *realBackend) Labs() ([]labs.Summary, error) { return labs.List(b.opts.LabsDir) }

func (b *realBackend) Find(id string) (*labs.Lab, error) { return labs.Find(id, b.opts.LabsDir) }

func (b *realBackend) Open() (Driver, error) {
	s, err := runner.Open(b.opts.RunDir, b.opts.LabsDir)
	if err != nil {
		return nil, err
	}
	return &lessonDriver{s}, nil
}

func (b *realBackend) Start(lab *labs.Lab) (Driver, error) {
	s, err := runner.Start(lab, b.opts.RunDir)
	if err != nil {
		return nil, err
	}
	return &lessonDriver{s}, nil
}

func (b *realBackend) Reset() error { return engine.Reset(b.opts.RunDir) }

func (b *realBackend) Capture(targets []capture.Target) (PacketSource, error) {
	return capture.Open(targets, capture.Options{RingSize: 16})
}

// Shell runs "netlab shell NODE" on the same run directory as the TUI.
func (b *realBackend) Shell(node string) *exec.Cmd {
	self := b.opts.Self
	if self == "" {
		self = "netlab"
	}
	cmd := exec.Command(self, "shell", node)
	// The shell speaks the language the student switched to, not the
	// one netlab started in.
	cmd.Env = append(os.Environ(), "NETLAB_RUN="+b.opts.RunDir, "NETLAB_LANG="+string(i18n.Current()))
	if b.opts.LabsDir != "" {
		cmd.Env = append(cmd.Env, labs.EnvDir+"="+b.opts.LabsDir)
	}
	return cmd
}

// lessonDriver is a Driver backed by labs/runner: each method hands
// off to runner.Lesson, which owns the engine session.
type lessonDriver struct{ s *runner.Lesson }

func (r *lessonDriver) Lab() *labs.Lab                        { return r.s.Lab }
func (r *lessonDriver) Step() (*runner.StepReport, error)     { return r.s.Step() }
func (r *lessonDriver) Undo() (*runner.UndoReport, error)     { return r.s.Undo() }
func (r *lessonDriver) Snapshot() (*engine.Snapshot, error)   { return r.s.Snapshot() }
func (r *lessonDriver) Progress() ([]runner.StepState, error) { return r.s.Progress() }
func (r *lessonDriver) Nodes() []string                       { return r.s.Nodes() }
func (r *lessonDriver) DefaultNode() string                   { return r.s.DefaultNode() }
func (r *lessonDriver) Close()                                { r.s.Close() }

func (r *lessonDriver) SnapshotBeforeShell() (*engine.Snapshot, error) {
	return r.s.SnapshotBeforeShell()
}

func (r *lessonDriver) CheckByHand(before *engine.Snapshot) (*runner.StepReport, error) {
	return r.s.CheckByHand(before)
}

func (r *lessonDriver) Targets(ts []labs.CaptureTarget) []capture.Target { return r.s.Targets(ts) }

// isNoSession reports whether err says no session runs.
func isNoSession(err error) bool { return errors.Is(err, engine.ErrNoSession) }
