package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// TestResult is the outcome of "netlab test" on one lab. Its JSON form is
// the lab's summary line: the steps are lines of their own (see JSONLines).
type TestResult struct {
	Lab       string        `json:"lab"`
	Steps     []*StepReport `json:"-"`
	StepCount int           `json:"steps"`    // steps played
	Undone    bool          `json:"undone"`   // every step was undone
	Restored  bool          `json:"restored"` // the snapshot after undoing equals the one before the first step
	Diff      []string      `json:"diff,omitempty"`
	Error     string        `json:"error,omitempty"`
	OK        bool          `json:"ok"`
	// DurationMS is the whole test's wall time in milliseconds; Phases
	// splits it.
	DurationMS float64    `json:"duration_ms"`
	Phases     TestPhases `json:"phases"`
}

// TestPhases splits a test's time, in milliseconds: the session's setup
// and first snapshot, the steps (each step's line has its own phases),
// undoing them all, and the final comparison with the first snapshot.
type TestPhases struct {
	SetupMS   float64 `json:"setup_ms"`
	StepsMS   float64 `json:"steps_ms"`
	UndoMS    float64 `json:"undo_ms"`
	CompareMS float64 `json:"compare_ms"`
}

// JSONLines is what "netlab test --json" prints for a lab: one JSON
// document per line, each step (with the time its undo took) and then the
// lab's summary.
func (r *TestResult) JSONLines() []any {
	var out []any
	for _, s := range r.Steps {
		out = append(out, s)
	}
	return append(out, r)
}

// Test plays a lab headless in a fresh, private session (it does not touch
// a running one): every step with its checks and expectations, then undo
// of every step in reverse, then a comparison of the whole lab with the
// snapshot taken before the first step. each is called as steps finish.
func Test(lab *labs.Lab, each func(*StepReport)) (res *TestResult) {
	res = &TestResult{Lab: lab.ID}
	start := time.Now()
	t := start
	defer func() {
		res.StepCount = len(res.Steps)
		res.DurationMS = ms(time.Since(start))
	}()
	// A scratch session under the run directory: "netlab reset" finds and
	// removes it even if this process is killed.
	dir, err := engine.ScratchDir(engine.RunDir())
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer func() {
		if err := engine.Reset(dir); err != nil && res.Error == "" {
			res.Error, res.OK = i18n.T("test.error.reset", "reset: {{.Err}}", "Err", err), false
			return
		}
		os.Remove(filepath.Join(dir, "lock"))
		os.Remove(dir)
		os.Remove(filepath.Dir(dir)) // the scratch folder, when it is empty
	}()
	s, err := Start(lab, dir)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer s.Close()
	// Keys a step writes first are tracked now, so the snapshot of the
	// lab as it starts holds them too.
	var all []engine.Transaction
	for i := range lab.Steps {
		all = append(all, s.Transaction(i))
	}
	if err := s.eng.Track(all...); err != nil {
		res.Error = err.Error()
		return res
	}
	first, err := s.eng.Snapshot()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	t = since(&res.Phases.SetupMS, t)
	allOK := true
	for range lab.Steps {
		rep, err := s.Step()
		if err != nil {
			res.Error = err.Error()
			return res
		}
		res.Steps = append(res.Steps, rep)
		if each != nil {
			each(rep)
		}
		allOK = allOK && (rep.OK || rep.Skipped != "")
		if rep.Error != "" {
			break // a rolled-back step leaves later steps nothing to stand on
		}
	}
	t = since(&res.Phases.StepsMS, t)
	for s.Applied() > 0 {
		// The engine's undo, without the report's before and after
		// snapshots: the test compares once, at the end.
		u := time.Now()
		undone, err := s.eng.Undo()
		if err != nil {
			res.Error = i18n.T("test.error.undo", "undo: {{.Err}}", "Err", err)
			return res
		}
		for _, r := range res.Steps {
			if r.Index == undone.Index+1 {
				since(&r.Phases.UndoMS, u)
			}
		}
	}
	res.Undone = true
	t = since(&res.Phases.UndoMS, t)
	defer since(&res.Phases.CompareMS, t)
	last, err := s.eng.Snapshot()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	for _, c := range first.Diff(last) {
		res.Diff = append(res.Diff, c.String())
	}
	res.Restored = len(res.Diff) == 0
	res.OK = allOK && res.Restored && len(res.Steps) == len(lab.Steps)
	return res
}

// TestLine is what "netlab test" prints as the step finishes, lab being
// the lab's id: the verdict, then what failed, one line each.
func (r *StepReport) TestLine(lab string) string {
	var b strings.Builder
	verdict := i18n.T("test.pass", "pass")
	if r.Skipped != "" {
		verdict = i18n.T("test.skipped", "SKIPPED")
	} else if !r.OK {
		verdict = i18n.T("test.fail", "FAIL")
	}
	fmt.Fprintf(&b, "%s  %s\n", verdict, i18n.T("test.step", "{{.Lab}} step {{.N}}: {{.Title}}", "Lab", lab, "N", r.Index, "Title", r.Title))
	if r.Skipped != "" {
		fmt.Fprintf(&b, "      %s\n", r.Skipped)
	}
	for _, f := range r.Failures() {
		fmt.Fprintf(&b, "      %s\n", f)
	}
	return b.String()
}

// Text renders the end of a test run.
func (r *TestResult) Text() string {
	var b strings.Builder
	if r.Error != "" {
		fmt.Fprintf(&b, "%s: %s\n", r.Lab, i18n.T("test.error", "error: {{.Err}}", "Err", r.Error))
	}
	if r.Undone {
		if r.Restored {
			fmt.Fprintf(&b, "%s: %s\n", r.Lab, i18n.N("test.restored", len(r.Steps),
				"undo of all {{.Count}} steps restored the lab exactly", "undo of all {{.Count}} steps restored the lab exactly"))
		} else {
			fmt.Fprintf(&b, "%s: %s\n  %s\n", r.Lab, i18n.T("test.differences", "undo left differences:"), strings.Join(r.Diff, "\n  "))
		}
	}
	verdict := i18n.T("test.lab.pass", "PASS")
	if !r.OK {
		verdict = i18n.T("test.lab.fail", "FAIL")
	}
	fmt.Fprintf(&b, "%s %s\n", verdict, r.Lab)
	return b.String()
}
