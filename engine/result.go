package engine

import (
	"fmt"

	"github.com/netlab/netlab/engine/ns"
	"github.com/vishvananda/netlink"
)

// Result is the outcome of one command.
type Result struct {
	Command  *Command
	Node     string // the node it ran on (after any "ip netns exec")
	Output   string // what the real tool would have printed
	ExitCode int    // 0 on success; ping's 1 when no reply came back
	Err      error  // the command failed (a mutating command's error fails its step)

	// Client is how the connection of a client (curl, wget, nc HOST PORT)
	// went, as facts rather than the tool's words; nil for other commands.
	Client *Client
}

// ExitError is a non-zero exit of a command that is not a failure of the
// step, such as a ping that got no reply.
type ExitError struct{ Code int }

// Error is "exit status N", as a shell reports it.
func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// execCtx is what an action runs with: the session and the node it acts on.
type execCtx struct {
	s    *Session
	node *Node
	h    *netlink.Handle

	client *Client // set by a client action for the command's Result

	// ids: the node names the actions hold are node ids, from a snapshot
	// (undo), not names a command gave on a lab host (see lookupFrom).
	ids bool
}

func (x *execCtx) do(fn func() error) error {
	return ns.WithNetNSPath(x.node.Path, func(ns.NetNS) error { return fn() })
}

// run executes a command on a node and returns its result. Mutating
// actions run in order; the first failure stops the command.
func (s *Session) run(nodeName string, cmd *Command) Result {
	res := Result{Command: cmd, Node: nodeName}
	if cmd.Netns != "" {
		from, err := s.lookup(nodeName)
		if err == nil {
			_, err = s.lookupFrom(from, cmd.Netns)
		}
		if err != nil {
			res.Err = fmt.Errorf("Cannot open network namespace %q: No such file or directory", cmd.Netns)
			res.ExitCode = 1
			return res
		}
		res.Node = s.nodeOf(nodeName, cmd)
	}
	x, err := s.ctx(res.Node)
	if err != nil {
		res.Err, res.ExitCode = err, 1
		return res
	}
	for _, a := range cmd.Actions {
		out, err := a.run(x)
		res.Output += out
		if err != nil {
			if ee, ok := err.(*ExitError); ok {
				res.ExitCode = ee.Code
				continue
			}
			res.Err, res.ExitCode = err, 1
			return res
		}
	}
	res.Client = x.client
	return res
}

func (s *Session) ctx(nodeName string) (*execCtx, error) {
	n, err := s.lookup(nodeName)
	if err != nil {
		return nil, err
	}
	h, err := s.handle(n)
	if err != nil {
		return nil, err
	}
	return &execCtx{s: s, node: n, h: h}, nil
}

// other returns the context of another node, for actions that reach
// across namespaces (veth peers, "netns NS").
func (x *execCtx) other(name string) (*execCtx, error) {
	n, err := x.s.lookupFrom(x.node, name)
	if x.ids {
		n, err = x.s.lookup(name)
	}
	if err != nil {
		return nil, fmt.Errorf("Cannot find network namespace %q", name)
	}
	return x.s.ctx(n.Name)
}

// link finds a link by name in the context's node, with ip's wording.
func (x *execCtx) link(name string) (netlink.Link, error) {
	l, err := x.h.LinkByName(name)
	if err != nil {
		return nil, fmt.Errorf("Cannot find device %q", name)
	}
	return l, nil
}
