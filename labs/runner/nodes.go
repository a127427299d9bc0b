package runner

import (
	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/labs"
)

// Nodes lists the names of the lab's nodes that exist now, in the order
// they were created.
func (s *Lesson) Nodes() []string {
	var out []string
	for _, n := range s.eng.Nodes() {
		out = append(out, n.Name)
	}
	return out
}

// DefaultNode is the node a command without one runs on: the lab's first
// host.
func (s *Lesson) DefaultNode() string { return s.eng.DefaultNode() }

// Enter runs argv inside node (the default node when empty) with env, its
// standard streams the caller's: "netlab exec" and "netlab shell". The
// error is an *engine.UnknownNodeError when the lab has no such node.
func (s *Lesson) Enter(node string, argv, env []string) error {
	if node == "" {
		node = s.DefaultNode()
	}
	return s.eng.Enter(node, argv, env)
}

// Target is the capture target for iface on node: the one place a lab's
// node:iface becomes the namespace file a capture opens. It fails when the
// node does not exist (yet); whether the interface does is the capture's
// question.
func (s *Lesson) Target(node, iface string) (capture.Target, error) {
	path, err := s.eng.NodePath(node)
	if err != nil {
		return capture.Target{}, err
	}
	return capture.Target{Node: node, NSPath: path, Iface: iface, Host: s.labHost(node)}, nil
}

// Targets resolves a step's capture targets, skipping those whose node
// does not exist (yet).
func (s *Lesson) Targets(ts []labs.CaptureTarget) []capture.Target {
	var out []capture.Target
	for _, t := range ts {
		if ct, err := s.Target(t.Node, t.Iface); err == nil {
			ct.LinkLevel = t.LinkLevel
			out = append(out, ct)
		}
	}
	return out
}

// ParseTargets resolves what a student types after "netlab capture",
// "ns01:veth01" or "br01" (on the default node), to capture targets; the
// error names the first one that is malformed or on no node of the lab.
func (s *Lesson) ParseTargets(args []string) ([]capture.Target, error) {
	var out []capture.Target
	for _, arg := range args {
		node, iface, err := capture.ParseTarget(arg, s.DefaultNode())
		if err != nil {
			return nil, err
		}
		ct, err := s.Target(node, iface)
		if err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	return out, nil
}
