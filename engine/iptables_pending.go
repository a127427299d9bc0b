package engine

import "fmt"

// A step's snapshot (stepSnapshot) may leave a node's iptables rules to
// be read while the step's first commands run, since iptables-save is a
// process of several milliseconds and most commands cannot change rules.
// Such a node's snapshot holds the ruleset generation instead
// (NodeSnap.IptPending). ApplyStep fills the rules in before a command
// that may change them runs, and writes the state again, so a state
// file only holds a pending node while nothing changed its rules since
// the generation: undo after a crash reads them then (reconcile fills
// them in first).

// fillIptables reads the rules the snapshot left pending and reports
// whether there were any.
func (s *Session) fillIptables(snap *Snapshot) (bool, error) {
	filled := false
	for _, name := range snap.Order {
		ns := snap.Nodes[name]
		if ns == nil || ns.IptPending == nil {
			continue
		}
		x, err := s.ctx(name)
		if err != nil {
			return filled, fmt.Errorf("read the iptables rules of %s: %w", name, err)
		}
		t, err := x.iptablesAt(*ns.IptPending)
		if err != nil {
			return filled, err
		}
		ns.Iptables, ns.IptPending = t, nil
		filled = true
	}
	if filled {
		snap.changed()
	}
	return filled, nil
}

// pending reports whether some node's rules are left to be read.
func (sn *Snapshot) pending() bool {
	for _, ns := range sn.Nodes {
		if ns != nil && ns.IptPending != nil {
			return true
		}
	}
	return false
}

// mayChangePending reports whether command c, run on node, may change
// the rules of a node the snapshot left pending: it writes rules, or
// deletes the namespace of such a node.
func (s *Session) mayChangePending(snap *Snapshot, node string, c *Command) bool {
	if !snap.pending() {
		return false
	}
	if writesRules(c) {
		return true
	}
	for _, a := range c.Actions {
		d, ok := a.(*netnsDel)
		if !ok {
			continue
		}
		from, err := s.lookup(s.nodeOf(node, c))
		if err != nil {
			return true
		}
		if n := s.named(from, d.Name); n != nil {
			if ns := snap.Nodes[n.Name]; ns != nil && ns.IptPending != nil {
				return true
			}
		}
	}
	return false
}
