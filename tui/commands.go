package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
	"github.com/netlab/netlab/labs/runner"
)

// This file holds the tea.Cmds: every call into the engine, the capture
// or the file system runs here, off the UI goroutine.

// readState reads what the TUI shows of a session.
func readState(s Driver) labState {
	var st labState
	st.applied, st.snapErr = s.Progress()
	if st.snapErr == nil {
		st.snap, st.snapErr = s.Snapshot()
	}
	st.nodes = s.Nodes()
	st.targets = s.Targets(captureFor(s.Lab(), len(st.applied)))
	return st
}

// captureFor picks the interfaces to watch while step cur is current: its
// own, or the last run step's when it captures nothing.
func captureFor(lab *labs.Lab, cur int) []labs.CaptureTarget {
	for i := cur; i >= 0 && i >= cur-1; i-- {
		if i < len(lab.Steps) && len(lab.Steps[i].Capture) > 0 {
			return lab.Steps[i].Capture
		}
	}
	return nil
}

func loadPickerCmd(be Backend) tea.Cmd {
	return func() tea.Msg {
		msg := pickerLoadedMsg{}
		msg.labs, msg.labsErr = be.Labs()
		if i18n.Current() != i18n.English {
			msg.found = findLabs(be, msg.labs)
		}
		s, err := be.Open()
		switch {
		case err == nil:
			msg.running = s
			if a, err := s.Progress(); err == nil {
				msg.runningApplied = len(a)
			}
		case !isNoSession(err):
			msg.openErr = err
		}
		return msg
	}
}

// findLabs reads the labs listed, for their translated titles and
// summaries: only when the picker shows another language than English
// (each lab is read again: the list gives summaries).
func findLabs(be Backend, sums []labs.Summary) []*labs.Lab {
	out := make([]*labs.Lab, len(sums))
	for i, s := range sums {
		out[i], _ = be.Find(s.ID) // nil: the summary in the original stands
	}
	return out
}

// findLabsCmd reads the picker's labs after a switch of language.
func findLabsCmd(be Backend, sums []labs.Summary) tea.Cmd {
	return func() tea.Msg { return pickerFoundMsg{sums: sums, found: findLabs(be, sums)} }
}

// openLabCmd starts lab, or reopens the running session when it plays the
// same lab; another lab running is a conflict for the student to settle.
func openLabCmd(be Backend, lab *labs.Lab) tea.Cmd {
	return func() tea.Msg {
		s, err := be.Open()
		switch {
		case err == nil && s.Lab().ID == lab.ID:
			return sessionMsg{sess: s, state: readState(s), note: i18n.T("tui.status.reopened", "reopened the running session of {{.ID}}", "ID", lab.ID)}
		case err == nil:
			return conflictMsg{want: lab, running: s}
		case !isNoSession(err):
			return conflictMsg{want: lab, err: err}
		}
		s, err = be.Start(lab)
		if err != nil {
			return sessionMsg{err: fmt.Errorf(i18n.T("tui.err.start", "start lab {{.ID}}: {{.Err}}", "ID", strconv.Quote(lab.ID), "Err", "%w"), err)}
		}
		return sessionMsg{sess: s, state: readState(s), note: i18n.T("tui.status.started", "started lab {{.ID}}", "ID", lab.ID)}
	}
}

func reopenCmd(s Driver) tea.Cmd {
	return func() tea.Msg {
		return sessionMsg{sess: s, state: readState(s), note: i18n.T("tui.status.reopened", "reopened the running session of {{.ID}}", "ID", s.Lab().ID)}
	}
}

// resetCmd tears the running session down and starts lab afresh (lab nil:
// only tear down, then show the picker).
func resetCmd(be Backend, old Driver, lab *labs.Lab) tea.Cmd {
	return func() tea.Msg {
		if old != nil {
			old.Close()
		}
		if err := be.Reset(); err != nil {
			return sessionMsg{err: fmt.Errorf(i18n.T("tui.err.reset", "reset: {{.Err}}", "Err", "%w"), err)}
		}
		if lab == nil {
			return pickerReloadMsg{}
		}
		s, err := be.Start(lab)
		if err != nil {
			return sessionMsg{err: fmt.Errorf(i18n.T("tui.err.start", "start lab {{.ID}}: {{.Err}}", "ID", strconv.Quote(lab.ID), "Err", "%w"), err)}
		}
		return sessionMsg{sess: s, state: readState(s), note: i18n.T("tui.status.reset", "the lab was reset: everything it created is gone, step 1 is next")}
	}
}

// pickerReloadMsg asks for the picker again.
type pickerReloadMsg struct{}

// stepCmd runs step index; the Cancel key (esc, ctrl+c) cancels its
// context, which stops the running command and rolls the step back.
func (m *Model) stepCmd(index int, all bool) tea.Cmd {
	ctx, cancel := context.WithCancel(context.Background())
	m.stepCancel = cancel
	m.busy = i18n.T("tui.busy.runningCancel", "running step {{.N}}… ({{.Key}} cancels)", "N", index+1, "Key", keyName(m.ctx.keys.Cancel))
	s := m.sess
	return func() tea.Msg {
		defer cancel()
		rep, err := stepWithContext(ctx, s)
		return stepDoneMsg{index: index, rep: rep, err: err, state: readState(s), all: all}
	}
}

// stepCanceller is a Driver whose step can be cancelled (the runner's
// is); a Driver without it runs its step to the end.
type stepCanceller interface {
	StepContext(ctx context.Context) (*runner.StepReport, error)
}

func stepWithContext(ctx context.Context, s Driver) (*runner.StepReport, error) {
	if c, ok := s.(stepCanceller); ok {
		return c.StepContext(ctx)
	}
	return s.Step()
}

func undoCmd(s Driver) tea.Cmd {
	return func() tea.Msg {
		rep, err := s.Undo()
		return undoDoneMsg{rep: rep, err: err, state: readState(s)}
	}
}

func shellReadyCmd(s Driver, node string) tea.Cmd {
	return func() tea.Msg {
		before, err := s.SnapshotBeforeShell()
		return shellReadyMsg{node: node, before: before, err: err}
	}
}

func byHandCmd(s Driver, index int, before *engine.Snapshot) tea.Cmd {
	return func() tea.Msg {
		rep, err := s.CheckByHand(before)
		return byHandMsg{index: index, rep: rep, err: err, state: readState(s)}
	}
}

func refreshCmd(s Driver) tea.Cmd {
	return func() tea.Msg { return sessionMsg{sess: s, state: readState(s)} }
}

func openCaptureCmd(be Backend, gen int, targets []capture.Target) tea.Cmd {
	return func() tea.Msg {
		if len(targets) == 0 {
			return captureOpenedMsg{gen: gen}
		}
		src, err := be.Capture(targets)
		return captureOpenedMsg{gen: gen, src: src, err: err}
	}
}

// maxBatch bounds one packetsMsg, so a flood arrives in few large messages.
const maxBatch = 512

// readPacketsCmd waits for the next packets and returns them in one batch:
// everything already queued, up to maxBatch. Update re-arms it.
func readPacketsCmd(gen int, ch <-chan capture.Packet) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return packetsMsg{gen: gen, closed: true}
		}
		batch := make([]capture.Packet, 1, 64)
		batch[0] = p
		for len(batch) < maxBatch {
			select {
			case p, ok := <-ch:
				if !ok {
					return packetsMsg{gen: gen, pkts: batch, closed: true}
				}
				batch = append(batch, p)
			default:
				return packetsMsg{gen: gen, pkts: batch}
			}
		}
		return packetsMsg{gen: gen, pkts: batch}
	}
}

// frameInterval caps packet-driven redraws at 20 frames a second.
const frameInterval = 50 * time.Millisecond

func frameCmd() tea.Cmd {
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return frameMsg{} })
}

func closeCaptureCmd(src PacketSource) tea.Cmd {
	return func() tea.Msg {
		src.Close()
		return nil
	}
}

func savePcapCmd(pkts []capture.Packet, now time.Time) tea.Cmd {
	return func() tea.Msg {
		name := "netlab-" + now.Format("20060102-150405") + ".pcap"
		path, err := filepath.Abs(name)
		if err != nil {
			path = name
		}
		f, err := os.Create(path)
		if err != nil {
			return savedMsg{err: err}
		}
		if err := capture.WritePcap(f, pkts); err != nil {
			f.Close()
			return savedMsg{err: err}
		}
		return savedMsg{path: path, n: len(pkts), err: f.Close()}
	}
}

func tearDownCmd(be Backend, s Driver, src PacketSource) tea.Cmd {
	return func() tea.Msg {
		if src != nil {
			src.Close()
		}
		if s != nil {
			s.Close()
		}
		return tornDownMsg{err: be.Reset()}
	}
}

func keepCmd(s Driver, src PacketSource) tea.Cmd {
	return func() tea.Msg {
		if src != nil {
			src.Close()
		}
		if s != nil {
			s.Close()
		}
		return tea.Quit()
	}
}
