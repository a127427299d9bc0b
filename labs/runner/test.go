package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
)

// TestResult is the outcome of "netlab test" on one lab.
type TestResult struct {
	Lab      string        `json:"lab"`
	Steps    []*StepReport `json:"steps"`
	Undone   bool          `json:"undone"`   // every step was undone
	Restored bool          `json:"restored"` // the snapshot after undoing equals the one before the first step
	Diff     []string      `json:"diff,omitempty"`
	Error    string        `json:"error,omitempty"`
	OK       bool          `json:"ok"`
}

// Test plays a lab headless in a fresh, private session (it does not touch
// a running one): every step with its checks and expectations, then undo
// of every step in reverse, then a comparison of the whole lab with the
// snapshot taken before the first step. each is called as steps finish.
func Test(lab *labs.Lab, each func(*StepReport)) (res *TestResult) {
	res = &TestResult{Lab: lab.ID}
	// A scratch session under the run directory: "netlab reset" finds and
	// removes it even if this process is killed.
	dir, err := engine.ScratchDir(engine.RunDir())
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer func() {
		if err := engine.Reset(dir); err != nil && res.Error == "" {
			res.Error, res.OK = "reset: "+err.Error(), false
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
	first, err := s.Eng.Snapshot()
	if err != nil {
		res.Error = err.Error()
		return res
	}
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
		allOK = allOK && rep.OK
		if rep.Error != "" {
			break // a rolled-back step leaves later steps nothing to stand on
		}
	}
	for s.Applied() > 0 {
		if _, err := s.Undo(); err != nil {
			res.Error = "undo: " + err.Error()
			return res
		}
	}
	res.Undone = true
	last, err := s.Eng.Snapshot()
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

// Text renders the end of a test run.
func (r *TestResult) Text() string {
	var b strings.Builder
	if r.Error != "" {
		fmt.Fprintf(&b, "%s: error: %s\n", r.Lab, r.Error)
	}
	if r.Undone {
		if r.Restored {
			fmt.Fprintf(&b, "%s: undo of all %d steps restored the lab exactly\n", r.Lab, len(r.Steps))
		} else {
			fmt.Fprintf(&b, "%s: undo left differences:\n  %s\n", r.Lab, strings.Join(r.Diff, "\n  "))
		}
	}
	verdict := "PASS"
	if !r.OK {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s %s\n", verdict, r.Lab)
	return b.String()
}
