package engine

// This file holds the network namespace as a kernel object: a lab node.
// A snapshot records each node's kind and parent; undo deletes the nodes
// a step added and makes again the ones it deleted, in creation order.

import "sort"

// netnsObject is a lab node's namespace.
type netnsObject struct{}

func (netnsObject) kind() string { return "node" }

func (netnsObject) read(r *nodeReader, ns *NodeSnap) error {
	ns.Kind, ns.Parent = r.node.Kind, r.node.Parent
	return nil
}

func (netnsObject) facts(node string, n *NodeSnap, learned bool) []fact {
	return []fact{{node, "node", node, n.Kind + " " + n.Parent, ""}}
}

// restoreLab comes first: every other object lives in the namespaces.
func (netnsObject) restoreLab(rc *reconciler) error { return rc.s.reconcileNodes(rc.want) }

func (s *Session) reconcileNodes(want *Snapshot) error {
	for i := len(s.st.Nodes) - 1; i >= 0; i-- {
		n := s.st.Nodes[i]
		if _, ok := want.Nodes[n.Name]; !ok {
			if err := s.dropNode(n.Name); err != nil {
				return err
			}
		}
	}
	for _, name := range want.Order {
		if s.st.node(name) == nil {
			w := want.Nodes[name]
			if _, err := s.addNode(name, w.Kind, w.Parent); err != nil {
				return err
			}
		}
	}
	// Keep creation order as it was, so "ip netns list" prints the same.
	pos := map[string]int{}
	for i, name := range want.Order {
		pos[name] = i
	}
	sort.SliceStable(s.st.Nodes, func(i, j int) bool { return pos[s.st.Nodes[i].Name] < pos[s.st.Nodes[j].Name] })
	return nil
}
