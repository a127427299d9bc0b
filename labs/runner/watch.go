package runner

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/cmdline"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// watch is a step's captures. A target whose node or interface does not
// exist yet is pending: it is opened after the command that creates it
// (ip link add, brctl addbr, ip link set X netns N, a rename, an ip netns
// add of its node), since the engine calls back after every command. An
// interface that is deleted and created again is watched again under its
// new index.
type watch struct {
	s       *Lesson
	targets []*watched
}

// watched is one capture target of a step and what became of it.
type watched struct {
	label   string // node:iface
	node    string
	iface   string
	verbose int  // the -v count of the step's tcpdump line for it
	link    bool // the step's tcpdump line for it says -e
	caps    []*capture.Capture
	ifindex int    // of the interface the newest capture watches; 0 when none
	opened  string // when the first capture opened: "before the commands" or "after command N"
	problem string // why it could not be opened, when it could not
	gone    string // when the watched interface disappeared, if it did
}

func (s *Lesson) newWatch(st labs.Step) *watch {
	w := &watch{s: s}
	for _, ct := range st.Capture {
		w.targets = append(w.targets, &watched{label: ct.String(), node: ct.Node, iface: ct.Iface, verbose: ct.Verbose, link: ct.LinkLevel})
	}
	w.poll(-1)
	return w
}

// poll opens what became capturable: after is the index of the command
// that just ran, -1 before the first.
func (w *watch) poll(after int) {
	when := whenText(after)
	for _, t := range w.targets {
		ct, err := w.s.Target(t.node, t.iface)
		if err != nil {
			if t.ifindex != 0 && t.gone == "" {
				t.gone = nodeGone(t.node, when)
			}
			t.ifindex = 0
			t.problem = noNode(t.node)
			continue
		}
		idx, err := capture.IfIndex(ct)
		if err != nil {
			if t.ifindex != 0 && t.gone == "" {
				t.gone = i18n.T("watch.gone.iface", "{{.Iface}} disappeared from {{.Node}} {{.When}}", "Iface", t.iface, "Node", t.node, "When", when)
			}
			t.ifindex = 0
			if errors.Is(err, capture.ErrNoInterface) {
				t.problem = i18n.T("watch.no_iface", "no interface {{.Iface}} on {{.Node}}", "Iface", t.iface, "Node", t.node)
			} else {
				t.problem = err.Error()
			}
			continue
		}
		if idx == t.ifindex {
			continue
		}
		c, err := capture.Open([]capture.Target{ct}, capture.Options{RingSize: 4096, Verbose: t.verbose, LinkLevel: t.link})
		if err != nil {
			t.problem = err.Error()
			continue
		}
		t.caps = append(t.caps, c)
		t.ifindex, t.problem = idx, ""
		if t.opened == "" {
			t.opened = when
		}
	}
}

// labHost is the lab host node is on, which capture lines name
// (capture.Target.Host), when the lab's namespaces live on several hosts,
// as two machines' containers do in the overlay and crosshost labs: the
// packets of both hosts' underlay and overlay interfaces are one merged
// stream, and each line must say which machine it came from. It is ""
// when one host holds the namespaces (an "internet" host holds none), so
// such a lab's lines stay node:iface. The hosts that hold namespaces are
// those the lab file runs "ip netns add" on and those that hold one now
// (a student may have made one by hand), so the lines of a two-host lab
// name the host from its first step.
func (s *Lesson) labHost(node string) string {
	nodes := s.eng.Nodes()
	holders := map[string]bool{}
	if s.Lab != nil {
		scan := func(on string, cmds []labs.Command) {
			for _, c := range cmds {
				if c.Parsed == nil || c.Parsed.Netns != "" {
					continue
				}
				for _, op := range c.Parsed.Ops {
					if _, ok := op.(*cmdline.NetnsAdd); ok {
						holders[on] = true
					}
				}
			}
		}
		for _, su := range s.Lab.Setup {
			scan(su.Node, su.Commands)
		}
		for _, st := range s.Lab.Steps {
			scan(st.Node, st.Commands)
		}
	}
	for _, n := range nodes {
		if n.Kind == engine.KindNetns && n.Parent != "" {
			holders[n.Parent] = true
		}
	}
	if len(holders) < 2 {
		return ""
	}
	if of, ok := s.eng.State().Aliases[node]; ok {
		node = of
	}
	for _, n := range nodes {
		if n.Name != node {
			continue
		}
		if n.Kind == engine.KindHost {
			return n.Name
		}
		return n.Parent
	}
	return ""
}

// whenText says when a capture opened or lost its interface: after is
// the index of the command that just ran, -1 before the first.
func whenText(after int) string {
	if after < 0 {
		return i18n.T("watch.when.before", "before the commands")
	}
	return i18n.T("watch.when.after", "after command {{.N}}", "N", after+1)
}

// nodeGone says that a watched interface went with its node.
func nodeGone(node, when string) string {
	return i18n.T("watch.gone.node", "its node {{.Node}} was deleted {{.When}}", "Node", node, "When", when)
}

// noNode is why a capture on a node that does not exist did not open.
func noNode(node string) string {
	return i18n.T("watch.no_node", "node {{.Node}} does not exist", "Node", node)
}

// finish lets late packets arrive, closes every capture and returns what
// they saw, in time order.
func (w *watch) finish() []capture.Packet {
	var opened bool
	for _, t := range w.targets {
		opened = opened || len(t.caps) > 0
	}
	if opened {
		w.quiet()
	}
	var packets []capture.Packet
	for _, t := range w.targets {
		for _, c := range t.caps {
			packets = append(packets, c.Ring().Last(c.Ring().Len())...)
			c.Close()
		}
	}
	sort.SliceStable(packets, func(i, j int) bool { return packets[i].Time.Before(packets[j].Time) })
	return packets
}

// quiet waits until the captures have seen nothing new for captureQuiet,
// with every frame the kernel queued taken by its reader (after
// captureSettle at least), or captureGrace at most.
func (w *watch) quiet() {
	start := time.Now()
	// seen counts the packets delivered; behind is whether a capture's
	// reader has yet to take frames the kernel queued (it waits for CPU).
	seen := func() (n uint64, behind bool) {
		for _, t := range w.targets {
			for _, c := range t.caps {
				n += c.Stats().Seen
				behind = behind || c.Behind()
			}
		}
		return n, behind
	}
	last, _ := seen()
	changed := start
	for now := start; now.Sub(start) < captureGrace; now = time.Now() {
		if n, behind := seen(); n != last || behind {
			last, changed = n, now
		} else if now.Sub(start) >= captureSettle && now.Sub(changed) >= captureQuiet {
			return
		}
		time.Sleep(captureTick)
	}
}

// evidence says whether the capture on label ran, and if it did not,
// why: an expectation about packets there has nothing to stand on.
func (w *watch) evidence(label string) (ok bool, why string) {
	if w == nil {
		return false, i18n.T("watch.none", "the step captures nothing")
	}
	for _, t := range w.targets {
		if t.label != label {
			continue
		}
		if len(t.caps) == 0 {
			return false, i18n.T("watch.never_ran", "no capture ran on {{.On}}: {{.Problem}} at any point of the step", "On", label, "Problem", t.problem)
		}
		return true, ""
	}
	var names []string
	for _, t := range w.targets {
		names = append(names, t.label)
	}
	return false, i18n.T("watch.not_captured", "{{.On}} is not among the step's captures ({{.Captures}})", "On", label, "Captures", strings.Join(names, ", "))
}

// describe says what the capture on label watched, for a failed expectation.
func (w *watch) describe(label string) string {
	for _, t := range w.targets {
		if t.label == label && len(t.caps) > 0 {
			s := i18n.T("watch.started", "capture on {{.On}} started {{.When}}", "On", label, "When", t.opened)
			if len(t.caps) > 1 {
				s += i18n.N("watch.followed", len(t.caps), ", followed {{.Count}} interfaces of that name", ", followed {{.Count}} interfaces of that name")
			}
			if t.gone != "" {
				s += i18n.T("watch.then", "; {{.Gone}}", "Gone", t.gone)
			}
			return s
		}
	}
	return ""
}
