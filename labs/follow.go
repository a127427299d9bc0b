package labs

import "strings"

// run follows one command's effect on nodes and interfaces, and reports
// what would make it fail at run time and is known from the file: a
// namespace it names that does not exist, a namespace or interface it
// creates that already exists, an interface it uses that nothing has
// created (or that was deleted) by then.
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
	f := follower{v: v, c: c, node: node}
	w := programWords(c.Text)
	if len(w) == 0 {
		return
	}
	switch p.Program {
	case "brctl":
		f.brctl(w[1:])
	case "ifconfig":
		if len(w) > 1 && w[1].s != "-a" {
			f.need(node, w[1])
		}
	case "ip":
		w = w[1:]
		for len(w) > 0 && strings.HasPrefix(w[0].s, "-") {
			w = w[1:]
		}
		if len(w) > 0 {
			f.ip(w[0].s, w[1:])
		}
	}
}

// follower follows one command, reporting at the words it names.
type follower struct {
	v    *validator
	c    *Command
	node string
}

func (f *follower) at(w word) pos {
	l, c := f.c.pos(w.col)
	return pos{l, c}
}

func (f *follower) errAt(w word, format string, a ...any) {
	p := f.at(w)
	f.v.el.add(p.line, p.col, format, a...)
}

// need reports an interface the command uses that is not there.
func (f *follower) need(node string, w word) bool {
	if f.v.w.hasIface(node, w.s) {
		return true
	}
	if g, ok := f.v.w.gone[ifKey{node, w.s}]; ok {
		f.errAt(w, "interface %q on node %q is gone by now: it was deleted at line %d (a veth goes with its peer and with its namespace); this command would fail", w.s, node, g.line)
		return false
	}
	f.errAt(w, "no interface %q on node %q at this point: nothing before this command creates it there, so it would fail (it has: %s)", w.s, node, f.v.w.ifaceList(node))
	return false
}

// fresh reports an interface the command creates that already exists.
func (f *follower) fresh(node string, w word) bool {
	if !f.v.w.hasIface(node, w.s) {
		return true
	}
	f.errAt(w, "interface %q already exists on node %q: creating it again would fail (\"File exists\"); delete it first or use another name", w.s, node)
	return false
}

func (f *follower) brctl(w []word) {
	if len(w) == 0 {
		return
	}
	verb, rest := w[0].s, w[1:]
	switch verb {
	case "addbr":
		if len(rest) > 0 && f.fresh(f.node, rest[0]) {
			f.v.w.addIface(f.node, rest[0].s)
		}
	case "delbr":
		if len(rest) > 0 && f.need(f.node, rest[0]) {
			f.v.w.delIface(f.node, rest[0].s, f.at(rest[0]))
		}
	case "addif", "delif", "show":
		for _, x := range rest {
			f.need(f.node, x)
		}
	}
}

func (f *follower) ip(obj string, w []word) {
	switch {
	case matches(obj, "netns", 1):
		f.netns(w)
	case matches(obj, "link", 1):
		f.link(w)
	case matches(obj, "address", 1) || obj == "addr", matches(obj, "route", 1),
		matches(obj, "neighbour", 1) || matches(obj, "neighbor", 5):
		if len(w) > 0 && (matches(w[0].s, "show", 1) || w[0].s == "list" || w[0].s == "ls") {
			f.showTail(w[1:])
			return
		}
		for i := 0; i+1 < len(w); i++ {
			if w[i].s == "dev" {
				f.need(f.node, w[i+1])
			}
		}
	}
}

// showTail checks the interface of "show [dev] X".
func (f *follower) showTail(w []word) {
	if len(w) > 0 && (matches(w[0].s, "show", 1) || w[0].s == "list") {
		w = w[1:]
	}
	if len(w) > 0 && w[0].s == "dev" {
		w = w[1:]
	}
	if len(w) > 0 {
		f.need(f.node, w[0])
	}
}

func (f *follower) netns(w []word) {
	if len(w) < 2 {
		return
	}
	verb, ns := w[0].s, w[1]
	switch verb {
	case "add":
		if f.v.w.has(ns.s) {
			f.errAt(ns, "namespace %q already exists here (nodes here: %s): adding it again would fail (\"File exists\")", ns.s, f.v.w.list())
			return
		}
		f.v.w.addNode(ns.s)
	case "del", "delete":
		if !f.v.w.has(ns.s) {
			f.errAt(ns, "no namespace %q to delete at this point (nodes here: %s)", ns.s, f.v.w.list())
			return
		}
		f.v.w.delNode(ns.s, f.at(ns))
	}
}

func (f *follower) link(w []word) {
	if len(w) == 0 {
		return
	}
	verb, rest := w[0].s, w[1:]
	switch {
	case verb == "add":
		f.linkAdd(rest)
	case verb == "del" || verb == "delete":
		if dev, ok := devWord(rest); ok && f.need(f.node, dev) {
			f.v.w.delIface(f.node, dev.s, f.at(dev))
		}
	case verb == "set":
		f.linkSet(rest)
	case matches(verb, "show", 1) || verb == "list" || verb == "ls":
		f.showTail(rest)
	}
}

// badNs reports a namespace word that names no node here.
func (f *follower) badNs(ns word) {
	f.errAt(ns, "unknown namespace %q: create it first with \"ip netns add %s\" (nodes here: %s)", ns.s, ns.s, f.v.w.list())
}

// linkAdd follows "ip link add [link P] [name] NAME type KIND [peer [name]
// PEER [netns NS]]" and a vxlan's "dev X".
func (f *follower) linkAdd(w []word) {
	var name word
	i := 0
	for ; i < len(w) && w[i].s != "type"; i++ {
		switch w[i].s {
		case "link":
			if i+1 < len(w) {
				f.need(f.node, w[i+1])
			}
			i++
		case "name", "dev":
			if i+1 < len(w) {
				name = w[i+1]
			}
			i++
		default:
			name = w[i]
		}
	}
	var peer word
	peerNode := f.node
	for ; i < len(w); i++ {
		switch w[i].s {
		case "dev": // vxlan's underlying device
			if i+1 < len(w) {
				f.need(f.node, w[i+1])
				i++
			}
		case "peer":
			j := i + 1
			if j < len(w) && w[j].s == "name" {
				j++
			}
			if j >= len(w) {
				break
			}
			peer = w[j]
			if j+2 < len(w) && w[j+1].s == "netns" {
				if !f.v.w.has(w[j+2].s) {
					f.badNs(w[j+2])
					if name.s != "" && f.fresh(f.node, name) {
						f.v.w.addIface(f.node, name.s) // as if it worked: one error, not a cascade
					}
					return
				}
				peerNode = w[j+2].s
			}
			i = len(w)
		}
	}
	if name.s == "" || !f.fresh(f.node, name) {
		return
	}
	if peer.s == "" {
		f.v.w.addIface(f.node, name.s)
		return
	}
	if !f.fresh(peerNode, peer) {
		return
	}
	f.v.w.addPair(ifKey{f.node, name.s}, ifKey{peerNode, peer.s})
}

// linkSet follows "ip link set [dev] X ... master B ... netns NS ... name NEW".
func (f *follower) linkSet(w []word) {
	dev, ok := devWord(w)
	if !ok || !f.need(f.node, dev) {
		return
	}
	cur := ifKey{f.node, dev.s}
	for i := 0; i+1 < len(w); i++ {
		arg := w[i+1]
		switch w[i].s {
		case "master":
			f.need(cur.node, arg)
		case "netns":
			if !f.v.w.has(arg.s) {
				f.badNs(arg)
				return
			}
			if arg.s != cur.node && f.v.w.hasIface(arg.s, cur.name) {
				f.errAt(arg, "node %q already has an interface %q: moving another one there would fail (\"File exists\")", arg.s, cur.name)
				return
			}
			to := ifKey{arg.s, cur.name}
			f.v.w.move(cur, to)
			cur = to
		case "name":
			if arg.s == cur.name || !f.fresh(cur.node, arg) {
				continue
			}
			to := ifKey{cur.node, arg.s}
			f.v.w.move(cur, to)
			cur = to
		}
	}
}

// devWord reads "[dev] NAME".
func devWord(w []word) (word, bool) {
	if len(w) > 0 && w[0].s == "dev" {
		w = w[1:]
	}
	if len(w) == 0 {
		return word{}, false
	}
	return w[0], true
}

// matches tells whether word is an abbreviation of full at least min
// characters long, the way ip reads its objects and verbs.
func matches(word, full string, min int) bool {
	return len(word) >= min && len(word) <= len(full) && strings.HasPrefix(full, word)
}
