package runner

import (
	"fmt"
	"strings"
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
	out := &Status{Lab: s.Lab.ID, Title: s.Lab.Title, Steps: len(s.Lab.Steps), Applied: len(st.Applied), AppliedList: appliedSteps(st)}
	if out.Applied < out.Steps {
		out.Next = s.Lab.Steps[out.Applied].Title
	}
	busy := s.eng.Busy()
	if r := st.Running; r != nil {
		where := &Interrupted{Step: r.Index + 1, Title: r.Title, Command: r.Command + 1, Text: r.Text, Undoing: r.Undoing}
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
				desc += " (port of " + l.Master + ")"
			}
			if l.Up {
				desc += " up"
			} else {
				desc += " down"
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
	fmt.Fprintf(&b, "lab %s: %s\n", st.Lab, st.Title)
	fmt.Fprintf(&b, "steps applied: %d of %d\n", st.Applied, st.Steps)
	for _, a := range st.AppliedList {
		by := ""
		if a.ByHand {
			by = " (by hand)"
		}
		fmt.Fprintf(&b, "  done  %2d. %s%s\n", a.Index, a.Title, by)
	}
	if st.Next != "" {
		fmt.Fprintf(&b, "  next  %2d. %s\n", st.Applied+1, st.Next)
	}
	if in := st.Interrupted; in != nil {
		fmt.Fprintf(&b, "INTERRUPTED in step %d (%s) at command %d: %s\n  run 'netlab undo' to roll it back, or 'netlab reset'\n", in.Step, in.Title, in.Command, in.Text)
	}
	if in := st.InProgress; in != nil {
		fmt.Fprintf(&b, "another netlab process is applying step %d (%s), at command %d: %s\n", in.Step, in.Title, in.Command, in.Text)
	}
	for _, n := range st.Nodes {
		fmt.Fprintf(&b, "node %s (%s", n.Name, n.Kind)
		if n.Parent != "" {
			fmt.Fprintf(&b, " on %s", n.Parent)
		}
		b.WriteString(")\n")
		for _, i := range n.Interfaces {
			fmt.Fprintf(&b, "    %s\n", i)
		}
	}
	return b.String()
}
