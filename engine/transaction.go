package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Transaction is one lab step as the engine sees it: a group of commands
// applied, checked and undone together.
type Transaction struct {
	Index    int        // the lab's step number (0-based), recorded for status
	Title    string     // for status and errors
	Node     string     // where commands run; "" means the default node
	Commands []*Command // in order
	// Skipped, when set, records the step as applied with nothing done,
	// for this reason: the running kernel cannot do it (see
	// MissingFeatureError), and the lab goes on past it.
	Skipped string

	// After, when set, is called with each command's result as soon as it
	// ran (the runner opens captures on interfaces the command created).
	// It returns true when the step expects that command to fail: a
	// failing mutating command then does not roll the step back.
	After func(i int, r Result) (expectedFailure bool)
}

// StepError says which command of a step failed and why. The step has
// been rolled back when it is returned.
type StepError struct {
	Command int    // index of the failing command in the step
	Text    string // its text
	Node    string
	Err     error
}

// Error names the failed command, its node and why it failed.
func (e *StepError) Error() string {
	return fmt.Sprintf("command %d %q on %s failed: %v", e.Command+1, e.Text, e.Node, e.Err)
}

// Unwrap is why the command failed.
func (e *StepError) Unwrap() error { return e.Err }

// ErrNothingToUndo is returned by Undo when no step is applied.
var ErrNothingToUndo = errors.New("nothing to undo: no step is applied")

// ErrMovedOn is returned when another process applied or undid a step
// between reading the session and acting on it: nothing was changed.
var ErrMovedOn = errors.New("the session moved on meanwhile (another netlab process applied or undid a step); look again with 'netlab status'")

// expectNext refuses to apply step index unless it is the next one.
func (s *Session) expectNext(index int) error {
	if index != len(s.st.Applied) {
		return fmt.Errorf("%w: step %d is next, not step %d", ErrMovedOn, len(s.st.Applied)+1, index+1)
	}
	return nil
}

// track records the sysctl keys a step's commands write before the step's
// snapshot is taken, so that undo restores keys outside the base set too.
//
// A key tracked for the first time is missing from the snapshots of the
// steps already applied; undoing one of them would then find it "added".
// No step wrote it before, so it had its present value then: that value
// is filled into those snapshots, node by node.
func (s *Session) track(st Transaction) {
	for _, c := range st.Commands {
		for _, a := range c.Actions {
			if set, ok := a.(*sysctlSet); ok && s.st.touchSysctl(set.Key) {
				s.backfillSysctl(set.Key)
			}
		}
	}
}

// backfillSysctl sets key, as each node holds it now, in the applied
// steps' snapshots that lack it.
func (s *Session) backfillSysctl(key string) {
	now := map[string]string{}
	for _, n := range s.st.Nodes {
		if x, err := s.ctx(n.Name); err == nil {
			if vals, err := x.readSysctls([]string{key}); err == nil {
				if v, ok := vals[key]; ok {
					now[n.Name] = v
				}
			}
		}
	}
	for _, ap := range s.st.Applied {
		if ap.Before == nil {
			continue
		}
		for name, ns := range ap.Before.Nodes {
			v, ok := now[name]
			if _, has := ns.Sysctls[key]; !ok || has {
				continue
			}
			if ns.Sysctls == nil {
				ns.Sysctls = map[string]string{}
			}
			ns.Sysctls[key] = v
			ap.Before.changed()
		}
	}
}

// Track records, before any of them runs, the sysctl keys the given
// steps write, so that a snapshot taken now (the lab as "netlab test"
// starts it) already holds them.
func (s *Session) Track(sts ...Transaction) error {
	return s.locked(func() error {
		for _, st := range sts {
			s.track(st)
		}
		return writeState(s.dir, s.st)
	})
}

// SnapshotFor snapshots the lab before a step is done by hand in a shell,
// tracking what the step's commands will touch first (see track).
func (s *Session) SnapshotFor(st Transaction) (*Snapshot, error) {
	var snap *Snapshot
	err := s.locked(func() error {
		s.track(st)
		var err error
		snap, err = s.snapshot(true)
		return err
	})
	return snap, err
}

// ErrInterrupted is returned when a previous netlab process died in the
// middle of a step; undo or reset recovers.
var ErrInterrupted = errors.New("the session was interrupted in the middle of a step; run 'netlab undo' to roll it back or 'netlab reset'")

func (s *Session) nodeFor(st Transaction) string {
	if st.Node != "" {
		return st.Node
	}
	return s.DefaultNode()
}

// ApplyStep runs a step's commands in order. The lab is snapshotted and the
// step journalled before anything changes; if a mutating command fails,
// the lab is reconciled back to the snapshot and a *StepError returned.
// Commands that only read (ping, show) never fail the step: their exit
// code is in their Result. When the session's context (SetContext) is
// cancelled, the running command stops, the step is rolled back the same
// way and a *CancelledError returned.
func (s *Session) ApplyStep(st Transaction) ([]Result, error) {
	var results []Result
	err := s.locked(func() error {
		if s.st.Running != nil {
			return ErrInterrupted
		}
		if err := s.expectNext(st.Index); err != nil {
			return err
		}
		if s.cancelled() {
			return &CancelledError{Index: st.Index}
		}
		if err := s.preflight(st); err != nil {
			return err
		}
		s.track(st)
		before, err := s.stepSnapshot()
		if err != nil {
			return err
		}
		s.st.Running = &RunningStep{Index: st.Index, Title: st.Title, Before: before, Started: time.Now().UTC()}
		s.st.Running.claim()
		if len(st.Commands) > 0 {
			// The state names the first command itself, so that one
			// needs no journal of its own.
			s.st.Running.Text = st.Commands[0].Text
		}
		if err := writeState(s.dir, s.st); err != nil {
			return err
		}
		jw := &journalWriter{dir: s.dir}
		defer jw.close()
		batched := 0 // commands left of a batch that already ran
		var batch []Result
		changed := false           // a command of this step changed the lab (the snapshot settled what came before)
		ruled := map[string]bool{} // nodes whose rules a command wrote
		for i, c := range st.Commands {
			if batched == 0 && s.mayChangePending(before, s.nodeFor(st), c) {
				// The rules before the step are read, and saved, before
				// anything can change them (iptables_pending.go).
				if _, err := s.fillIptables(before); err != nil {
					return s.rollBack(before, err)
				}
				if err := writeState(s.dir, s.st); err != nil {
					return err
				}
			}
			if changed && sendsPackets[c.Program] {
				s.settleForTraffic()
				changed = false
			}
			changed = changed || c.Mutating()
			s.st.Running.Command, s.st.Running.Text = i, c.Text
			if i > 0 && batched == 0 && (c.Mutating() || c.Program == "ping") { // journal what changes or takes time
				if err := jw.write(journal{Started: s.st.Running.Started, Command: i, Text: c.Text}); err != nil {
					return err
				}
			}
			if batched == 0 {
				// Consecutive rule changes go to iptables-restore in one
				// call; the journal names the batch's first command, and
				// undo restores the tables from the snapshot either way.
				if n := s.batchAt(st, i); n > 1 {
					if rs, ok := s.runBatch(s.nodeFor(st), st.Commands[i:i+n]); ok {
						batch, batched = rs, n
					}
				}
			}
			var r Result
			if batched > 0 {
				r, batch, batched = batch[0], batch[1:], batched-1
			} else {
				r = s.run(s.nodeFor(st), c)
			}
			results = append(results, r)
			if r.Err == nil && writesRules(c) {
				ruled[r.Node] = true
			}
			expected := st.After != nil && st.After(i, r)
			if r.Err != nil && c.Mutating() && !expected {
				return s.rollBack(before, &StepError{Command: i, Text: c.Text, Node: r.Node, Err: r.Err})
			}
			if s.cancelled() { // Ctrl-C, the TUI's cancel key or "netlab reset"
				return s.rollBack(before, &CancelledError{Index: st.Index})
			}
		}
		if _, err := s.fillIptables(before); err != nil {
			return s.rollBack(before, err)
		}
		s.st.Applied = append(s.st.Applied, AppliedStep{Index: st.Index, Title: st.Title, Before: before, At: time.Now(), Skipped: st.Skipped})
		s.st.Running = nil
		for n := range ruled {
			s.prefetchIptables(n) // for the next snapshot
		}
		s.readAhead()
		return nil
	})
	return results, err
}

// Run executes one command outside any step (a show command, a ping, a
// state query). It is not journalled and cannot be undone, so mutating
// commands are refused.
func (s *Session) Run(node string, c *Command) Result {
	if node == "" {
		node = s.DefaultNode()
	}
	if c.Mutating() {
		return Result{Command: c, Node: node, ExitCode: 1, Err: errors.New("a command that changes the lab must run as part of a step")}
	}
	return s.run(node, c)
}

// Undo restores the lab to how it was before the last applied step, or
// rolls back a step that a crash interrupted. It returns the step undone.
func (s *Session) Undo() (*AppliedStep, error) {
	var undone *AppliedStep
	err := s.locked(func() error {
		if r := s.st.Running; r != nil {
			if err := s.reconcile(r.Before); err != nil {
				return err
			}
			undone = &AppliedStep{Index: r.Index, Title: r.Title, Before: r.Before}
			if r.UndoOf && len(s.st.Applied) > 0 {
				s.st.Applied = s.st.Applied[:len(s.st.Applied)-1]
			}
			s.st.Running = nil
			return nil
		}
		if len(s.st.Applied) == 0 {
			return ErrNothingToUndo
		}
		last := s.st.Applied[len(s.st.Applied)-1]
		s.st.Running = &RunningStep{Index: last.Index, Title: last.Title, Undoing: true, UndoOf: true, Before: last.Before, Started: time.Now().UTC()}
		s.st.Running.claim()
		writeState(s.dir, s.st)
		if err := s.reconcile(last.Before); err != nil {
			return fmt.Errorf("undo %q: %w", last.Title, err)
		}
		s.st.Applied = s.st.Applied[:len(s.st.Applied)-1]
		s.st.Running = nil
		undone = &last
		s.readAhead()
		return nil
	})
	return undone, err
}

// CheckResult is the verdict on one mutating command of a step.
type CheckResult struct {
	Command *Command
	Err     error // nil: the command's effect is present
}

// Check tells, for each mutating command of a step, whether its effect is
// present in the kernel now. An effect that a later command of the same
// step decides again on purpose (the cleanup's "ifconfig br01 down" before
// "brctl delbr br01") is not asked for: only the last word on each thing
// of the lab counts.
func (s *Session) Check(st Transaction) []CheckResult {
	if err := s.Refresh(); err != nil {
		return []CheckResult{{Err: err}}
	}
	if err := s.awaitDying(); err != nil {
		return []CheckResult{{Err: err}}
	}
	results := make([]CheckResult, len(st.Commands))
	later := map[string]bool{} // what a later action decides
	for i := len(st.Commands) - 1; i >= 0; i-- {
		c := st.Commands[i]
		results[i].Command = c
		if !c.Mutating() {
			continue
		}
		node := s.nodeOf(s.nodeFor(st), c)
		if later["ns:"+s.netnsKey(node)] {
			continue
		}
		x, err := s.ctx(node)
		if err != nil {
			results[i].Err = fmt.Errorf("namespace %s does not exist", node)
			continue
		}
		for j := len(c.Actions) - 1; j >= 0; j-- {
			act := c.Actions[j]
			if ls, ok := act.(*linkSet); ok && ls.Netns != "" {
				// Later actions in that namespace are keyed by its node
				// name, which on a second host is qualified.
				if n, err := s.lookupFrom(x.node, ls.Netns); err == nil {
					cp := *ls
					cp.into = n.Name
					act = &cp
				}
			}
			if a := pendingPart(act, node, later); a != nil && results[i].Err == nil {
				results[i].Err = a.check(x)
			}
			for _, f := range act.decides(node) {
				later[f] = true
			}
		}
	}
	return results
}

// pendingPart returns the part of an action whose effect no later action
// decides, or nil when nothing is left to check.
func pendingPart(a Action, node string, later map[string]bool) Action {
	decided := func(f string) bool {
		dev, _, _ := strings.Cut(f, ":")
		return later[f] || later[dev]
	}
	ls, isSet := a.(*linkSet)
	if !isSet {
		for _, f := range a.decides(node) {
			if decided(f) {
				return nil
			}
		}
		return a
	}
	// A later action on the link where this one left it (moved into a
	// namespace, renamed there) decides it too.
	if decided(node+"/"+ls.Dev+":") || decided(ls.lands(node)+":") {
		return nil
	}
	rest := *ls
	for _, f := range ls.fields() {
		if decided(ls.lands(node) + ":" + f) {
			rest.clear(f)
		}
	}
	if len(rest.fields()) == 0 && rest.Netns == "" && rest.NewName == "" {
		return nil
	}
	return &rest
}

// RecordByHand records a step the student did in a shell as applied, with
// the snapshot taken before the shell opened, so it can be undone like any
// other. Call it once Check passes.
func (s *Session) RecordByHand(st Transaction, before *Snapshot) error {
	return s.locked(func() error {
		if err := s.expectNext(st.Index); err != nil {
			return err
		}
		s.st.Applied = append(s.st.Applied, AppliedStep{Index: st.Index, Title: st.Title, ByHand: true, Before: before, At: time.Now()})
		return nil
	})
}

// MarkShellUsed records that a shell or exec ran on the lab: any node's
// iptables may have changed, so later snapshots read them all.
func (s *Session) MarkShellUsed() error {
	return s.locked(func() error {
		for _, n := range s.st.Nodes {
			s.st.IptDirty[n.Name] = true
		}
		return nil
	})
}
