package engine

import (
	"errors"
	"fmt"
	"strings"
)

// reconcile makes the lab equal to want, object by object in objects's
// order: namespaces, links, attributes, then per node addresses, routes,
// sysctls and iptables, and neighbour tables last; then it verifies the
// result. This is how undo and the rollback of a failed step restore the
// kernel exactly, destructive commands included, and what the kernel
// learned during the step (ARP and NDP entries) forgotten, so that doing
// the step again shows the same packets.
func (s *Session) reconcile(want *Snapshot) error {
	if _, err := s.fillIptables(want); err != nil {
		return err
	}
	rc := &reconciler{s: s, want: want}
	for i := 0; i < len(objects); {
		if o, ok := objects[i].(labRestorer); ok {
			if err := o.restoreLab(rc); err != nil {
				return err
			}
			i++
			continue
		}
		// A run of per-node objects: node by node, each node's in order.
		j := i
		for j < len(objects) {
			if _, ok := objects[j].(nodeRestorer); !ok {
				break
			}
			j++
		}
		if j == i {
			return fmt.Errorf("engine: object %s cannot be restored", objects[i].kind())
		}
		for _, name := range want.Order {
			x, err := s.ctx(name)
			if err != nil {
				return err
			}
			for _, o := range objects[i:j] {
				if err := o.(nodeRestorer).restoreNode(rc, name, x, want.Nodes[name]); err != nil {
					return err
				}
			}
		}
		i = j
	}
	if len(rc.errs) > 0 {
		return errors.Join(rc.errs...)
	}
	got, err := s.snapshot(false)
	if err != nil {
		return err
	}
	if d := want.Diff(got); len(d) > 0 {
		var lines []string
		for _, c := range d {
			lines = append(lines, c.String())
		}
		return fmt.Errorf("the lab could not be restored exactly:\n  %s", strings.Join(lines, "\n  "))
	}
	return nil
}

// reconciler is one reconciliation under way, as the objects' restore
// methods see it.
type reconciler struct {
	s    *Session
	want *Snapshot
	have *Snapshot // see current
	errs []error   // what could not be restored; the rest goes on
}

// current is the lab as the reconciliation found it once its nodes were
// right: read on first use, by the links' restore, which comes right
// after the nodes'. Later objects compare against it only where nothing
// since changes their state (iptables).
func (rc *reconciler) current() (*Snapshot, error) {
	if rc.have == nil {
		have, err := rc.s.snapshot(false)
		if err != nil {
			return nil, err
		}
		rc.have = have
	}
	return rc.have, nil
}

// fail records an error and lets the reconciliation go on.
func (rc *reconciler) fail(err error) { rc.errs = append(rc.errs, err) }

// failed reports whether something could not be restored so far.
func (rc *reconciler) failed() bool { return len(rc.errs) > 0 }
