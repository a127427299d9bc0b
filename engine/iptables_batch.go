package engine

// This file holds how a step's consecutive iptables rule changes on one
// node and table go to one "iptables-restore --noflush" instead of one
// iptables run each: a mechanism over op_iptables.go's action, not a
// kernel object.

import (
	"fmt"
	"strings"
)

// iptablesRestoreProgram is the program a batch of rule changes goes to; a
// test points it at a wrapper that counts its runs.
var iptablesRestoreProgram = "iptables-restore"

// batchVerbs are the rule changes a batch carries. Chain commands (-N,
// -X, -F, -P) and reads run on their own, through go-iptables.
var batchVerbs = map[string]bool{"-A": true, "-I": true, "-D": true}

// batchable returns the parsed rule change a command is, when it can go
// into a batch: one iptables action that adds, inserts or deletes a rule,
// with words iptables-restore reads back as they are.
func batchable(c *Command) *iptablesAction {
	if c.Program != "iptables" || len(c.Actions) != 1 {
		return nil
	}
	a, ok := c.Actions[0].(*iptablesAction)
	if !ok || !batchVerbs[a.Verb] {
		return nil
	}
	for _, w := range a.restoreLine() {
		if w == "" || strings.ContainsAny(w, "\"\\'\n\r#") {
			return nil
		}
	}
	return a
}

// restoreLine is the action as a line of iptables-restore input: argv
// without the table (the batch's "*table" line names it) and without the
// listing flags a change never has.
func (a *iptablesAction) restoreLine() []string {
	args := []string{a.Verb, a.Chain}
	if a.Pos > 0 {
		args = append(args, fmt.Sprint(a.Pos))
	}
	return append(args, a.Rule...)
}

// batchAt returns how many commands from i on form one batch: consecutive
// rule changes (see batchable) on the same node and table. Fewer than two
// is no batch.
func (s *Session) batchAt(st Transaction, i int) int {
	first := batchable(st.Commands[i])
	if first == nil {
		return 0
	}
	node := func(c *Command) string { return s.nodeOf(s.nodeFor(st), c) }
	n := 1
	for j := i + 1; j < len(st.Commands); j++ {
		a := batchable(st.Commands[j])
		if a == nil || a.Table != first.Table || node(st.Commands[j]) != node(st.Commands[i]) {
			break
		}
		n++
	}
	return n
}

// restoreInput renders the batch as iptables-restore input, from the parsed
// form only: one table, one COMMIT, so the kernel takes all of it or none.
func restoreInput(table string, acts []*iptablesAction) string {
	var b strings.Builder
	b.WriteString("*" + table + "\n")
	for _, a := range acts {
		for k, w := range a.restoreLine() {
			if k > 0 {
				b.WriteByte(' ')
			}
			if strings.ContainsAny(w, " \t") {
				w = `"` + w + `"`
			}
			b.WriteString(w)
		}
		b.WriteByte('\n')
	}
	b.WriteString("COMMIT\n")
	return b.String()
}

// runBatch applies the rule changes of cmds (see batchAt) with one
// "iptables-restore --noflush" in the node. It reports false when the
// batch was refused as a whole, which leaves the tables as they were (one
// COMMIT): the caller then runs the commands one by one, so each failure
// is reported on the command that causes it, as without batching.
func (s *Session) runBatch(nodeName string, cmds []*Command) ([]Result, bool) {
	nodeName = s.nodeOf(nodeName, cmds[0])
	if _, err := s.lookup(nodeName); err != nil {
		return nil, false
	}
	x, err := s.ctx(nodeName)
	if err != nil {
		return nil, false
	}
	acts := make([]*iptablesAction, len(cmds))
	for i, c := range cmds {
		acts[i] = batchable(c)
	}
	s.st.IptDirty[nodeName] = true
	if _, err := x.iptablesRaw(restoreInput(acts[0].Table, acts), iptablesRestoreProgram, "--noflush"); err != nil {
		return nil, false
	}
	out := make([]Result, len(cmds))
	for i, c := range cmds {
		out[i] = Result{Command: c, Node: nodeName}
	}
	return out, true
}
