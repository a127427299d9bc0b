package labs

import (
	"sort"

	"github.com/netlab/netlab/engine/cmdline"
)

// run follows one command's effect on nodes and interfaces, and reports
// what would make it fail at run time and is known from the file: a
// namespace it names that does not exist, a namespace or interface it
// creates that already exists, an interface it uses that nothing has
// created (or that was deleted) by then. It reads the command's typed
// operations, so it knows every grammar that makes them.
func (v *validator) run(c *Command, node string) {
	p := c.Parsed
	if p == nil {
		return
	}
	node = v.w.canon(node)
	if p.Netns != "" {
		id, ok := v.w.from(node, p.Netns)
		if !ok {
			l, col := c.pos(max(p.NetnsCol, 1))
			v.el.add(l, col, "%s", v.w.unknownNs(node, p.Netns))
			return
		}
		node = id
	}
	f := follower{v: v, c: c, node: node, needed: map[int]bool{}}
	for _, o := range p.Ops {
		f.op(o)
	}
}

// follower follows one command, reporting at the words it names.
type follower struct {
	v    *validator
	c    *Command
	node string
	// needed holds, by column, the names already checked: brctl addif
	// names its bridge once for every interface it attaches.
	needed map[int]bool
}

// op follows one operation.
func (f *follower) op(o cmdline.Op) {
	switch o := o.(type) {
	case *cmdline.NetnsAdd:
		if _, ok := f.v.w.named(f.node, o.Name); ok {
			f.errAt(o.NameCol, "namespace %q already exists here (nodes here: %s): adding it again would fail (\"File exists\")", o.Name, f.v.w.list())
			return
		}
		f.v.w.addNetns(f.node, o.Name)
	case *cmdline.NetnsDel:
		id, ok := f.v.w.named(f.node, o.Name)
		if !ok {
			f.errAt(o.NameCol, "no namespace %q to delete at this point (nodes here: %s)%s", o.Name, f.v.w.list(), f.v.w.onHosts(f.node, o.Name))
			return
		}
		f.v.w.delNode(id, f.at(o.NameCol))
	case *cmdline.LinkAdd:
		f.linkAdd(o)
	case *cmdline.LinkDel:
		if f.need(f.node, o.Dev, o.DevCol) {
			f.v.w.delIface(f.node, o.Dev, f.at(o.DevCol))
		}
	case *cmdline.LinkSet:
		f.linkSet(o)
	case *cmdline.Addr:
		f.need(f.node, o.Dev, o.DevCol)
	case *cmdline.Route:
		f.needIf(o.Dev, o.DevCol)
	case *cmdline.Neigh:
		f.needIf(o.Dev, o.DevCol) // "ip neigh flush all" names none
	case *cmdline.Show:
		f.needIf(o.Dev, o.DevCol)
	case *cmdline.BridgeShow:
		f.needIf(o.Bridge, o.BridgeCol)
	case *cmdline.IfconfigShow:
		f.needIf(o.Dev, o.DevCol)
	case *cmdline.Fdb:
		f.need(f.node, o.Dev, o.DevCol)
		f.needIf(o.Via, o.ViaCol)
	case *cmdline.FdbShow:
		f.needIf(o.Dev, o.DevCol)
		f.needIf(o.Bridge, o.BridgeCol)
	case *cmdline.BridgeLinkShow:
		f.needIf(o.Dev, o.DevCol)
	case *cmdline.BridgeMacs:
		f.need(f.node, o.Bridge, o.BridgeCol)
	case *cmdline.HostsAdd:
		for _, n := range o.Names {
			f.v.w.addName(f.node, n)
		}
	case *cmdline.Ping:
		f.resolves(o.Host, o.HostCol)
	case *cmdline.HTTPGet:
		f.resolves(o.Host, o.HostCol)
	case *cmdline.NcConnect:
		f.resolves(o.Host, o.HostCol)
	}
}

func (f *follower) at(col int) pos {
	l, c := f.c.pos(col)
	return pos{l, c}
}

func (f *follower) errAt(col int, format string, a ...any) {
	p := f.at(col)
	f.v.el.add(p.line, p.col, format, a...)
}

// need reports an interface the command uses that is not there. A name
// at a column already checked is not reported again.
func (f *follower) need(node, name string, col int) bool {
	if ok, done := f.needed[col]; done {
		return ok
	}
	ok := f.needOnce(node, name, col)
	f.needed[col] = ok
	return ok
}

func (f *follower) needOnce(node, name string, col int) bool {
	if f.v.w.hasIface(node, name) {
		return true
	}
	if g, ok := f.v.w.gone[ifKey{node, name}]; ok {
		f.errAt(col, "interface %q on node %q is gone by now: it was deleted at line %d (a veth goes with its peer and with its namespace); this command would fail", name, node, g.line)
		return false
	}
	f.errAt(col, "no interface %q on node %q at this point: nothing before this command creates it there, so it would fail (it has: %s)", name, node, f.v.w.ifaceList(node))
	return false
}

// needIf is need for an optional name ("" when the line gives none).
func (f *follower) needIf(name string, col int) {
	if name != "" {
		f.need(f.node, name, col)
	}
}

// fresh reports an interface the command creates that already exists.
func (f *follower) fresh(node, name string, col int) bool {
	if !f.v.w.hasIface(node, name) {
		return true
	}
	f.errAt(col, "interface %q already exists on node %q: creating it again would fail (\"File exists\"); delete it first or use another name", name, node)
	return false
}

// badNs reports a namespace that names no node here.
func (f *follower) badNs(ns string, col int) {
	f.errAt(col, "%s", f.v.w.unknownNs(f.node, ns))
}

// linkAdd follows a new link: its parent (macvlan) or underlying device
// (vxlan) must exist, its name must be free, and a veth's peer goes to its
// own namespace.
func (f *follower) linkAdd(o *cmdline.LinkAdd) {
	if o.Parent != "" {
		f.need(f.node, o.Parent, o.ParentCol)
	}
	if o.Vxlan != nil && o.Vxlan.Dev != "" {
		f.need(f.node, o.Vxlan.Dev, o.Vxlan.DevCol)
	}
	peerNode := f.node
	if o.PeerNetns != "" {
		id, ok := f.v.w.from(f.node, o.PeerNetns)
		if !ok {
			f.badNs(o.PeerNetns, o.PeerNetnsCol)
			if f.fresh(f.node, o.Name, o.NameCol) {
				f.v.w.addIface(f.node, o.Name) // as if it worked: one error, not a cascade
			}
			return
		}
		peerNode = id
	}
	if !f.fresh(f.node, o.Name, o.NameCol) {
		return
	}
	if o.Peer == "" {
		f.v.w.addIface(f.node, o.Name)
		return
	}
	if !f.fresh(peerNode, o.Peer, o.PeerCol) {
		return
	}
	f.v.w.addPair(ifKey{f.node, o.Name}, ifKey{peerNode, o.Peer})
}

// linkSet follows "ip link set X ... master B ... netns NS ... name NEW"
// in the order the line gives them, and brctl addif/delif, which name the
// bridge and the interface.
func (f *follower) linkSet(o *cmdline.LinkSet) {
	if f.c.Parsed.Program == "brctl" {
		br := o.FromBridge // delif
		if o.Master != nil && *o.Master != "" {
			br = *o.Master // addif
		}
		f.need(f.node, br, o.MasterCol)
		f.need(f.node, o.Dev, o.DevCol)
		return
	}
	if !f.need(f.node, o.Dev, o.DevCol) {
		return
	}
	type part struct {
		col  int
		what string
	}
	var parts []part
	if o.Master != nil && *o.Master != "" {
		parts = append(parts, part{o.MasterCol, "master"})
	}
	if o.Netns != "" {
		parts = append(parts, part{o.NetnsCol, "netns"})
	}
	if o.NewName != "" {
		parts = append(parts, part{o.NewNameCol, "name"})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].col < parts[j].col })
	cur := ifKey{f.node, o.Dev}
	for _, p := range parts {
		switch p.what {
		case "master":
			f.need(cur.node, *o.Master, p.col)
		case "netns":
			dst, ok := f.v.w.from(f.node, o.Netns)
			if !ok {
				f.badNs(o.Netns, p.col)
				return
			}
			if dst != cur.node && f.v.w.hasIface(dst, cur.name) {
				f.errAt(p.col, "node %q already has an interface %q: moving another one there would fail (\"File exists\")", dst, cur.name)
				return
			}
			to := ifKey{dst, cur.name}
			f.v.w.move(cur, to)
			cur = to
		case "name":
			if o.NewName == cur.name || !f.fresh(cur.node, o.NewName, p.col) {
				continue
			}
			to := ifKey{cur.node, o.NewName}
			f.v.w.move(cur, to)
			cur = to
		}
	}
}
