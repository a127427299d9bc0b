package runner

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// CommandReport is one command's outcome.
type CommandReport struct {
	Text     string `json:"text"`
	Node     string `json:"node"`
	Output   string `json:"output,omitempty"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
}

// CommandFailure is a command that failed although the step did not say
// it would (with a fails or ping: fail expectation).
type CommandFailure struct {
	Command int    `json:"command"` // 1-based
	Text    string `json:"text"`
	Node    string `json:"node"`
	Error   string `json:"error"`
}

// CheckReport is a derived check of one mutating command.
type CheckReport struct {
	Command string `json:"command"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"`
}

// ExpectReport is one of the step's expectations, judged.
type ExpectReport struct {
	What string `json:"what"`           // the expectation in words
	OK   bool   `json:"ok"`             // it held
	Seen string `json:"seen,omitempty"` // what was observed instead, when it did not
}

// PacketLine is a captured packet as the reports show it.
type PacketLine struct {
	Label   string `json:"on"`      // node:iface
	Dir     string `json:"dir"`     // In, Out, P, B, M
	Time    string `json:"time"`    // 15:04:05.000000
	Summary string `json:"summary"` // tcpdump -nn words
}

// StepReport is what running (or checking) a step produced.
type StepReport struct {
	Index    int              `json:"step"` // 1-based, as people count
	Title    string           `json:"title"`
	OK       bool             `json:"ok"`
	ByHand   bool             `json:"by_hand,omitempty"`
	Error    string           `json:"error,omitempty"`   // the failed command, rolled back
	Skipped  string           `json:"skipped,omitempty"` // why it was passed over, nothing applied (skip.go); never OK, never a failure
	Commands []CommandReport  `json:"commands,omitempty"`
	Failed   []CommandFailure `json:"failed,omitempty"` // commands that failed without the step expecting it
	Checks   []CheckReport    `json:"checks,omitempty"`
	Expects  []ExpectReport   `json:"expects,omitempty"`
	Packets  []PacketLine     `json:"packets,omitempty"`
	Changes  []engine.Change  `json:"changes,omitempty"`
	// DurationMS is the step's wall time in milliseconds, from its first
	// snapshot to its verdict (undo, done later by "netlab test", is not
	// part of it: see Phases.UndoMS).
	DurationMS float64 `json:"duration_ms"`
	Phases     Phases  `json:"phases"`
}

// Phases splits a step's time, in milliseconds: applying the commands
// (the engine's snapshot, journal and kernel work), judging checks and
// expectations, opening and draining the captures, the snapshots that
// list what changed, and the undo of the step ("netlab test" only).
type Phases struct {
	ApplyMS    float64 `json:"apply_ms"`
	ChecksMS   float64 `json:"checks_ms"`
	CapturesMS float64 `json:"captures_ms"`
	ChangesMS  float64 `json:"changes_ms"`
	UndoMS     float64 `json:"undo_ms,omitempty"`
}

// ms is a duration in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// since adds the time since start to *phase and returns now.
func since(phase *float64, start time.Time) time.Time {
	now := time.Now()
	*phase = roundMS(*phase + ms(now.Sub(start)))
	return now
}

// roundMS rounds a sum of milliseconds to the microsecond, as ms gives
// them (float sums would print as 3.9999999999999996).
func roundMS(v float64) float64 { return math.Round(v*1000) / 1000 }

// Failures lists what went wrong, in words; empty when the step passed.
func (r *StepReport) Failures() []string {
	var f []string
	if r.Error != "" {
		f = append(f, r.Error)
	}
	for _, c := range r.Failed {
		f = append(f, i18n.T("report.failure.command", "command {{.N}} {{.Command}} on {{.Node}} failed, and the step does not expect it: {{.Err}}",
			"N", c.Command, "Command", q(c.Text), "Node", c.Node, "Err", c.Error))
	}
	for _, c := range r.Checks {
		if !c.OK {
			f = append(f, i18n.T("report.failure.check", "check of {{.Command}}: {{.Problem}}", "Command", q(c.Command), "Problem", c.Problem))
		}
	}
	for _, e := range r.Expects {
		if !e.OK {
			f = append(f, i18n.T("report.failure.expect", "expected {{.What}}; {{.Seen}}", "What", e.What, "Seen", e.Seen))
		}
	}
	return f
}

// Text renders the report for a terminal, as the TUI shows a step.
func (r *StepReport) Text(verbose bool) string {
	var b strings.Builder
	mark := i18n.T("report.mark.ok", "ok")
	if r.Skipped != "" {
		mark = i18n.T("report.mark.skipped", "SKIPPED")
	} else if !r.OK {
		mark = i18n.T("report.mark.fail", "FAIL")
	}
	fmt.Fprintln(&b, i18n.T("report.step", "step {{.N}}: {{.Title}}  [{{.Mark}}]", "N", r.Index, "Title", r.Title, "Mark", mark))
	for _, c := range r.Commands {
		fmt.Fprintf(&b, "  %s$ %s\n", c.Node, c.Text)
		if c.Error != "" {
			fmt.Fprintf(&b, "    %s\n", i18n.T("report.command.error", "error: {{.Err}}", "Err", c.Error))
		}
		if verbose && c.Output != "" {
			for _, line := range strings.Split(strings.TrimRight(c.Output, "\n"), "\n") {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	for _, c := range r.Failed {
		fmt.Fprintf(&b, "  %s\n", i18n.T("report.command.failed", "command {{.N}} failed, and the step does not expect it: {{.Err}}", "N", c.Command, "Err", c.Error))
	}
	for _, c := range r.Checks {
		if !c.OK {
			fmt.Fprintf(&b, "  %s\n", i18n.T("report.check.failed", "check failed: {{.Command}}: {{.Problem}}", "Command", c.Command, "Problem", c.Problem))
		}
	}
	for _, e := range r.Expects {
		if e.OK {
			fmt.Fprintf(&b, "  %s\n", i18n.T("report.expect.ok", "expect ok: {{.What}}", "What", e.What))
		} else {
			fmt.Fprintf(&b, "  %s\n", i18n.T("report.expect.failed", "expect FAILED: {{.What}}; {{.Seen}}", "What", e.What, "Seen", e.Seen))
		}
	}
	if verbose {
		for _, p := range r.Packets {
			fmt.Fprintf(&b, "  %s %s %-3s %s\n", p.Time, p.Label, p.Dir, strings.ReplaceAll(p.Summary, "\n", " "))
		}
		for _, c := range r.Changes {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "  %s\n", i18n.T("report.rolled_back", "rolled back: {{.Err}}", "Err", r.Error))
	}
	if r.Skipped != "" {
		fmt.Fprintf(&b, "  %s\n", i18n.T("report.skipped", "skipped, nothing applied: {{.Reason}}", "Reason", r.Skipped))
	}
	return b.String()
}

// Text renders the undo for a terminal: the step and what undoing it
// changed.
func (r *UndoReport) Text() string {
	var b strings.Builder
	fmt.Fprintln(&b, i18n.T("undo.step", "undone step {{.N}}: {{.Title}}", "N", r.Index, "Title", r.Title))
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}

// problemText is what a check found, in the student's language when the
// engine said it as an engine.Problem (every check does); any other error
// is shown as it is.
func problemText(err error) string {
	var p *engine.Problem
	if errors.As(err, &p) {
		return i18n.Relay(p.ID, p.English, p.Args...)
	}
	return err.Error()
}
