package engine

// This file holds the network namespace as a kernel object: a lab node.
// "ip netns add" and "ip netns del" make and remove one (and check that
// they did), "ip netns list" lists a node's own. A snapshot records each
// node's kind and parent; undo deletes the nodes a step added and makes
// again the ones it deleted, in creation order.

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
)

// netnsAdd runs "ip netns add NAME": a new namespace owned by the node.
type netnsAdd struct{ cmdline.NetnsAdd }

// decides: a new namespace decides that it exists.
func (a *netnsAdd) decides(string) []string { return []string{"ns:" + a.Name + ":exists"} }

func (a *netnsAdd) run(x *execCtx) (string, error) {
	if x.s.named(x.node, a.Name) != nil {
		return "", fmt.Errorf("Cannot create namespace file %q: File exists", a.Name)
	}
	// The name is taken on another lab host: this one's is qualified.
	id, local := a.Name, ""
	if x.s.st.node(id) != nil {
		id, local = qualify(a.Name, x.s.st.hostOf(x.node)), a.Name
	}
	_, err := x.s.addNodeAs(id, local, KindNetns, x.node.Name)
	return "", err
}

func (a *netnsAdd) check(x *execCtx) error {
	n := x.s.st.netnsOn(x.s.st.hostOf(x.node), a.Name)
	if n == nil {
		return problem("check.netns.missing", "namespace {{.Name}} does not exist", "Name", a.Name)
	}
	if _, err := os.Stat(n.Path); err != nil {
		return problem("check.netns.gone", "namespace {{.Name}} is recorded but its file is gone", "Name", a.Name)
	}
	return nil
}

// netnsDel is "ip netns del NAME": the namespace and every link in it go,
// and with them the other ends of its veth pairs.
type netnsDel struct{ cmdline.NetnsDel }

// decides: deleting a namespace decides everything about it.
func (a *netnsDel) decides(string) []string { return []string{"ns:" + a.Name} }

func (a *netnsDel) run(x *execCtx) (string, error) {
	n := x.s.named(x.node, a.Name)
	if n == nil {
		return "", fmt.Errorf("Cannot remove namespace file %q: No such file or directory", a.Name)
	}
	if n.Kind == KindHost {
		return "", fmt.Errorf("%q is a lab host, not a namespace created with ip netns add", a.Name)
	}
	return "", x.s.dropNode(n.Name)
}

func (a *netnsDel) check(x *execCtx) error {
	if x.s.st.netnsOn(x.s.st.hostOf(x.node), a.Name) != nil {
		return problem("check.netns.still", "namespace {{.Name}} still exists", "Name", a.Name)
	}
	return nil
}

// named is the node that "ip netns" run on node calls name: a namespace
// of node's lab host, or a lab host (in a one-host lab, any node).
// Aliases are not namespace files: a namespace may take an alias's name.
func (s *Session) named(node *Node, name string) *Node {
	if n := s.st.netnsOn(s.st.hostOf(node), name); n != nil {
		return n
	}
	if n := s.st.node(name); n != nil && (n.Kind == KindHost || !s.st.multiHost()) {
		return n
	}
	return nil
}

// netnsList is "ip netns list": the namespaces this node created, newest
// first, as ip prints them.
type netnsList struct {
	cmdline.NetnsList
	readOnly
}

func (a *netnsList) run(x *execCtx) (string, error) {
	var b strings.Builder
	for i := len(x.s.st.Nodes) - 1; i >= 0; i-- {
		n := x.s.st.Nodes[i]
		if n.Parent == x.node.Name {
			b.WriteString(n.NetnsName() + "\n")
		}
	}
	return b.String(), nil
}

// netnsObject is a lab node's namespace.
type netnsObject struct{}

func (netnsObject) kind() string { return "node" }

func (netnsObject) read(r *nodeReader, ns *NodeSnap) error {
	ns.Kind, ns.Parent, ns.Local = r.node.Kind, r.node.Parent, r.node.Local
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
			if _, err := s.addNodeAs(name, w.Local, w.Kind, w.Parent); err != nil {
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

// netnsKey is the name under which a namespace's fate is decided in a
// step ("ns:NAME", see decides): its "ip netns" name. Two hosts' namespaces
// of one name share the key, so a later deletion on one host may spare a
// check on the other; it never fails a check.
func (s *Session) netnsKey(node string) string {
	if n := s.st.node(node); n != nil {
		return n.NetnsName()
	}
	return node
}
