package engine

import (
	"fmt"
	"os"
	"strings"
)

// netnsAdd is "ip netns add NAME": a new namespace owned by the node.
type netnsAdd struct{ name string }

func (a *netnsAdd) mutating() bool { return true }

func (a *netnsAdd) run(x *execCtx) (string, error) {
	if x.s.st.node(a.name) != nil {
		return "", fmt.Errorf("Cannot create namespace file %q: File exists", a.name)
	}
	_, err := x.s.addNode(a.name, KindNetns, x.node.Name)
	return "", err
}

func (a *netnsAdd) check(x *execCtx) error {
	n := x.s.st.node(a.name)
	if n == nil {
		return fmt.Errorf("namespace %s does not exist", a.name)
	}
	if _, err := os.Stat(n.Path); err != nil {
		return fmt.Errorf("namespace %s is recorded but its file is gone", a.name)
	}
	return nil
}

// netnsDel is "ip netns del NAME": the namespace and every link in it go,
// and with them the other ends of its veth pairs.
type netnsDel struct{ name string }

func (a *netnsDel) mutating() bool { return true }

func (a *netnsDel) run(x *execCtx) (string, error) {
	n := x.s.st.node(a.name)
	if n == nil {
		return "", fmt.Errorf("Cannot remove namespace file %q: No such file or directory", a.name)
	}
	if n.Kind == KindHost {
		return "", fmt.Errorf("%q is a lab host, not a namespace created with ip netns add", a.name)
	}
	return "", x.s.dropNode(a.name)
}

func (a *netnsDel) check(x *execCtx) error {
	if x.s.st.node(a.name) != nil {
		return fmt.Errorf("namespace %s still exists", a.name)
	}
	return nil
}

// netnsList is "ip netns list": the namespaces this node created, newest
// first, as ip prints them.
type netnsList struct{}

func (a *netnsList) mutating() bool       { return false }
func (a *netnsList) check(*execCtx) error { return nil }

func (a *netnsList) run(x *execCtx) (string, error) {
	var b strings.Builder
	for i := len(x.s.st.Nodes) - 1; i >= 0; i-- {
		n := x.s.st.Nodes[i]
		if n.Parent == x.node.Name {
			b.WriteString(n.Name + "\n")
		}
	}
	return b.String(), nil
}
