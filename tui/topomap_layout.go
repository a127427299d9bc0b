package tui

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// The map's layout is pure: layoutTopo turns a Snapshot, a width and the
// marks of what changed into a canvas. Lab hosts are boxes side by side
// (stacked when they do not fit), veth cables between neighbouring hosts
// run straight across; each host's namespaces are boxes below it, their
// cables running down from the host's bridge ports or interfaces along
// tracks between the two rows. A cable that cannot be drawn is named
// under its interface instead ("─ host:br-veth03").

// tIf is one interface on the map.
type tIf struct {
	node  string
	l     engine.LinkSnap
	addrs []string
	peer  *tIf // the veth peer, or the tunnel's other end
	drawn bool // its cable or tunnel is drawn
	tun   bool // peer is a tunnel (vxlan of the same id)
	// edge puts a namespace's tunnel end on its box's right edge, to be
	// drawn across to a neighbouring host (topology_hosts.go)
	edge bool
}

func (f *tIf) key() string { return f.node + "/" + f.l.Name }

// tNode is one box: a lab host or a namespace.
type tNode struct {
	name   string
	label  string // the name, with the aliases that share the namespace: "test1 = test2"
	n      *engine.NodeSnap
	ifs    []*tIf
	byName map[string]*tIf
	kids   []*tNode
	top    bool
}

// topoMarks are what to highlight: interfaces ("node/iface"), whole nodes
// and info lines ("node/route TEXT", "node/fwd", "node/nat") the last step
// changed; hops numbers the interfaces a followed packet crossed.
type topoMarks struct {
	changed map[string]bool
	hops    map[string][]int // "node/iface" -> hop numbers from 1
	cur     int              // the hop the student is at
}

func (mk topoMarks) ifStyle(f *tIf) topoStyle {
	switch h := mk.hops[f.key()]; {
	case containsInt(h, mk.cur):
		return tsHopNow
	case len(h) > 0:
		return tsHop
	case mk.changed[f.key()]:
		return tsChanged
	case !f.l.Up:
		return tsDown
	}
	return tsIface
}

// buildTopo reads the snapshot into boxes and resolves cables.
func buildTopo(snap *engine.Snapshot) []*tNode {
	nodes := map[string]*tNode{}
	var order []*tNode
	for _, name := range snap.Order {
		n := snap.Nodes[name]
		if n == nil {
			continue
		}
		tn := &tNode{name: name, label: name, n: n, byName: map[string]*tIf{}}
		for _, a := range slices.Sorted(maps.Keys(snap.Aliases)) {
			if snap.Aliases[a] == name && snap.Nodes[a] == nil {
				tn.label += " = " + a
			}
		}
		for _, l := range n.Links {
			f := &tIf{node: name, l: l}
			for _, a := range l.Addrs {
				if a.CIDR != "127.0.0.1/8" && a.CIDR != "::1/128" {
					f.addrs = append(f.addrs, a.CIDR)
				}
			}
			if l.Name == "lo" && len(f.addrs) == 0 {
				continue
			}
			tn.ifs = append(tn.ifs, f)
			tn.byName[l.Name] = f
		}
		nodes[name] = tn
		order = append(order, tn)
	}
	var tops []*tNode
	for _, tn := range order {
		// a namespace sits under the host that made it; one whose parent is
		// missing or not a host (a state file may say anything) stands alone
		if p := nodes[tn.n.Parent]; tn.n.Kind == engine.KindNetns && p != nil && p.n.Kind != engine.KindNetns {
			p.kids = append(p.kids, tn)
			if tn.n.Local != "" { // inside its host's box, its name there ("NAME@HOST" is its id)
				tn.label = tn.n.Local + strings.TrimPrefix(tn.label, tn.name)
			}
		} else {
			tn.top = true
			tops = append(tops, tn)
		}
	}
	vx := map[int][]*tIf{}
	for _, tn := range order {
		for _, f := range tn.ifs {
			if pn, pi, ok := strings.Cut(f.l.Peer, "/"); ok && nodes[pn] != nil {
				f.peer = nodes[pn].byName[pi]
			}
			if f.l.VXLAN != nil {
				vx[f.l.VXLAN.ID] = append(vx[f.l.VXLAN.ID], f)
			}
		}
	}
	for _, ends := range vx {
		if len(ends) == 2 && ends[0].node != ends[1].node {
			ends[0].peer, ends[1].peer = ends[1], ends[0]
			ends[0].tun, ends[1].tun = true, true
		}
	}
	return tops
}

// peerName is how an undrawn cable is named: "node:iface", or "iface"
// when both ends are in the same box.
func peerName(f *tIf) string {
	if f.peer != nil && f.peer.node == f.node {
		return f.peer.l.Name
	}
	if f.peer != nil {
		return f.peer.node + ":" + f.peer.l.Name
	}
	return strings.Replace(f.l.Peer, "/", ":", 1)
}

// infoLines are a node's forwarding, NAT and filter summary and its
// gateway routes, each with the mark that highlights it.
func infoLines(tn *tNode) (lines []string, marks []string) {
	n := tn.n
	fwd := n.Sysctls["net.ipv4.ip_forward"] == "1" || n.Sysctls["net.ipv4.conf.all.forwarding"] == "1"
	switch {
	case fwd:
		lines, marks = append(lines, i18n.T("tui.map.fwdOn", "forwarding on")), append(marks, "fwd")
	case tn.top && n.Kind == engine.KindHost && tn.name != "internet":
		lines, marks = append(lines, i18n.T("tui.map.fwdOff", "forwarding off")), append(marks, "fwd")
	}
	for _, rule := range n.Iptables["nat"] {
		if s, ok := ruleSummary(rule); ok {
			lines, marks = append(lines, "nat: "+s), append(marks, "nat")
		}
	}
	var nf int
	for _, rule := range n.Iptables["filter"] {
		if strings.HasPrefix(rule, "-A ") {
			nf++
		}
		if f := strings.Fields(rule); len(f) == 2 && strings.HasPrefix(f[0], ":") && f[1] != "ACCEPT" {
			lines, marks = append(lines, i18n.T("tui.map.policy", "filter: {{.Chain}} policy {{.Target}}", "Chain", f[0][1:], "Target", f[1])), append(marks, "nat")
		}
	}
	if nf > 0 {
		lines, marks = append(lines, i18n.N("tui.map.rules", nf, "filter: {{.Count}} rule(s)", "filter: {{.Count}} rule(s)")), append(marks, "nat")
	}
	for _, r := range n.Routes {
		if r.Gw == "" {
			continue
		}
		text := r.Text
		if tn.top {
			lines = append(lines, text)
		} else {
			lines = append(lines, r.Dst+" via "+r.Gw) // the device is the box's only cable
		}
		marks = append(marks, "route "+r.Text)
	}
	return lines, marks
}

// infoRows are a node's info lines as box rows, those the last change
// touched highlighted.
func infoRows(tn *tNode, mk topoMarks) []boxRow {
	var rows []boxRow
	info, marks := infoLines(tn)
	for i, s := range info {
		st := tsInfo
		if mk.changed[tn.name+"/"+marks[i]] {
			st = tsChanged
		}
		rows = append(rows, boxRow{segs: []seg{{s, st}}})
	}
	return rows
}

// ruleSummary shortens "-A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"
// to "MASQUERADE -s 192.168.88.0/24".
func ruleSummary(rule string) (string, bool) {
	f := strings.Fields(rule)
	if len(f) < 2 || f[0] != "-A" {
		return "", false
	}
	var target string
	var rest []string
	for i := 2; i < len(f); i++ {
		if f[i] == "-j" && i+1 < len(f) {
			target = f[i+1]
			rest = append(rest, f[i+2:]...)
			break
		}
		rest = append(rest, f[i])
	}
	if target == "" {
		target = f[1]
	}
	// The address a NAT rule rewrites to is drawn as an arrow: the map has
	// to fit 80 columns, and "-j SNAT --to-source 198.51.100.2" does not.
	for i, w := range rest {
		if w == "--to-source" || w == "--to-destination" {
			rest[i] = "→"
		}
	}
	return strings.TrimSpace(target + " " + strings.Join(rest, " ")), true
}

// ifText is an interface's name with what its kind adds.
func ifText(f *tIf) string {
	s := f.l.Name
	switch {
	case f.l.VXLAN != nil:
		s += fmt.Sprintf(" vxlan %d", f.l.VXLAN.ID)
	case f.l.Kind == "macvlan":
		s += i18n.T("tui.map.macvlanOn", " macvlan on {{.Parent}}", "Parent", f.l.Parent)
	case f.l.Kind != "veth" && f.l.Kind != "device" && f.l.Kind != "bridge" && f.l.Kind != "":
		s += " " + f.l.Kind
	}
	return s
}

// bullet is an interface's port: its hop number when a followed packet
// crossed it (the current hop's if it is one of them), else ● or ○.
func (mk topoMarks) bullet(f *tIf) rune {
	if h := mk.hops[f.key()]; len(h) > 0 {
		if containsInt(h, mk.cur) {
			return circled(mk.cur)
		}
		return circled(h[0])
	}
	if f.l.Up {
		return '●'
	}
	return '○'
}

// mapBox is a node's box drawn on its own canvas, with where its ports are.
type mapBox struct {
	tn    *tNode
	c     *canvas
	w, h  int
	ports map[*tIf][2]int // ● positions inside the box
	x, y  int             // where it lands on the map
	row   int             // kids: which row of namespaces
	// placed are the namespaces' boxes drawGroup drew below this host's
	// group, where they landed
	placed []*mapBox
}

// boxRow is one line of a box's content, drawn from x 2.
type boxRow struct {
	segs  []seg
	port  *tIf // a ● at the row's start (or end when right)
	right bool
}

type seg struct {
	s  string
	st topoStyle
}

func rowWidth(r boxRow) int {
	n := 0
	for _, s := range r.segs {
		n += cells(s.s)
	}
	if r.port != nil {
		n += 2
	}
	return n
}

// drawBox lays out rows in a frame titled with the node's name; maxW caps
// its width. Rows of bridges (inner boxes) are drawn by inner.
func drawBox(tn *tNode, title string, rows []boxRow, inner *innerRow, maxW int, mk topoMarks) *mapBox {
	iw := cells(tn.label) + 3
	for _, r := range rows {
		iw = max(iw, rowWidth(r))
	}
	if inner != nil {
		iw = max(iw, inner.w)
	}
	w := min(iw+4, maxW)
	iw = w - 4
	h := len(rows) + 2
	if inner != nil {
		h += inner.h
	}
	b := &mapBox{tn: tn, c: newCanvas(w), w: w, h: h, ports: map[*tIf][2]int{}}
	b.c.box(0, 0, w, h, tsBorder)
	nameSt := tsNode
	if mk.changed[tn.name] {
		nameSt = tsChanged
	}
	// the name starts at 4: a cable may come in at 2, above the first ●
	b.c.put(3, 0, ' ', tsPlain)
	n := b.c.text(4, 0, tn.label, nameSt, iw-2)
	if title != "" && n+cells(title)+5 <= iw {
		b.c.text(4+n, 0, " · "+title, tsInfo, iw-2-n)
		n += cells(title) + 3
	}
	if 4+n < w-1 {
		b.c.put(4+n, 0, ' ', tsPlain)
	}
	for i, r := range rows {
		y := 1 + i
		x := 2
		if r.right {
			x = w - 2 - rowWidth(r)
			if x < 2 {
				x = 2
			}
		}
		if r.port != nil && !r.right {
			b.c.put(x, y, mk.bullet(r.port), portStyle(r.port, mk))
			b.ports[r.port] = [2]int{x, y}
			x += 2
		}
		for _, s := range r.segs {
			room := w - 2 - x
			if r.right && r.port != nil {
				room -= 2
			}
			x += b.c.text(x, y, s.s, s.st, room)
		}
		if r.port != nil && r.right {
			px := w - 3
			b.c.put(px-1, y, ' ', tsPlain)
			b.c.put(px, y, mk.bullet(r.port), portStyle(r.port, mk))
			b.ports[r.port] = [2]int{px, y}
		}
	}
	if inner != nil {
		inner.draw(b, 2, 1+len(rows), mk)
	}
	return b
}

// circled is hop n's mark: ① to ⑳, then *.
func circled(n int) rune {
	if n >= 1 && n <= 20 {
		return rune(0x2460 + n - 1)
	}
	return '*'
}

func portStyle(f *tIf, mk topoMarks) topoStyle {
	st := mk.ifStyle(f)
	if st == tsIface {
		return tsUp
	}
	return st
}

// ifRows is an interface's rows: ● name addresses, then a label naming
// the other end of a cable that is not drawn (on the same row if inline).
func ifRows(f *tIf, mk topoMarks, addrBelow, inline bool) []boxRow {
	st := mk.ifStyle(f)
	r := boxRow{port: f, segs: []seg{{ifText(f), st}}}
	out := []boxRow{r}
	if addrBelow {
		for _, a := range f.addrs {
			out = append(out, boxRow{segs: []seg{{"  " + a, tsAddr}}})
		}
	} else if len(f.addrs) > 0 {
		out[0].segs = append(out[0].segs, seg{" " + strings.Join(f.addrs, " "), tsAddr})
	}
	if l := cableLabel(f); len(l) > 0 && inline {
		out[0].segs = append(out[0].segs, seg{" " + strings.TrimSpace(l[0].segs[0].s), tsInfo})
	} else {
		out = append(out, l...)
	}
	return out
}

func cableLabel(f *tIf) []boxRow {
	if f.drawn || (f.peer == nil && f.l.Peer == "") {
		return nil
	}
	what := "─ "
	if f.tun {
		what = "⇄ " + i18n.T("tui.map.tunnelTo", "tunnel to ")
	}
	return []boxRow{{segs: []seg{{"  " + what + peerName(f), tsInfo}}}}
}

// innerRow is the bottom row of a host box: its bridges (boxes with their
// ports on the edge) and the interfaces cabled down to its namespaces.
type innerRow struct {
	items   []innerItem
	w, h    int
	stacked bool // one item under the other
}

type innerItem struct {
	br    *tIf   // a bridge, or nil for a single interface
	ports []*tIf // bridge ports, or the one interface
	w, h  int
	extra []boxRow // labels under a bridge's ports
}

func newInnerRow(tn *tNode, brs []*tIf, ports map[string][]*tIf, down []*tIf, maxIW int) *innerRow {
	ir := &innerRow{}
	for _, br := range brs {
		it := innerItem{br: br, ports: ports[br.l.Name]}
		pw := 0
		for _, p := range it.ports {
			pw += cells(p.l.Name) + 4
		}
		title := br.l.Name + " · " + i18n.T("tui.map.bridge", "bridge")
		if len(br.addrs) > 0 {
			title += " · " + strings.Join(br.addrs, " ")
		}
		it.w = max(cells(title)+8, pw+2, 12)
		ir.items = append(ir.items, it)
	}
	for _, f := range down {
		ir.items = append(ir.items, innerItem{ports: []*tIf{f}})
	}
	total := 0
	for i := range ir.items {
		if ir.items[i].br == nil {
			ir.items[i].w = downItemWidth(ir.items[i].ports[0])
		}
		total += ir.items[i].w + 2
	}
	// too wide for one row: one item under the other, and only the last
	// one's cables run down (the others would cross it), named instead
	ir.stacked = total-2 > maxIW && len(ir.items) > 1
	if ir.stacked {
		for _, it := range ir.items[:len(ir.items)-1] {
			for _, p := range it.ports {
				if p.peer != nil && p.peer.node != tn.name {
					p.drawn, p.peer.drawn = false, false
				}
			}
		}
	}
	for i := range ir.items {
		it := &ir.items[i]
		if it.br == nil {
			it.w, it.h = downItemWidth(it.ports[0]), 1
		} else {
			for _, p := range it.ports {
				it.extra = append(it.extra, undrawnPort(p)...)
			}
			it.h = 3 + len(it.extra)
		}
		switch {
		case ir.stacked:
			ir.w = max(ir.w, it.w)
			ir.h += it.h
		default:
			if i > 0 {
				ir.w += 2
			}
			ir.w += it.w
			ir.h = max(ir.h, it.h)
		}
	}
	return ir
}

// downItemWidth is the width of an interface in the bottom row: ● name
// addresses, and the other end when its cable is not drawn.
func downItemWidth(f *tIf) int {
	return cells(downItemText(f)) + 2
}

func downItemText(f *tIf) string {
	s := ifText(f)
	if len(f.addrs) > 0 {
		s += " " + strings.Join(f.addrs, " ")
	}
	if !f.drawn {
		s += " ─ " + peerName(f)
	}
	return s
}

func undrawnPort(p *tIf) []boxRow {
	if p.drawn || (p.peer == nil && p.l.Peer == "") {
		return nil
	}
	return []boxRow{{segs: []seg{{p.l.Name + " ─ " + peerName(p), tsInfo}}}}
}

func (ir *innerRow) draw(b *mapBox, x0, y0 int, mk topoMarks) {
	c := b.c
	x := x0
	for _, it := range ir.items {
		if it.br == nil {
			f := it.ports[0]
			c.put(x, y0, mk.bullet(f), portStyle(f, mk))
			b.ports[f] = [2]int{x, y0}
			n := c.text(x+2, y0, ifText(f), mk.ifStyle(f), b.w-2-(x+2))
			if rest := downItemText(f)[len(ifText(f)):]; rest != "" {
				c.text(x+2+n, y0, rest, tsAddr, b.w-2-(x+2+n))
			}
			x, y0 = ir.next(x, y0, it)
			continue
		}
		w := min(it.w, b.w-2-x)
		if w < 4 {
			break
		}
		c.box(x, y0, w, it.h, tsBorder)
		br := it.br
		st := mk.ifStyle(br)
		// the bridge is an interface of the host too: a port in its title
		c.put(x+1, y0, '─', tsBorder)
		c.put(x+2, y0, ' ', tsPlain)
		c.put(x+3, y0, mk.bullet(br), portStyle(br, mk))
		b.ports[br] = [2]int{x + 3, y0}
		c.put(x+4, y0, ' ', tsPlain)
		n := c.text(x+5, y0, br.l.Name, st, w-7)
		rest := " · " + i18n.T("tui.map.bridge", "bridge")
		if len(br.addrs) > 0 {
			rest += " · " + strings.Join(br.addrs, " ")
		}
		n += c.text(x+5+n, y0, rest+" ", tsAddr, w-7-n)
		if len(it.ports) == 0 {
			c.text(x+2, y0+1, i18n.T("tui.map.noPorts", "no ports"), tsInfo, w-4)
		}
		px := x + 2
		for _, p := range it.ports {
			if px >= x+w-2 {
				break
			}
			c.put(px, y0+1, mk.bullet(p), portStyle(p, mk))
			b.ports[p] = [2]int{px, y0 + 1}
			px += 2 + c.text(px+2, y0+1, p.l.Name, mk.ifStyle(p), x+w-2-(px+2)) + 2
		}
		for i, e := range it.extra {
			c.text(x+2, y0+2+i, e.segs[0].s, tsInfo, w-4)
		}
		x, y0 = ir.next(x, y0, it)
	}
}

// next is where the item after it goes: beside it, or under it when the
// row is stacked.
func (ir *innerRow) next(x, y int, it innerItem) (int, int) {
	if ir.stacked {
		return x, y + it.h
	}
	return x + it.w + 2, y
}

// layoutTopo draws the whole map w cells wide.
func layoutTopo(snap *engine.Snapshot, w int, mk topoMarks) *canvas {
	tops := buildTopo(snap)
	// several machines: each host framed with its namespaces (topology_hosts.go)
	if c := layoutMachines(tops, w, mk); c != nil {
		return c
	}
	c := newCanvas(w)
	// side by side if the hosts fit, with cables between neighbours
	if boxes := hostGroup(tops, w, mk, true); boxes != nil {
		drawGroup(c, boxes, 0, w, mk)
		return c
	}
	y := 0
	for _, tn := range tops {
		boxes := hostGroup([]*tNode{tn}, w, mk, false)
		y = drawGroup(c, boxes, y, w, mk) + 1
	}
	return c
}

// resetDrawn forgets which cables a previous attempt drew (and where).
func resetDrawn(tns []*tNode) {
	for _, tn := range tns {
		for _, f := range tn.ifs {
			f.drawn, f.edge = false, false
		}
		resetDrawn(tn.kids)
	}
}

// hostGroup builds the boxes of hosts side by side; with across it
// returns nil when they do not fit in w.
func hostGroup(tns []*tNode, w int, mk topoMarks, across bool) []*mapBox {
	boxes := hostBoxes(tns, w, mk, across)
	total := 2 * (len(boxes) - 1)
	for _, b := range boxes {
		total += b.w
	}
	if across && total > w && len(tns) > 1 {
		return nil
	}
	return boxes
}

// hostBoxes is hostGroup without the test that the boxes fit in w (each
// is still at most w wide).
func hostBoxes(tns []*tNode, w int, mk topoMarks, across bool) []*mapBox {
	resetDrawn(tns)
	// cables and tunnels between neighbours, in order: their rows
	type ext struct{ l, r *tIf }
	var exts []ext
	if across {
		for i := 0; i+1 < len(tns); i++ {
			for _, f := range tns[i].ifs {
				if f.peer != nil && f.peer.node == tns[i+1].name && f.l.Master == "" && f.peer.l.Master == "" {
					exts = append(exts, ext{f, f.peer})
					f.drawn, f.peer.drawn = true, true
				}
			}
		}
	}
	// which host interfaces run down to a namespace of the host
	down := map[*tIf]bool{}
	for _, tn := range tns {
		kid := map[string]bool{}
		for _, k := range tn.kids {
			kid[k.name] = true
		}
		for _, f := range tn.ifs {
			if f.peer != nil && !f.tun && kid[f.peer.node] {
				// drawn unless the namespace lands where no cable reaches
				// (drawGroup takes it back and labels the namespace's end)
				down[f], f.drawn, f.peer.drawn = true, true, true
			}
		}
	}
	var boxes []*mapBox
	for _, tn := range tns {
		var rows []boxRow
		for _, e := range exts {
			switch {
			case e.l.node == tn.name:
				rows = append(rows, extRow(e.l, true, mk))
			case e.r.node == tn.name:
				rows = append(rows, extRow(e.r, false, mk))
			default:
				rows = append(rows, boxRow{})
			}
		}
		rows = append(rows, infoRows(tn, mk)...)
		ports := map[string][]*tIf{}
		var brs, downs []*tIf
		for _, f := range tn.ifs {
			if f.l.Master != "" && tn.byName[f.l.Master] != nil && tn.byName[f.l.Master].l.Kind == "bridge" {
				ports[f.l.Master] = append(ports[f.l.Master], f)
				continue
			}
			switch {
			case f.l.Kind == "bridge":
				brs = append(brs, f)
			case down[f]:
				downs = append(downs, f)
			case f.drawn:
			default:
				rows = append(rows, ifRows(f, mk, false, true)...)
			}
		}
		var inner *innerRow
		if len(brs)+len(downs) > 0 {
			inner = newInnerRow(tn, brs, ports, downs, w-4)
		}
		b := drawBox(tn, hostTitle(tn), rows, inner, w, mk)
		boxes = append(boxes, b)
	}
	x := 0
	for _, b := range boxes {
		b.x = x
		x += b.w + 2
	}
	return boxes
}

func hostTitle(tn *tNode) string {
	switch {
	case tn.name == "internet":
		return i18n.T("tui.map.outside", "outside")
	case tn.n.Kind == engine.KindHost:
		return i18n.T("tui.map.labHost", "lab host")
	}
	return i18n.T("tui.map.namespace", "namespace")
}

// extRow is an interface cabled to the neighbouring host: at the box's
// right edge (name, then ●) or at its left (● then name).
func extRow(f *tIf, right bool, mk topoMarks) boxRow {
	st := mk.ifStyle(f)
	addr := strings.Join(f.addrs, " ")
	if right {
		var segs []seg
		if addr != "" {
			segs = append(segs, seg{addr + " ", tsAddr})
		}
		return boxRow{port: f, right: true, segs: append(segs, seg{ifText(f), st})}
	}
	r := boxRow{port: f, segs: []seg{{ifText(f), st}}}
	if addr != "" {
		r.segs = append(r.segs, seg{" " + addr, tsAddr})
	}
	return r
}

// drawGroup draws host boxes at y, the cables between them, their
// namespaces below and the cables down to them; it returns the next free
// row.
func drawGroup(c *canvas, boxes []*mapBox, y, w int, mk topoMarks) int {
	hb := 0
	for _, b := range boxes {
		b.y = y
		c.blit(b.c, b.x, y)
		hb = max(hb, b.h)
	}
	// cables across: from a right-edge ● to the neighbour's left-edge ●
	for i := 0; i+1 < len(boxes); i++ {
		l, r := boxes[i], boxes[i+1]
		for f, p := range l.ports {
			q, ok := r.ports[f.peer]
			if !ok || !f.drawn || p[1] != q[1] {
				continue
			}
			st, dash := tsCable, false
			if f.tun {
				st, dash = tsTunnel, true
			}
			if mk.changed[f.key()] || mk.changed[f.peer.key()] {
				st = tsChanged
			}
			c.line(l.x+p[0], y+p[1], r.x+q[0], y+q[1], st, dash)
		}
	}
	// namespaces: below their host, each pulled under its cable if it can
	type down struct {
		from [2]int // absolute ● on the host
		to   *tIf
	}
	var kids []*mapBox
	var downs []down
	type kidPlan struct {
		k      *tNode
		from   *tIf   // the host's end of its drawn cable, if any
		fromAt [2]int // absolute ● on the host
		to     *tIf
	}
	var plans []kidPlan
	for _, hb := range boxes {
		var mine []kidPlan
		for _, k := range hb.tn.kids {
			pl := kidPlan{k: k}
			for _, f := range k.ifs {
				if f.peer != nil && !f.tun && f.peer.node == hb.tn.name {
					if p, ok := hb.ports[f.peer]; ok && f.peer.drawn {
						pl.from, pl.fromAt, pl.to = f.peer, [2]int{hb.x + p[0], y + p[1]}, f
						break
					}
				}
			}
			for _, f := range k.ifs {
				if f != pl.to && f.peer != nil && !f.tun && f.peer.node == hb.tn.name {
					f.drawn, f.peer.drawn = false, false // one cable per namespace is drawn
				}
			}
			mine = append(mine, pl)
		}
		// cabled namespaces first, in the order of their ports, so that
		// cables run straight down where they can
		sort.SliceStable(mine, func(i, j int) bool {
			a, b := mine[i], mine[j]
			if (a.from != nil) != (b.from != nil) {
				return a.from != nil
			}
			return a.from != nil && a.fromAt[0] < b.fromAt[0]
		})
		plans = append(plans, mine...)
	}
	cursor, row, inRow := 2, 0, 0 // indented under their hosts
	for _, pl := range plans {
		kb := kidBox(pl.k, pl.to, w, mk)
		if inRow > 0 && cursor+kb.w > w {
			row, cursor, inRow = row+1, 0, 0
		}
		if pl.from != nil && row > 0 {
			// no cable reaches a second row: name the other end instead
			pl.from.drawn, pl.to.drawn = false, false
			kb = kidBox(pl.k, pl.to, w, mk)
			if inRow > 0 && cursor+kb.w > w {
				row, cursor, inRow = row+1, 0, 0
			}
		}
		x := cursor
		if x+kb.w > w {
			x = 0 // too wide to indent
		}
		if pl.from != nil && row == 0 {
			if want := pl.fromAt[0] - 2; want > x && want+kb.w <= w {
				x = want
			}
			downs = append(downs, down{from: pl.fromAt, to: pl.to})
		}
		kb.x, kb.row = x, row
		cursor, inRow = x+kb.w+1, inRow+1
		kids = append(kids, kb)
	}
	if len(kids) == 0 {
		return y + hb
	}
	// tracks: one row per cable that jogs sideways, shared when apart
	kidAt := map[*tIf][2]int{}
	for _, kb := range kids {
		for f, p := range kb.ports {
			kidAt[f] = [2]int{kb.x + p[0], p[1]}
		}
	}
	type span struct{ a, b, track int }
	spans := make([]span, len(downs))
	var tracks [][]span
	for i, d := range downs {
		a, b := d.from[0], kidAt[d.to][0]
		if a > b {
			a, b = b, a
		}
		spans[i] = span{a, b, -1}
		if a == b {
			continue
		}
		for t := 0; spans[i].track < 0; t++ {
			if t == len(tracks) {
				tracks = append(tracks, nil)
			}
			free := true
			for _, o := range tracks[t] {
				if a <= o.b+1 && o.a <= b+1 {
					free = false
					break
				}
			}
			if free {
				spans[i].track = t
				tracks[t] = append(tracks[t], spans[i])
			}
		}
	}
	kidTop := y + hb + max(len(tracks), 1)
	rowH := map[int]int{}
	for _, kb := range kids {
		rowH[kb.row] = max(rowH[kb.row], kb.h)
	}
	rowY := map[int]int{0: kidTop}
	for r := 1; r <= row; r++ {
		rowY[r] = rowY[r-1] + rowH[r-1] + 1
	}
	for _, kb := range kids {
		kb.y = rowY[kb.row]
		c.blit(kb.c, kb.x, kb.y)
	}
	for _, b := range boxes {
		b.placed = kids
	}
	for i, d := range downs {
		to := kidAt[d.to]
		tx, ty := to[0], kidTop+to[1]
		st := tsCable
		if mk.changed[d.to.key()] || mk.changed[d.to.peer.key()] {
			st = tsChanged
		}
		if spans[i].track < 0 {
			c.line(d.from[0], d.from[1], tx, ty, st, false)
			continue
		}
		jy := y + hb + spans[i].track
		c.line(d.from[0], d.from[1], d.from[0], jy, st, false)
		c.line(d.from[0], jy, tx, jy, st, false)
		c.line(tx, jy, tx, ty, st, false)
	}
	return rowY[row] + rowH[row]
}

// kidBox is a namespace's box: the interface cabled to its host first, at
// the top, so its cable comes straight in.
func kidBox(k *tNode, first *tIf, w int, mk topoMarks) *mapBox {
	var rows []boxRow
	ifs := append([]*tIf(nil), k.ifs...)
	sort.SliceStable(ifs, func(i, j int) bool { return ifs[i] == first && ifs[j] != first })
	for _, f := range ifs {
		if f.edge {
			rows = append(rows, extRow(f, true, mk))
			continue
		}
		rows = append(rows, ifRows(f, mk, true, false)...)
	}
	rows = append(rows, infoRows(k, mk)...)
	if len(rows) == 0 {
		rows = append(rows, boxRow{segs: []seg{{i18n.T("tui.map.empty", "empty"), tsInfo}}})
	}
	return drawBox(k, "", rows, nil, w, mk)
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
