package tui

import "github.com/netlab/netlab/engine"

// A lab of several machines (two lab hosts each holding its containers,
// as the overlay, macvlan and crosshost labs build) is drawn host by
// host: each host that holds namespaces is a frame around its own box and
// its namespaces' boxes below it. The frames stand side by side, with the
// underlay cable (and a tunnel between the hosts themselves, flannel.1)
// drawn straight across between neighbours, and a tunnel between two
// namespaces on neighbouring hosts (Docker's vxlan0) drawn dashed through
// the gap between their frames; when the frames do not fit side by side
// they are stacked and each cable names its far end. A lab with one such
// host (an "internet" host holds no namespace) keeps the one-map layout.

// machineMinInner is the narrowest a frame's inside may be side by side.
const machineMinInner = 24

// isMachine reports whether tn is a lab host that holds namespaces.
func isMachine(tn *tNode) bool { return tn.n.Kind == engine.KindHost && len(tn.kids) > 0 }

// layoutMachines draws tops host by host, or returns nil when fewer than
// two hosts hold namespaces.
func layoutMachines(tops []*tNode, w int, mk topoMarks) *canvas {
	n := 0
	for _, tn := range tops {
		if isMachine(tn) {
			n++
		}
	}
	if n < 2 {
		return nil
	}
	if c := machinesAcross(tops, n, w, mk, true); c != nil {
		return c
	}
	c := newCanvas(w)
	y := 0
	for _, tn := range tops {
		if !isMachine(tn) {
			y = drawGroup(c, hostGroup([]*tNode{tn}, w, mk, false), y, w, mk) + 1
			continue
		}
		f, _ := machineFrame(hostGroup([]*tNode{tn}, w-4, mk, false)[0], w-4, mk)
		c.blit(f, 0, y)
		y += len(f.rows) + 1
	}
	return c
}

// machinesAcross draws the top nodes side by side, the n machines framed
// and sharing what the others leave of w; nil when they do not fit. With
// tunnels it draws the tunnels between namespaces of neighbouring hosts
// too, and if one cannot be drawn clear of the other boxes it draws the
// map again naming them instead.
func machinesAcross(tops []*tNode, n, w int, mk topoMarks, tunnels bool) *canvas {
	boxes := hostBoxes(tops, w, mk, true)
	rest := w - 2*(len(boxes)-1) - 4*n
	for _, b := range boxes {
		if !isMachine(b.tn) {
			rest -= b.w
		}
	}
	// each frame gets its host box's width, then an equal share of the rest
	for _, b := range boxes {
		if isMachine(b.tn) {
			rest -= max(b.w, machineMinInner)
		}
	}
	if rest < 0 {
		return nil
	}
	var tuns []*tIf // the left ends of namespace tunnels to draw
	if tunnels {
		tuns = kidTunnels(tops)
	}
	c := newCanvas(w)
	at := make([][2]int, len(boxes)) // where each host box landed
	frames := make([]*machineDrawn, len(boxes))
	x := 0
	for i, b := range boxes {
		if !isMachine(b.tn) {
			c.blit(b.c, x, 1)
			at[i] = [2]int{x, 1}
			x += b.w + 2
			continue
		}
		f, kids := machineFrame(b, max(b.w, machineMinInner)+rest/n, mk)
		c.blit(f, x, 0)
		at[i] = [2]int{x + 2, 1}
		frames[i] = &machineDrawn{x: x, w: f.w, kids: kids}
		x += f.w + 2
	}
	for _, f := range tuns {
		if !drawKidTunnel(c, f, frames, mk) {
			return machinesAcross(tops, n, w, mk, false)
		}
	}
	// the underlay and host tunnels: from a right-edge ● to the
	// neighbour's left-edge ●, across both frames
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
			c.line(at[i][0]+p[0], at[i][1]+p[1], at[i+1][0]+q[0], at[i+1][1]+q[1], st, dash)
		}
	}
	return c
}

// machineDrawn is a machine's frame on the map and where its namespaces'
// boxes are inside it.
type machineDrawn struct {
	x, w int
	kids []*mapBox
}

// machineFrame draws host box b with its namespaces below it on a canvas
// iw wide, and frames it: the framed canvas (the box lands at 2, 1) and
// the namespaces' boxes, placed relative to the frame.
func machineFrame(b *mapBox, iw int, mk topoMarks) (*canvas, []*mapBox) {
	sub := newCanvas(iw)
	b.x = 0
	h := drawGroup(sub, []*mapBox{b}, 0, iw, mk)
	used := 0
	for _, row := range sub.rows {
		for x := len(row) - 1; x >= used; x-- {
			if row[x].r != 0 || row[x].dirs != 0 {
				used = x + 1
				break
			}
		}
	}
	f := newCanvas(used + 4)
	f.box(0, 0, used+4, h+2, tsBorder)
	f.blit(sub, 2, 1)
	return f, b.placed
}

// kidTunnels finds the tunnels between a namespace of a machine and one
// of the next machine in tops, marks them to be drawn (the left end's ●
// on its box's right edge) and orders the namespaces so the two ends
// face each other: the left one last under its host, the right one first.
func kidTunnels(tops []*tNode) []*tIf {
	var out []*tIf
	for i := 0; i+1 < len(tops); i++ {
		l, r := tops[i], tops[i+1]
		if !isMachine(l) || !isMachine(r) {
			continue
		}
		rkids := map[string]bool{}
		for _, k := range r.kids {
			rkids[k.name] = true
		}
		var lh, rh *tNode
		for _, k := range l.kids {
			for _, f := range k.ifs {
				if f.tun && f.peer != nil && rkids[f.peer.node] && lh == nil {
					f.edge, f.drawn, f.peer.drawn = true, true, true
					out = append(out, f)
					lh = k
					for _, rk := range r.kids {
						if rk.name == f.peer.node {
							rh = rk
						}
					}
				}
			}
		}
		if lh != nil {
			moveKid(l, lh, false)
			moveKid(r, rh, true)
		}
	}
	return out
}

// moveKid moves namespace k to the front or the back of tn's namespaces.
func moveKid(tn, k *tNode, front bool) {
	var rest []*tNode
	for _, o := range tn.kids {
		if o != k {
			rest = append(rest, o)
		}
	}
	if front {
		tn.kids = append([]*tNode{k}, rest...)
	} else {
		tn.kids = append(rest, k)
	}
}

// drawKidTunnel draws the tunnel from f (on its box's right edge) to its
// peer dashed: right out of f's frame, along the gap between the frames,
// into the peer's box from the left. It reports false, drawing nothing,
// when the way crosses another box or text.
func drawKidTunnel(c *canvas, f *tIf, frames []*machineDrawn, mk topoMarks) bool {
	find := func(t *tIf) (fr *machineDrawn, at [2]int, ok bool) {
		for _, fr := range frames {
			if fr == nil {
				continue
			}
			for _, kb := range fr.kids {
				if p, ok := kb.ports[t]; ok {
					return fr, [2]int{fr.x + 2 + kb.x + p[0], 1 + kb.y + p[1]}, true
				}
			}
		}
		return nil, [2]int{}, false
	}
	lf, a, ok1 := find(f)
	_, b, ok2 := find(f.peer)
	if !ok1 || !ok2 {
		return false
	}
	gx := lf.x + lf.w // the first cell of the gap after the left frame
	// going right from a, then into b from the left, exactly two borders
	// (the box's and the frame's) are crossed and nothing else touched
	clear := func(y, x0, x1 int) bool {
		crossed := 0
		for x := x0; x <= x1; x++ {
			if y >= len(c.rows) || x >= c.w {
				return false
			}
			cl := c.rows[y][x]
			switch {
			case cl.r != 0 || cl.dirs&(dLeft|dRight) != 0:
				return false
			case cl.dirs != 0:
				crossed++
			}
		}
		return crossed == 2
	}
	if !clear(a[1], a[0]+1, gx) || !clear(b[1], gx+1, b[0]-1) {
		return false
	}
	for y := min(a[1], b[1]) + 1; y < max(a[1], b[1]); y++ {
		if y < len(c.rows) && (c.rows[y][gx].r != 0 || c.rows[y][gx].dirs != 0) {
			return false
		}
	}
	st := tsTunnel
	if mk.changed[f.key()] || mk.changed[f.peer.key()] {
		st = tsChanged
	}
	c.line(a[0], a[1], gx, a[1], st, true)
	c.line(gx, a[1], gx, b[1], st, true)
	c.line(gx, b[1], b[0], b[1], st, true)
	return true
}
