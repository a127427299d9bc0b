package labs

import (
	"regexp"
	"strings"
	"time"

	"github.com/netlab/netlab/engine/cmdline"
)

// validate checks what needs the whole lab: nodes and interfaces as the
// setup and steps create them, captures, expectations. It fills in the
// default node wherever the file leaves it out.
//
// Nodes and interfaces are followed through the commands in order: a node
// is a declared host or a namespace an earlier "ip netns add" created; an
// interface exists on a node once "ip link add", "brctl addbr" or
// "ip link set X netns NODE" put it there ("lo" always exists).
func validate(lab *Lab, el *errList) {
	if len(lab.Nodes) == 0 {
		lab.Nodes = []string{DefaultHost}
	}
	v := &validator{el: el, w: newWorld(lab.Nodes, lab.Aliases)}
	for i := range lab.Setup {
		s := &lab.Setup[i]
		if s.Node == "" {
			s.Node = lab.DefaultNode()
		} else if !v.w.has(s.Node) {
			el.add(s.nodePos.line, s.nodePos.col, "unknown node %q: setup runs on a lab host (%s)", s.Node, strings.Join(lab.Nodes, ", "))
			continue
		}
		for j := range s.Commands {
			v.run(&s.Commands[j], s.Node)
		}
	}
	v.validateNames(lab)
	for i := range lab.Steps {
		v.step(lab, &lab.Steps[i])
	}
}

type validator struct {
	el *errList
	w  *world
}

func (v *validator) step(lab *Lab, s *Step) {
	if s.Node == "" {
		s.Node = lab.DefaultNode()
	} else if !v.w.has(s.Node) {
		v.el.add(s.nodePos.line, s.nodePos.col, "unknown node %q: a step runs on a lab host or on a namespace an earlier step created (here: %s)", s.Node, v.w.list())
		return
	}
	before := v.w.clone()
	v.w.mark()
	failing := s.expectedFailures()
	pingFails := s.pingsExpectedToFail()
	for i := range s.Commands {
		c := &s.Commands[i]
		// A command the step expects to fail may well name what is not
		// there: that is the lesson, not a mistake in the file.
		if failing[i+1] || pingFails[i+1] {
			v.runExpectedToFail(c, s.Node)
		} else {
			v.run(c, s.Node)
		}
		if c.Parsed == nil {
			continue
		}
		for _, o := range c.Parsed.Ops {
			req, ok := o.(*cmdline.Capture)
			if !ok {
				continue
			}
			node := s.Node
			if c.Parsed.Netns != "" {
				node = c.Parsed.Netns
				if id, ok := v.w.from(s.Node, node); ok && v.w.local[id] != "" {
					node = id // another host's namespace of that name came first
				}
			}
			l, col := c.pos(max(req.IfaceCol, 1))
			s.Capture = append(s.Capture, CaptureTarget{Node: node, Iface: req.Iface, Filter: req.Filter, Verbose: req.Verbose, LinkLevel: req.LinkLevel, Line: l, Col: col})
		}
	}
	v.timeLimit(lab, s)
	after := v.w
	var kept []CaptureTarget
	for _, t := range s.Capture {
		if t.Node == "" {
			t.Node = s.Node
		}
		// A capture may name a node or an interface that the step itself
		// creates: it starts as soon as the interface exists. It must be
		// there when the step starts or when it ends; one the step creates
		// and then deletes or moves away can never be captured through.
		cn := after.canon(t.Node) // an alias captures in its node's namespace
		if !after.seenNodes[cn] {
			v.el.add(t.Line, t.Col, "unknown node %q in capture %q: no such node exists during this step (nodes here: %s)", t.Node, t.String(), after.list())
			continue
		}
		if t.Iface == "" {
			v.el.add(t.Line, t.Col, "capture %q names no interface; write NODE:IFACE or IFACE", t.String())
			continue
		}
		if !ifaceName.MatchString(t.Iface) {
			v.el.add(t.Line, t.Col, "capture %q: %q is not a valid interface name (1-15 characters, no '/', ':', spaces or control characters)", t.String(), t.Iface)
			continue
		}
		if !before.hasIface(t.Node, t.Iface) && !after.hasIface(t.Node, t.Iface) && after.seen[ifKey{cn, t.Iface}] {
			v.el.add(t.Line, t.Col, "interface %q on node %q exists only for a moment of this step: the step creates it and then deletes it or moves it away, so a capture on it cannot run through the step", t.Iface, t.Node)
			continue
		}
		if !after.seen[ifKey{cn, t.Iface}] {
			if g, ok := before.gone[ifKey{cn, t.Iface}]; ok {
				v.el.add(t.Line, t.Col, "no interface %q on node %q during this step: it was deleted at line %d and nothing creates it again (it has: %s)", t.Iface, t.Node, g.line, after.ifaceList(t.Node))
				continue
			}
			v.el.add(t.Line, t.Col, "no interface %q on node %q: no setup command or step creates it there (it has: %s)", t.Iface, t.Node, after.ifaceList(t.Node))
			continue
		}
		if i := indexCapture(kept, t); i >= 0 {
			if kept[i].Filter == "" {
				kept[i].Filter = t.Filter
			}
			kept[i].Verbose = max(kept[i].Verbose, t.Verbose)
			kept[i].LinkLevel = kept[i].LinkLevel || t.LinkLevel
			continue
		}
		kept = append(kept, t)
	}
	s.Capture = kept
	for i := range s.Expect {
		v.expect(s, &s.Expect[i], before)
	}
}

// timeLimit warns at the command with which the step's commands can run
// longer than the step's time limit, going by each command's longest
// possible run (a ping's count, interval and waits).
func (v *validator) timeLimit(lab *Lab, s *Step) {
	limit := lab.Timeout(s)
	var total time.Duration
	for i := range s.Commands {
		c := &s.Commands[i]
		if c.Parsed == nil {
			continue
		}
		d := c.Parsed.MaxDuration()
		total += d
		if total <= limit {
			continue
		}
		if d == total {
			v.el.warn(c.Line, c.Col, "this command can run for %v, longer than the step's time limit of %v: shorten it (ping -c, -i, -w) or raise the limit with timeout: on the step or step_timeout: on the lab", d, limit)
		} else {
			v.el.warn(c.Line, c.Col, "with this command the step can run for %v, longer than its time limit of %v: shorten its commands (ping -c, -i, -w) or raise the limit with timeout: on the step or step_timeout: on the lab", total, limit)
		}
		return
	}
}

// ifaceName is what the kernel takes as an interface name.
var ifaceName = regexp.MustCompile(`^[^/:\s\x00-\x1f\x7f]{1,15}$`)

func indexCapture(list []CaptureTarget, t CaptureTarget) int {
	for i, c := range list {
		if c.Node == t.Node && c.Iface == t.Iface {
			return i
		}
	}
	return -1
}

func (v *validator) expect(s *Step, e *Expect, before *world) {
	switch e.Kind {
	case ExpectPing:
		pings := 0
		for _, c := range s.Commands {
			if c.Parsed.Program == "ping" {
				pings++
			}
		}
		switch {
		case e.Command > len(s.Commands):
			v.el.add(e.commandPos.line, e.commandPos.col, "command %d is out of range: the step has %d command(s)", e.Command, len(s.Commands))
		case e.Command > 0 && s.Commands[e.Command-1].Parsed.Program != "ping":
			v.el.add(e.commandPos.line, e.commandPos.col, "command %d (%q) is not a ping", e.Command, s.Commands[e.Command-1].Text)
		case e.Command == 0 && pings == 0:
			v.el.add(e.Line, e.Col, "the step runs no ping for this expectation to check")
		}
	case ExpectHTTP:
		v.clientExpect(s, e, IsHTTPClient, "a curl or wget", "the step runs no curl or wget for this expectation to check")
	case ExpectTCP:
		v.clientExpect(s, e, IsTCPClient, "an nc client over TCP (nc HOST PORT, without -u)", "the step runs no nc HOST PORT for this expectation to check")
	case ExpectSeen, ExpectNotSeen:
		if !e.onGiven {
			if len(s.Capture) != 1 {
				v.el.add(e.Line, e.Col, "say where the packet is looked for with on: NODE:IFACE (the step captures on %s)", captureList(s.Capture))
				return
			}
			e.On = s.Capture[0]
			return
		}
		if e.On.Node == "" {
			e.On.Node = s.Node
		}
		i := indexCapture(s.Capture, e.On)
		if i < 0 {
			v.el.add(e.On.Line, e.On.Col, "%q is not captured in this step: add it to capture (the step captures on %s)", e.On.String(), captureList(s.Capture))
			return
		}
		e.On.Filter = s.Capture[i].Filter
	case ExpectState:
		if e.Node == "" {
			e.Node = s.Node
		} else if !v.w.has(e.Node) && !before.has(e.Node) {
			v.el.add(e.nodePos.line, e.nodePos.col, "unknown node %q (nodes here: %s)", e.Node, v.w.list())
			return
		}
		if e.State == nil || e.State.Parsed == nil {
			return
		}
		p := e.State.Parsed
		if p.Mutating() || p.Program == "ping" || p.Program == "tcpdump" {
			v.el.add(e.State.Line, e.State.Col, "state takes a command that only reads the lab, like \"ip neigh\" or \"iptables -t nat -nL\"; %q does more than read", e.State.Text)
			return
		}
		// read-only, so following it only checks the names it uses
		v.run(e.State, e.Node)
	}
}

func captureList(ts []CaptureTarget) string {
	if len(ts) == 0 {
		return "nothing"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// runExpectedToFail follows a command that the step expects to fail: it
// may name what is not there (that is the lesson, not a mistake in the
// file), and since it fails it changes nothing that later commands see.
func (v *validator) runExpectedToFail(c *Command, node string) {
	kept := v.w.clone()
	v.el.quiet = true
	v.run(c, node)
	v.el.quiet = false
	v.w.ifaces, v.w.order, v.w.peer, v.w.gone, v.w.names = kept.ifaces, kept.order, kept.peer, kept.gone, kept.names
}

// pingsExpectedToFail lists, by 1-based number, the pings a "ping: fail"
// expectation of the step covers (every ping when it names none).
func (s *Step) pingsExpectedToFail() map[int]bool {
	m := map[int]bool{}
	for _, e := range s.Expect {
		if e.Kind != ExpectPing || e.PingOK {
			continue
		}
		for i, c := range s.Commands {
			if c.Parsed != nil && c.Parsed.Program == "ping" && (e.Command == 0 || e.Command == i+1) {
				m[i+1] = true
			}
		}
	}
	return m
}

// expectedFailures lists, by 1-based number, the commands that a "fails"
// expectation of the step names.
func (s *Step) expectedFailures() map[int]bool {
	m := map[int]bool{}
	for _, e := range s.Expect {
		if e.Kind == ExpectFails {
			m[e.Command] = true
		}
	}
	return m
}
