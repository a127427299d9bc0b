package runner

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
)

// captureGrace is how long after a step's last command the capture keeps
// listening, so that late replies and the capture's own merge delay are
// part of the step's evidence.
const captureGrace = 250 * time.Millisecond

// Step applies the next step: it opens the step's captures, runs its
// commands through the engine (rolled back on failure), then judges checks
// and expectations and lists what changed. The report says whether all of
// it held; the step stays applied even when an expectation fails, so the
// student can look and undo.
func (s *Session) Step() (*StepReport, error) {
	if err := s.Eng.Refresh(); err != nil {
		return nil, err
	}
	i := s.Applied()
	if i >= len(s.Lab.Steps) {
		return nil, ErrAllDone
	}
	st := s.Lab.Steps[i]
	rep := &StepReport{Index: i + 1, Title: st.Title}
	cap, capErr := s.openCapture(st)
	before, err := s.Eng.Snapshot()
	if err != nil {
		if cap != nil {
			cap.Close()
		}
		return nil, err
	}
	results, err := s.Eng.ApplyStep(s.EngineStep(i))
	for _, r := range results {
		rep.Commands = append(rep.Commands, commandReport(r))
	}
	var packets []capture.Packet
	if cap != nil {
		time.Sleep(captureGrace)
		packets = cap.Ring().Last(cap.Ring().Len())
		cap.Close()
	}
	for _, p := range packets {
		rep.Packets = append(rep.Packets, packetLine(p))
	}
	if err != nil {
		var se *engine.StepError
		if !errors.As(err, &se) {
			return nil, err
		}
		rep.Error = se.Error()
		return rep, nil
	}
	for _, c := range s.Eng.Check(s.EngineStep(i)) {
		if c.Command != nil && c.Command.Mutating() {
			cr := CheckReport{Command: c.Command.Text, OK: c.Err == nil}
			if c.Err != nil {
				cr.Problem = c.Err.Error()
			}
			rep.Checks = append(rep.Checks, cr)
		}
	}
	rep.Expects = s.judge(st, results, packets, capErr)
	if after, err := s.Eng.Snapshot(); err == nil {
		rep.Changes = before.Diff(after)
	}
	rep.OK = len(rep.Failures()) == 0
	return rep, nil
}

// openCapture starts capturing on the step's interfaces that exist now.
// The error, if any, explains which could not be opened, for the
// expectations that needed them.
func (s *Session) openCapture(st labs.Step) (*capture.Capture, error) {
	if len(st.Capture) == 0 {
		return nil, nil
	}
	var targets []capture.Target
	var problems []string
	for _, ct := range st.Capture {
		path, err := s.Eng.NodePath(ct.Node)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		targets = append(targets, capture.Target{Node: ct.Node, NSPath: path, Iface: ct.Iface})
	}
	if len(targets) == 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	c, err := capture.Open(targets, capture.Options{RingSize: 4096})
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	return c, nil
}

func commandReport(r engine.Result) CommandReport {
	cr := CommandReport{Text: r.Command.Text, Node: r.Node, Output: r.Output, ExitCode: r.ExitCode}
	if r.Err != nil {
		cr.Error = r.Err.Error()
	}
	return cr
}

func packetLine(p capture.Packet) PacketLine {
	return PacketLine{Label: p.Label(), Dir: p.Dir.String(), Time: p.Timestamp(), Summary: p.Summary(false)}
}

// judge evaluates a step's expectations against what ran and was seen.
func (s *Session) judge(st labs.Step, results []engine.Result, packets []capture.Packet, capErr error) []ExpectReport {
	var out []ExpectReport
	for _, e := range st.Expect {
		switch e.Kind {
		case labs.ExpectPing:
			out = append(out, judgePing(e, results)...)
		case labs.ExpectSeen, labs.ExpectNotSeen:
			want := e.Kind == labs.ExpectSeen
			what := fmt.Sprintf("%q %s on %s", e.Text, map[bool]string{true: "seen", false: "not seen"}[want], e.On)
			found := ""
			for _, p := range packets {
				if p.Label() == e.On.String() && strings.Contains(p.Summary(false), e.Text) {
					found = p.Summary(false)
					break
				}
			}
			r := ExpectReport{What: what, OK: (found != "") == want}
			switch {
			case r.OK:
			case capErr != nil:
				r.Seen = "no capture: " + capErr.Error()
			case want:
				r.Seen = fmt.Sprintf("no such packet among the %d captured", countOn(packets, e.On.String()))
			default:
				r.Seen = "but it was: " + found
			}
			out = append(out, r)
		case labs.ExpectState:
			res := s.Eng.Run(e.Node, e.State.Parsed)
			r := ExpectReport{What: fmt.Sprintf("%q on %s to show %q", e.State.Text, e.Node, e.Text),
				OK: res.Err == nil && strings.Contains(res.Output, e.Text)}
			if !r.OK {
				r.Seen = "it printed: " + strings.TrimSpace(res.Output)
				if res.Err != nil {
					r.Seen = "it failed: " + res.Err.Error()
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func countOn(packets []capture.Packet, label string) int {
	n := 0
	for _, p := range packets {
		if p.Label() == label {
			n++
		}
	}
	return n
}

func judgePing(e labs.Expect, results []engine.Result) []ExpectReport {
	var out []ExpectReport
	for i, r := range results {
		if r.Command.Program != "ping" || (e.Command > 0 && e.Command != i+1) {
			continue
		}
		ok := r.ExitCode == 0 && r.Err == nil
		rep := ExpectReport{What: fmt.Sprintf("%q to %s", r.Command.Text, map[bool]string{true: "get replies", false: "get no reply"}[e.PingOK]),
			OK: ok == e.PingOK}
		if !rep.OK {
			rep.Seen = "it printed: " + lastLines(r.Output, 3)
		}
		out = append(out, rep)
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// SnapshotBeforeShell is the snapshot to take before the student does the
// next step by hand: a step done by hand is undone back to it.
func (s *Session) SnapshotBeforeShell() (*engine.Snapshot, error) {
	if err := s.Eng.Refresh(); err != nil {
		return nil, err
	}
	if s.Done() {
		return s.Eng.Snapshot()
	}
	return s.Eng.SnapshotFor(s.EngineStep(s.Applied()))
}

// CheckByHand verifies the next step's effects after the student did it in
// a shell. When every derived check passes, the step is recorded as done
// by hand (undoable with the snapshot taken before the shell opened).
func (s *Session) CheckByHand(before *engine.Snapshot) (*StepReport, error) {
	if err := s.Eng.Refresh(); err != nil {
		return nil, err
	}
	i := s.Applied()
	if i >= len(s.Lab.Steps) {
		return nil, ErrAllDone
	}
	es := s.EngineStep(i)
	rep := &StepReport{Index: i + 1, Title: es.Title, ByHand: true}
	for _, c := range s.Eng.Check(es) {
		if c.Command != nil && c.Command.Mutating() {
			cr := CheckReport{Command: c.Command.Text, OK: c.Err == nil}
			if c.Err != nil {
				cr.Problem = c.Err.Error()
			}
			rep.Checks = append(rep.Checks, cr)
		}
	}
	if after, err := s.Eng.Snapshot(); err == nil {
		rep.Changes = before.Diff(after)
	}
	rep.OK = len(rep.Failures()) == 0 && len(rep.Checks) > 0
	if rep.OK {
		if err := s.Eng.RecordByHand(es, before); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// UndoReport says which step was undone and what that changed.
type UndoReport struct {
	Index   int             `json:"step"` // 1-based
	Title   string          `json:"title"`
	Changes []engine.Change `json:"changes,omitempty"`
}

// Undo undoes the last applied step (or rolls back an interrupted one).
func (s *Session) Undo() (*UndoReport, error) {
	before, err := s.Eng.Snapshot()
	if err != nil {
		return nil, err
	}
	st, err := s.Eng.Undo()
	if err != nil {
		return nil, err
	}
	rep := &UndoReport{Index: st.Index + 1, Title: st.Title}
	if after, err := s.Eng.Snapshot(); err == nil {
		rep.Changes = before.Diff(after)
	}
	return rep, nil
}
