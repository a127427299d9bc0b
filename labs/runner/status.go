package runner

import (
	"fmt"
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// Status describes the running session for "netlab status".
type Status struct {
	Lab         string       `json:"lab"`
	Title       string       `json:"title"`
	Steps       int          `json:"steps"`   // how many the lab has
	Applied     int          `json:"applied"` // how many are applied
	Next        string       `json:"next,omitempty"`
	AppliedList []StepState  `json:"applied_steps"`
	Interrupted *Interrupted `json:"interrupted,omitempty"`
	InProgress  *Interrupted `json:"in_progress,omitempty"` // another netlab process is applying this step now
	Nodes       []NodeState  `json:"nodes"`
}

// StepState is an applied step.
type StepState struct {
	Index  int    `json:"step"`
	Title  string `json:"title"`
	ByHand bool   `json:"by_hand,omitempty"`

	Skipped string `json:"skipped,omitempty"` // why it was passed over, nothing applied (skip.go)
}

// Interrupted tells where a crashed netlab process stopped.
type Interrupted struct {
	Step    int    `json:"step"`
	Title   string `json:"title"`
	Command int    `json:"command"` // 1-based
	Text    string `json:"text"`
	Undoing bool   `json:"undoing,omitempty"`
}

// NodeState is one node and its interfaces.
type NodeState struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Parent     string   `json:"parent,omitempty"`
	Interfaces []string `json:"interfaces"`
}

// Status reports the session as it is now.
func (s *Lesson) Status() (*Status, error) {
	if err := s.eng.Refresh(); err != nil {
		return nil, err
	}
	st := s.eng.State()
	text := s.text()
	out := &Status{Lab: s.Lab.ID, Title: text.Title, Steps: len(s.Lab.Steps), Applied: len(st.Applied), AppliedList: appliedSteps(st)}
	for i := range out.AppliedList {
		a := &out.AppliedList[i]
		a.Title = s.stepTitle(a.Index-1, a.Title)
	}
	if out.Applied < out.Steps {
		out.Next = s.stepTitle(out.Applied, s.Lab.Steps[out.Applied].Title)
	}
	busy := s.eng.Busy()
	if r := st.Running; r != nil {
		where := &Interrupted{Step: r.Index + 1, Title: s.stepTitle(r.Index, r.Title), Command: r.Command + 1, Text: r.Text, Undoing: r.Undoing}
		if busy {
			out.InProgress = where
		} else {
			out.Interrupted = where
		}
	}
	if busy {
		return out, nil // the lab is changing under us: no snapshot now
	}
	snap, err := s.eng.Snapshot()
	if err != nil {
		return nil, err
	}
	for _, name := range snap.Order {
		n := snap.Nodes[name]
		ns := NodeState{Name: name, Kind: n.Kind, Parent: n.Parent}
		for _, l := range n.Links {
			desc := l.Name
			var addrs []string
			for _, a := range l.Addrs {
				addrs = append(addrs, a.CIDR)
			}
			if len(addrs) > 0 {
				desc += " " + strings.Join(addrs, ",")
			}
			if l.Master != "" {
				desc += " " + i18n.T("status.port_of", "(port of {{.Bridge}})", "Bridge", l.Master)
			}
			if l.Up {
				desc += " " + i18n.T("status.link.up", "up")
			} else {
				desc += " " + i18n.T("status.link.down", "down")
			}
			ns.Interfaces = append(ns.Interfaces, desc)
		}
		out.Nodes = append(out.Nodes, ns)
	}
	return out, nil
}

// Text renders the status for a terminal.
func (st *Status) Text() string {
	var b strings.Builder
	fmt.Fprintln(&b, i18n.T("status.lab", "lab {{.Lab}}: {{.Title}}", "Lab", st.Lab, "Title", st.Title))
	fmt.Fprintln(&b, i18n.T("status.applied", "steps applied: {{.Applied}} of {{.Steps}}", "Applied", st.Applied, "Steps", st.Steps))
	for _, a := range st.AppliedList {
		by := ""
		if a.ByHand {
			by = " " + i18n.T("status.by_hand", "(by hand)")
		}
		if a.Skipped != "" {
			fmt.Fprintf(&b, "  %s\n", i18n.T("status.skipped", "skip  {{.N}}. {{.Title}} (skipped: {{.Reason}})", "N", fmt.Sprintf("%2d", a.Index), "Title", a.Title, "Reason", a.Skipped))
			continue
		}
		fmt.Fprintf(&b, "  %s\n", i18n.T("status.done", "done  {{.N}}. {{.Title}}", "N", fmt.Sprintf("%2d", a.Index), "Title", a.Title+by))
	}
	if st.Next != "" {
		fmt.Fprintf(&b, "  %s\n", i18n.T("status.next", "next  {{.N}}. {{.Title}}", "N", fmt.Sprintf("%2d", st.Applied+1), "Title", st.Next))
	}
	if in := st.Interrupted; in != nil {
		fmt.Fprintln(&b, i18n.T("status.interrupted", "INTERRUPTED in step {{.N}} ({{.Title}}) at command {{.Command}}: {{.Text}}", "N", in.Step, "Title", in.Title, "Command", in.Command, "Text", in.Text))
		fmt.Fprintf(&b, "  %s\n", i18n.T("status.interrupted.fix", "run 'netlab undo' to roll it back, or 'netlab reset'"))
	}
	if in := st.InProgress; in != nil {
		fmt.Fprintln(&b, i18n.T("status.in_progress", "another netlab process is applying step {{.N}} ({{.Title}}), at command {{.Command}}: {{.Text}}", "N", in.Step, "Title", in.Title, "Command", in.Command, "Text", in.Text))
	}
	for _, n := range st.Nodes {
		if n.Parent != "" {
			fmt.Fprintln(&b, i18n.T("status.node.on", "node {{.Name}} ({{.Kind}} on {{.Parent}})", "Name", n.Name, "Kind", kindWord(n.Kind), "Parent", n.Parent))
		} else {
			fmt.Fprintln(&b, i18n.T("status.node", "node {{.Name}} ({{.Kind}})", "Name", n.Name, "Kind", kindWord(n.Kind)))
		}
		for _, i := range n.Interfaces {
			fmt.Fprintf(&b, "    %s\n", i)
		}
	}
	return b.String()
}

// kindWord names a node's kind in the student's language.
func kindWord(kind string) string {
	switch kind {
	case engine.KindHost:
		return i18n.T("status.kind.host", "host")
	case engine.KindNetns:
		return i18n.T("status.kind.netns", "netns")
	}
	return kind
}
