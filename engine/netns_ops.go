package engine

import (
	"fmt"
	"os"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
)

// netnsAdd runs "ip netns add NAME": a new namespace owned by the node.
type netnsAdd struct{ cmdline.NetnsAdd }

// decides: a new namespace decides that it exists.
func (a *netnsAdd) decides(string) []string { return []string{"ns:" + a.Name + ":exists"} }

func (a *netnsAdd) run(x *execCtx) (string, error) {
	if x.s.st.node(a.Name) != nil {
		return "", fmt.Errorf("Cannot create namespace file %q: File exists", a.Name)
	}
	_, err := x.s.addNode(a.Name, KindNetns, x.node.Name)
	return "", err
}

func (a *netnsAdd) check(x *execCtx) error {
	n := x.s.st.node(a.Name)
	if n == nil {
		return fmt.Errorf("namespace %s does not exist", a.Name)
	}
	if _, err := os.Stat(n.Path); err != nil {
		return fmt.Errorf("namespace %s is recorded but its file is gone", a.Name)
	}
	return nil
}

// netnsDel is "ip netns del NAME": the namespace and every link in it go,
// and with them the other ends of its veth pairs.
type netnsDel struct{ cmdline.NetnsDel }

// decides: deleting a namespace decides everything about it.
func (a *netnsDel) decides(string) []string { return []string{"ns:" + a.Name} }

func (a *netnsDel) run(x *execCtx) (string, error) {
	n := x.s.st.node(a.Name)
	if n == nil {
		return "", fmt.Errorf("Cannot remove namespace file %q: No such file or directory", a.Name)
	}
	if n.Kind == KindHost {
		return "", fmt.Errorf("%q is a lab host, not a namespace created with ip netns add", a.Name)
	}
	return "", x.s.dropNode(a.Name)
}

func (a *netnsDel) check(x *execCtx) error {
	if x.s.st.node(a.Name) != nil {
		return fmt.Errorf("namespace %s still exists", a.Name)
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
			b.WriteString(n.Name + "\n")
		}
	}
	return b.String(), nil
}
