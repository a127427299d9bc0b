package runner

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// captureGrace is the longest a step's captures keep listening after its
// last command, so that late replies and the capture's own delays are
// part of the step's evidence.
const captureGrace = 250 * time.Millisecond

// The captures stop sooner once the wire has gone quiet: captureQuiet
// with no new packet on any of them, and at least captureSettle after
// the last command. A step's captures each watch one interface, so a
// packet reaches the ring no later than the kernel's block timeout (10
// ms) after it was on the wire, with no merge delay; replies and the
// packets they set off (an ARP exchange before an echo, a TCP close)
// follow each other within milliseconds on a lab's veths. Four block
// timeouts of silence is ample for both.
const (
	captureSettle = 40 * time.Millisecond
	captureQuiet  = 40 * time.Millisecond
	captureTick   = 5 * time.Millisecond
)

// Step applies the next step: it opens the step's captures, runs its
// commands through the engine (rolled back on failure), then judges checks
// and expectations and lists what changed. The report says whether all of
// it held; the step stays applied even when an expectation fails, so the
// student can look and undo.
func (s *Lesson) Step() (*StepReport, error) {
	if err := s.eng.Refresh(); err != nil {
		return nil, err
	}
	i := s.Applied()
	if i >= len(s.Lab.Steps) {
		return nil, ErrAllDone
	}
	st := s.Lab.Steps[i]
	rep := &StepReport{Index: i + 1, Title: s.stepTitle(i, st.Title)}
	start := time.Now()
	defer func() { rep.DurationMS = ms(time.Since(start)) }()
	ph := &rep.Phases
	if reason := s.needsSkipped(i); reason != "" {
		return s.skip(i, rep, reason)
	}
	w := s.newWatch(st)
	t := since(&ph.CapturesMS, start)
	es := s.Transaction(i)
	expected := expectedFailures(st)
	var polling time.Duration
	es.After = func(n int, r engine.Result) bool {
		p := time.Now()
		w.poll(n)
		polling += time.Since(p)
		return expected[n+1]
	}
	results, err := s.eng.ApplyStep(es)
	for _, r := range results {
		rep.Commands = append(rep.Commands, commandReport(r))
	}
	t = since(&ph.ApplyMS, t)
	ph.ApplyMS = roundMS(ph.ApplyMS - ms(polling)) // opening captures on new links is capture time
	ph.CapturesMS = roundMS(ph.CapturesMS + ms(polling))
	packets := w.finish()
	for _, p := range packets {
		rep.Packets = append(rep.Packets, packetLine(p))
	}
	t = since(&ph.CapturesMS, t)
	if err != nil {
		var se *engine.StepError
		if !errors.As(err, &se) {
			return nil, err
		}
		var mf *engine.MissingFeatureError
		if errors.As(se.Err, &mf) {
			return s.skip(i, rep, skippedText(mf))
		}
		rep.Error = se.Error()
		return rep, nil
	}
	for _, c := range s.eng.Check(s.Transaction(i)) {
		if c.Command != nil && c.Command.Mutating() && !expectedCommand(st, expected, c.Command) {
			cr := CheckReport{Command: c.Command.Text, OK: c.Err == nil}
			if c.Err != nil {
				cr.Problem = problemText(c.Err)
			}
			rep.Checks = append(rep.Checks, cr)
		}
	}
	rep.Failed = unexpectedFailures(st, results, expected)
	rep.Expects = s.judge(st, results, packets, w)
	t = since(&ph.ChecksMS, t)
	// What changed is measured from the snapshot the engine took just
	// before the step's commands (the one undo returns to).
	if applied := s.eng.State().Applied; len(applied) > 0 && applied[len(applied)-1].Before != nil {
		if after, err := s.eng.SnapshotLean(); err == nil {
			rep.Changes = applied[len(applied)-1].Before.Diff(after)
		}
	}
	since(&ph.ChangesMS, t)
	rep.OK = len(rep.Failures()) == 0
	if !rep.OK && s.movedOn(i+1) {
		return nil, engine.ErrMovedOn
	}
	return rep, nil
}

// movedOn reports whether another netlab process reset the lab, or
// applied or undid a step, after this one's commands ran: the engine's
// lock is held while they run, not while the expectations are judged, so
// failures judged then may be about a lab that is no longer there.
func (s *Lesson) movedOn(applied int) bool {
	created := s.eng.State().Created
	if err := s.eng.Refresh(); err != nil {
		return true
	}
	st := s.eng.State()
	return !st.Created.Equal(created) || len(st.Applied) != applied
}

func commandReport(r engine.Result) CommandReport {
	cr := CommandReport{Text: r.Command.Text, Node: r.Node, Output: r.Output, ExitCode: r.ExitCode}
	if r.Err != nil {
		cr.Error = r.Err.Error()
	}
	return cr
}

func packetLine(p capture.Packet) PacketLine {
	return PacketLine{Label: p.Where(), Dir: p.Dir.String(), Time: p.Timestamp(), Summary: p.Summary(false)}
}

// judge evaluates a step's expectations against what ran and was seen.
// An expectation with no evidence to stand on (a capture that did not
// run, a state command that failed, a command that never ran) fails.
func (s *Lesson) judge(st labs.Step, results []engine.Result, packets []capture.Packet, w *watch) []ExpectReport {
	var out []ExpectReport
	for _, e := range st.Expect {
		switch e.Kind {
		case labs.ExpectPing:
			out = append(out, judgePing(e, results)...)
		case labs.ExpectSeen, labs.ExpectNotSeen:
			out = append(out, judgeSeen(e, packets, w))
		case labs.ExpectState:
			out = append(out, s.judgeState(e))
		case labs.ExpectFails:
			out = append(out, judgeFails(st, e, results))
		case labs.ExpectHTTP, labs.ExpectTCP:
			out = append(out, judgeClients(e, results)...)
		default:
			out = append(out, ExpectReport{What: q(e.Kind), Seen: i18n.T("expect.unknown", "netlab does not know how to judge this expectation")})
		}
	}
	return out
}

func judgeSeen(e labs.Expect, packets []capture.Packet, w *watch) ExpectReport {
	want := e.Kind == labs.ExpectSeen
	label := e.On.String()
	r := ExpectReport{What: i18n.T("expect.seen", "{{.Text}} seen on {{.On}}", "Text", q(e.Text), "On", label)}
	if !want {
		r.What = i18n.T("expect.not_seen", "{{.Text}} not seen on {{.On}}", "Text", q(e.Text), "On", label)
	}
	if ok, why := w.evidence(label); !ok {
		r.Seen = why
		return r
	}
	found := ""
	for _, p := range packets {
		if p.Label() == label && strings.Contains(p.Summary(false), e.Text) {
			found = p.Summary(false)
			break
		}
	}
	r.OK = (found != "") == want
	switch {
	case r.OK:
	case want:
		n := countOn(packets, label)
		r.Seen = i18n.N("expect.seen.none", n, "no such packet among the {{.Count}} captured ({{.Capture}})",
			"no such packet among the {{.Count}} captured ({{.Capture}})", "Capture", w.describe(label))
	default:
		r.Seen = i18n.T("expect.not_seen.but", "but it was: {{.Packet}}", "Packet", found)
	}
	return r
}

func (s *Lesson) judgeState(e labs.Expect) ExpectReport {
	res := s.eng.Run(e.Node, engine.Bind(e.State.Parsed))
	r := ExpectReport{What: i18n.T("expect.state.show", "{{.Command}} on {{.Node}} to show {{.Text}}", "Command", q(e.State.Text), "Node", e.Node, "Text", q(e.Text))}
	if e.Not {
		r.What = i18n.T("expect.state.not_show", "{{.Command}} on {{.Node}} to not show {{.Text}}", "Command", q(e.State.Text), "Node", e.Node, "Text", q(e.Text))
	}
	if res.Err != nil || res.ExitCode != 0 {
		r.Seen = i18n.T("expect.state.failed", "it failed, so its output proves nothing: {{.Failure}}", "Failure", failureShown(res))
		return r
	}
	r.OK = strings.Contains(res.Output, e.Text) != e.Not
	if !r.OK {
		r.Seen = i18n.T("expect.printed", "it printed: {{.Output}}", "Output", strings.TrimSpace(res.Output))
	}
	return r
}

func judgeFails(st labs.Step, e labs.Expect, results []engine.Result) ExpectReport {
	n := e.Command
	text := ""
	if n >= 1 && n <= len(st.Commands) {
		text = st.Commands[n-1].Text
	}
	r := ExpectReport{What: i18n.T("expect.fails", "command {{.N}} {{.Command}} to fail", "N", n, "Command", q(text))}
	if e.Text != "" {
		r.What = i18n.T("expect.fails.with", "command {{.N}} {{.Command}} to fail with {{.Text}}", "N", n, "Command", q(text), "Text", q(e.Text))
	}
	if n < 1 || n > len(results) {
		r.Seen = i18n.T("expect.fails.never_ran", "it never ran")
		return r
	}
	res := results[n-1]
	if !failed(res) {
		r.Seen = i18n.T("expect.fails.succeeded", "it succeeded")
		return r
	}
	if e.Text != "" && !strings.Contains(failureText(res), e.Text) {
		r.Seen = i18n.T("expect.fails.other", "it failed with: {{.Failure}}", "Failure", failureShown(res))
		return r
	}
	r.OK = true
	return r
}

// failed reports whether a command failed: an error, or a non-zero exit
// (a ping that got no reply).
func failed(r engine.Result) bool { return r.Err != nil || r.ExitCode != 0 }

// failureText is what a failed command said: its error, or the end of
// its output when it only exited non-zero. A fails expectation's text is
// matched against it, so it is the same in every language (the exit
// status in the words Go and the shell use); failureShown is how a
// student reads it.
func failureText(r engine.Result) string {
	if r.Err != nil {
		return r.Err.Error()
	}
	return fmt.Sprintf("exit status %d: %s", r.ExitCode, lastLines(r.Output, 3))
}

// failureShown is failureText in the student's language.
func failureShown(r engine.Result) string {
	if r.Err != nil {
		return r.Err.Error()
	}
	return i18n.T("expect.exit_status", "exit status {{.Code}}: {{.Output}}", "Code", r.ExitCode, "Output", lastLines(r.Output, 3))
}

// expectedFailures maps the 1-based numbers of the step's commands that it
// expects to fail: those named by a fails expectation, pings that a ping:
// fail expectation covers, and clients that an http: or tcp: expectation
// expects to be refused, time out or get an error status.
func expectedFailures(st labs.Step) map[int]bool {
	m := map[int]bool{}
	for _, e := range st.Expect {
		if e.Kind == labs.ExpectFails {
			m[e.Command] = true
			continue
		}
		for i, c := range st.Commands {
			if e.ExpectsFailure(i+1, c.Parsed) {
				m[i+1] = true
			}
		}
	}
	return m
}

// expectedCommand reports whether c is one of the step's commands expected
// to fail: its effect is not checked.
func expectedCommand(st labs.Step, expected map[int]bool, c *engine.Command) bool {
	for i, sc := range st.Commands {
		if c != nil && sc.Parsed == c.Source && expected[i+1] {
			return true
		}
	}
	return false
}

// unexpectedFailures lists the step's commands that failed without the
// step expecting it: read-only ones included, since a "brctl show" of a
// bridge that is not there shows the lesson is wrong.
func unexpectedFailures(st labs.Step, results []engine.Result, expected map[int]bool) []CommandFailure {
	var out []CommandFailure
	for i, r := range results {
		if failed(r) && !expected[i+1] {
			out = append(out, CommandFailure{Command: i + 1, Text: r.Command.Text, Node: r.Node, Error: failureShown(r)})
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
		rep := ExpectReport{What: i18n.T("expect.ping.replies", "{{.Command}} to get replies", "Command", q(r.Command.Text)), OK: ok == e.PingOK}
		if !e.PingOK {
			rep.What = i18n.T("expect.ping.no_reply", "{{.Command}} to get no reply", "Command", q(r.Command.Text))
		}
		if !rep.OK {
			rep.Seen = i18n.T("expect.printed", "it printed: {{.Output}}", "Output", lastLines(r.Output, 3))
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
func (s *Lesson) SnapshotBeforeShell() (*engine.Snapshot, error) {
	if err := s.eng.Refresh(); err != nil {
		return nil, err
	}
	if s.Done() {
		return s.eng.Snapshot()
	}
	return s.eng.SnapshotFor(s.Transaction(s.Applied()))
}

// CheckByHand verifies the next step's effects after the student did it in
// a shell. When every derived check passes, the step is recorded as done
// by hand (undoable with the snapshot taken before the shell opened).
func (s *Lesson) CheckByHand(before *engine.Snapshot) (*StepReport, error) {
	if err := s.eng.Refresh(); err != nil {
		return nil, err
	}
	i := s.Applied()
	if i >= len(s.Lab.Steps) {
		return nil, ErrAllDone
	}
	es := s.Transaction(i)
	rep := &StepReport{Index: i + 1, Title: s.stepTitle(i, es.Title), ByHand: true}
	for _, c := range s.eng.Check(es) {
		if c.Command != nil && c.Command.Mutating() {
			cr := CheckReport{Command: c.Command.Text, OK: c.Err == nil}
			if c.Err != nil {
				cr.Problem = problemText(c.Err)
			}
			rep.Checks = append(rep.Checks, cr)
		}
	}
	if after, err := s.eng.Snapshot(); err == nil {
		rep.Changes = before.Diff(after)
	}
	rep.OK = len(rep.Failures()) == 0 && len(rep.Checks) > 0
	if rep.OK {
		if err := s.eng.RecordByHand(es, before); err != nil {
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
func (s *Lesson) Undo() (*UndoReport, error) {
	before, err := s.eng.SnapshotLean()
	if err != nil {
		return nil, err
	}
	st, err := s.eng.Undo()
	if err != nil {
		return nil, err
	}
	rep := &UndoReport{Index: st.Index + 1, Title: s.stepTitle(st.Index, st.Title)}
	if after, err := s.eng.SnapshotLean(); err == nil {
		rep.Changes = before.Diff(after)
	}
	return rep, nil
}
