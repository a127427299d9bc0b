package labs

import (
	"sort"
	"strings"
	"time"
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
	v := &validator{el: el, w: newWorld(lab.Nodes)}
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
	for i := range s.Commands {
		c := &s.Commands[i]
		v.run(c, s.Node)
		if req := c.Parsed.Capture(); req != nil {
			node := s.Node
			if c.Parsed.Netns != "" {
				node = c.Parsed.Netns
			}
			l, col := c.pos(ifaceCol(c.Text))
			s.Capture = append(s.Capture, CaptureTarget{Node: node, Iface: req.Iface, Filter: req.Filter, Line: l, Col: col})
		}
	}
	v.timeLimit(lab, s)
	after := v.w
	var kept []CaptureTarget
	for _, t := range s.Capture {
		if t.Node == "" {
			t.Node = s.Node
		}
		if !before.has(t.Node) && !after.has(t.Node) {
			v.el.add(t.Line, t.Col, "unknown node %q in capture %q (nodes here: %s)", t.Node, t.String(), after.list())
			continue
		}
		if t.Iface == "" {
			v.el.add(t.Line, t.Col, "capture %q names no interface; write NODE:IFACE or IFACE", t.String())
			continue
		}
		if !before.hasIface(t.Node, t.Iface) && !after.hasIface(t.Node, t.Iface) {
			v.el.add(t.Line, t.Col, "no interface %q on node %q: no setup command or step creates it there (it has: %s)", t.Iface, t.Node, after.ifaceList(t.Node))
			continue
		}
		if i := indexCapture(kept, t); i >= 0 {
			if kept[i].Filter == "" {
				kept[i].Filter = t.Filter
			}
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

// ifaceCol is the column of the interface in a "tcpdump -i IFACE" line.
func ifaceCol(line string) int {
	w := programWords(line)
	for i, x := range w {
		if x.s == "-i" && i+1 < len(w) {
			return w[i+1].col
		}
		if strings.HasPrefix(x.s, "-i") && len(x.s) > 2 {
			return x.col + 2
		}
	}
	return 1
}

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
		if p.Netns != "" && !v.w.has(p.Netns) {
			nw := netnsWord(e.State.Text)
			l, c := e.State.pos(nw.col)
			v.el.add(l, c, "unknown namespace %q (nodes here: %s)", p.Netns, v.w.list())
		}
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

// run follows one command's effect on nodes and interfaces, and reports
// namespaces it names that do not exist at that point.
func (v *validator) run(c *Command, node string) {
	p := c.Parsed
	if p == nil {
		return
	}
	if p.Netns != "" {
		if !v.w.has(p.Netns) {
			nw := netnsWord(c.Text)
			l, col := c.pos(nw.col)
			v.el.add(l, col, "unknown namespace %q: create it first with \"ip netns add %s\" (nodes here: %s)", p.Netns, p.Netns, v.w.list())
			return
		}
		node = p.Netns
	}
	w := programWords(c.Text)
	bad := func(ns word) {
		l, col := c.pos(ns.col)
		v.el.add(l, col, "unknown namespace %q: create it first with \"ip netns add %s\" (nodes here: %s)", ns.s, ns.s, v.w.list())
	}
	switch p.Program {
	case "brctl":
		if len(w) >= 3 && w[1].s == "addbr" {
			v.w.addIface(node, w[2].s)
		} else if len(w) >= 3 && w[1].s == "delbr" {
			v.w.delIface(node, w[2].s)
		}
	case "ip":
		w = w[1:]
		for len(w) > 0 && strings.HasPrefix(w[0].s, "-") {
			w = w[1:]
		}
		if len(w) < 2 {
			return
		}
		obj, verb, rest := w[0].s, w[1].s, w[2:]
		switch {
		case obj == "netns" && verb == "add" && len(rest) > 0:
			v.w.addNode(rest[0].s)
		case obj == "netns" && (verb == "del" || verb == "delete") && len(rest) > 0:
			v.w.delNode(rest[0].s)
		case strings.HasPrefix("link", obj) && verb == "add":
			v.linkAdd(node, rest, bad)
		case strings.HasPrefix("link", obj) && (verb == "del" || verb == "delete"):
			if dev := devName(rest); dev != "" {
				v.w.delIface(node, dev)
			}
		case strings.HasPrefix("link", obj) && verb == "set":
			v.linkSet(node, rest, bad)
		}
	}
}

// linkAdd follows "ip link add [link P] [name] NAME type KIND [peer [name] PEER [netns NS]]".
func (v *validator) linkAdd(node string, w []word, bad func(word)) {
	name := ""
	i := 0
	for ; i < len(w) && w[i].s != "type"; i++ {
		switch w[i].s {
		case "link":
			i++
		case "name", "dev":
			if i+1 < len(w) {
				name = w[i+1].s
			}
			i++
		default:
			name = w[i].s
		}
	}
	if name != "" {
		v.w.addIface(node, name)
	}
	for ; i < len(w); i++ {
		if w[i].s != "peer" {
			continue
		}
		j := i + 1
		if j < len(w) && w[j].s == "name" {
			j++
		}
		if j >= len(w) {
			return
		}
		peerNode := node
		if j+2 < len(w) && w[j+1].s == "netns" {
			if !v.w.has(w[j+2].s) {
				bad(w[j+2])
				return
			}
			peerNode = w[j+2].s
		}
		v.w.addIface(peerNode, w[j].s)
		return
	}
}

// linkSet follows "ip link set [dev] X ... netns NS ... name NEW".
func (v *validator) linkSet(node string, w []word, bad func(word)) {
	dev := devName(w)
	if dev == "" {
		return
	}
	cur, at := dev, node
	for i := 0; i+1 < len(w); i++ {
		switch w[i].s {
		case "netns":
			ns := w[i+1]
			if !v.w.has(ns.s) {
				bad(ns)
				return
			}
			v.w.delIface(at, cur)
			at = ns.s
			v.w.addIface(at, cur)
		case "name":
			v.w.delIface(at, cur)
			cur = w[i+1].s
			v.w.addIface(at, cur)
		}
	}
}

// devName reads "[dev] NAME".
func devName(w []word) string {
	if len(w) > 0 && w[0].s == "dev" {
		w = w[1:]
	}
	if len(w) == 0 {
		return ""
	}
	return w[0].s
}

// world is what exists at one point of a lab: its nodes and each node's
// interfaces.
type world struct {
	ifaces map[string]map[string]bool
	order  []string // node names in the order they appeared
}

func newWorld(hosts []string) *world {
	w := &world{ifaces: map[string]map[string]bool{}}
	for _, h := range hosts {
		w.addNode(h)
	}
	return w
}

func (w *world) has(node string) bool { return w.ifaces[node] != nil }

func (w *world) hasIface(node, iface string) bool { return w.ifaces[node][iface] }

func (w *world) addNode(node string) {
	if w.has(node) {
		return
	}
	w.ifaces[node] = map[string]bool{"lo": true}
	w.order = append(w.order, node)
}

func (w *world) delNode(node string) {
	delete(w.ifaces, node)
	for i, n := range w.order {
		if n == node {
			w.order = append(w.order[:i:i], w.order[i+1:]...)
			break
		}
	}
}

func (w *world) addIface(node, iface string) {
	if w.has(node) {
		w.ifaces[node][iface] = true
	}
}

func (w *world) delIface(node, iface string) {
	if w.has(node) {
		delete(w.ifaces[node], iface)
	}
}

func (w *world) clone() *world {
	c := &world{ifaces: map[string]map[string]bool{}, order: append([]string(nil), w.order...)}
	for n, set := range w.ifaces {
		c.ifaces[n] = map[string]bool{}
		for i := range set {
			c.ifaces[n][i] = true
		}
	}
	return c
}

// list names the nodes, for errors.
func (w *world) list() string { return strings.Join(w.order, ", ") }

// ifaceList names a node's interfaces, for errors.
func (w *world) ifaceList(node string) string {
	var names []string
	for i := range w.ifaces[node] {
		names = append(names, i)
	}
	if len(names) == 0 {
		return "nothing"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
