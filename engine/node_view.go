package engine

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A nodeView keeps what a snapshot last read from a node's kernel tables
// (links and addresses, routes, neighbours, forwarding entries) for as
// long as nothing in them changed, so that the next snapshot reads again
// only what did. It learns of changes from a NETLINK_ROUTE socket in the
// node's namespace that joins the link, address, route and neighbour
// notification groups: the kernel queues a notification on it as part of
// each change (for a change netlab asks for, before the request is
// answered) and for what it changes by itself (carrier, operstate,
// neighbour states, IPv6 addresses).
//
// Not every change is announced as the table it touches: a link going down
// takes its IPv4 routes with it silently, so a link notification makes
// every part stale, an address one the links and routes. And the kernel
// unlists a deleted link just before it announces it, so whatever deleted
// a link (a command of the lab's, a deleted namespace's veth peer) marks
// the node stale itself (stale). A view is only ever reused whole for a
// part, and the parts that name other nodes' links (a veth's peer) are
// still made anew from the names every snapshot reads.
type nodeView struct {
	mu    sync.Mutex
	watch int    // the notification socket, -1 when none could be opened
	buf   []byte // drain's, made once
	epoch uint64 // the session's handle epoch the view was read in
	fresh uint8  // the parts (viewLinks...) that hold the kernel's tables

	links   nodeLinks      // settled links and addresses
	nsids   map[int]string // netnsid -> node name, for the links
	peers   map[int]string // netnsid -> node name, every one found in the epoch
	hairpin map[int]bool   // bridge port index -> hairpin mode
	inherit map[int]bool   // vxlan index -> ttl inherit
	routes  []netlink.Route
	neighs  []netlink.Neigh
	fdb     []fdbEntry
}

// The parts of a view, each read with its own request.
const (
	viewLinks uint8 = 1 << iota
	viewRoutes
	viewNeighs
	viewFdb
	viewPorts // hairpin and inherit, read after the links
	viewAll   = viewLinks | viewRoutes | viewNeighs | viewFdb | viewPorts
)

// viewReuses counts the snapshots' reads of a node's links that its view
// saved, for tests.
var viewReuses atomic.Int64

// watchGroups are the rtnetlink groups a view listens to.
var watchGroups = []int{unix.RTNLGRP_LINK, unix.RTNLGRP_IPV6_IFINFO, unix.RTNLGRP_NEIGH,
	unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_IFADDR, unix.RTNLGRP_IPV4_ROUTE}

// openWatch opens the notification socket in the calling thread's
// namespace; -1 when it cannot, and then the view is never reused.
func openWatch() int {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return -1
	}
	var groups uint32
	for _, g := range watchGroups {
		groups |= 1 << (g - 1)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		unix.Close(fd)
		return -1
	}
	return fd
}

// newNodeView is a view with nothing read yet, watching through fd.
func newNodeView(fd int) *nodeView { return &nodeView{watch: fd} }

// close closes the notification socket.
func (v *nodeView) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.watch >= 0 {
		unix.Close(v.watch)
		v.watch = -1
	}
	v.fresh = 0
}

// stale forgets every part: the node changed in a way its notifications
// may not have told yet.
func (v *nodeView) stale() {
	if v == nil {
		return
	}
	v.mu.Lock()
	v.fresh = 0
	v.mu.Unlock()
}

// begin starts a snapshot's read of the node: it takes in the
// notifications queued since the last read, forgets the parts they make
// stale (all of them when the session's nodes changed since), and
// reports whether the links part still holds.
func (v *nodeView) begin(epoch uint64) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	changed := v.drain()
	if v.epoch != epoch || v.watch < 0 {
		changed = viewAll
	}
	if v.epoch != epoch {
		v.peers = nil
	}
	v.epoch = epoch
	v.fresh &^= changed
	return v.fresh&viewLinks != 0
}

// beginAll is begin for each of a snapshot's nodes, in the order of
// nodes, reporting for each whether its links part still holds. A node's
// view holds no longer when a node one of its links' peers lives in
// changed, although no notification of its own says so yet: a veth takes
// its carrier from its peer, and the kernel changes the carrier at once
// (setting one end down takes the other's) but announces it, with the
// operstate, routes and addresses that follow, only when its link watch
// gets to the link, later and on another thread. Such a node's view is
// made stale whole; re-read, its links show the passing state and are
// waited for (settledLinks). And so on along the peers: a macvlan follows
// its lower device's carrier, which may itself follow a veth peer's. The
// other way too: a macvlan or vlan with a MAC of its own, set up or down,
// adds its address to its lower device's unicast list (listed as a "self"
// forwarding entry, see fdbKept) or takes it off, and turns promiscuity
// on or off there, with no notification in the lower device's node.
func beginAll(nodes []Node, views []*nodeView, epoch uint64) []bool {
	holds := make([]bool, len(views))
	changed := map[string]bool{}
	for i, v := range views {
		holds[i] = v != nil && v.begin(epoch)
		if !holds[i] {
			changed[nodes[i].Name] = true
		}
	}
	for more := len(changed) > 0; more; {
		more = false
		named := map[string]bool{} // the nodes a changed node's links name
		for i, v := range views {
			if v != nil && changed[nodes[i].Name] {
				v.peerNames(named)
			}
		}
		for i, v := range views {
			if holds[i] && (named[nodes[i].Name] || v.peersIn(changed)) {
				v.stale()
				holds[i] = false
				changed[nodes[i].Name] = true
				more = true
			}
		}
	}
	return holds
}

// peerNames adds to names the nodes the view's links name.
func (v *nodeView) peerNames(names map[string]bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, n := range v.nsids {
		names[n] = true
	}
}

// peersIn reports whether a link the view holds has its peer (or lower
// device) in one of nodes.
func (v *nodeView) peersIn(nodes map[string]bool) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, n := range v.nsids {
		if nodes[n] {
			return true
		}
	}
	return false
}

// drain reads every queued notification and returns the parts they make
// stale. A lost notification (the socket's queue overflowed) or anything
// unexpected makes all of them stale.
func (v *nodeView) drain() uint8 {
	if v.watch < 0 {
		return viewAll
	}
	var changed uint8
	if v.buf == nil {
		v.buf = make([]byte, 1<<15) // a notification is one message of a few KiB
	}
	buf := v.buf
	for {
		n, _, err := unix.Recvfrom(v.watch, buf, unix.MSG_DONTWAIT)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return changed
		case errors.Is(err, unix.ENOBUFS):
			changed = viewAll // some were dropped; the queue goes on
			continue
		case err != nil, n >= len(buf):
			return viewAll
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return viewAll
		}
		for _, m := range msgs {
			changed |= staleParts(m.Header.Type)
		}
	}
}

// staleParts is what a notification of type t makes stale.
func staleParts(t uint16) uint8 {
	switch t {
	case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
		return viewRoutes
	case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
		return viewNeighs | viewFdb
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		return viewLinks | viewRoutes
	default: // links, and anything unexpected
		return viewAll
	}
}

// peer is the node a netnsid was found to stand for in this epoch, or "".
func (v *nodeView) peer(id int) string {
	if v == nil {
		return ""
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.peers[id]
}

// learnPeer records that id stands for node.
func (v *nodeView) learnPeer(id int, node string) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.peers == nil {
		v.peers = map[int]string{}
	}
	v.peers[id] = node
}

// has reports whether part holds.
func (v *nodeView) has(part uint8) bool {
	if v == nil {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.fresh&part != 0
}

// keep records that part now holds what was just read by fill.
func (v *nodeView) keep(part uint8, fill func(v *nodeView)) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	fill(v)
	v.fresh |= part
}

// view is the node's view, nil for a context outside a session.
func (x *execCtx) view() *nodeView {
	if c := x.cache(); c != nil {
		return c.view
	}
	return nil
}

// routeList is the node's IPv4 routes, as the view holds them or read.
func (r *nodeReader) routeList() ([]netlink.Route, error) {
	v := r.x.view()
	if v.has(viewRoutes) {
		return v.routes, nil
	}
	routes, err := r.x.routeList(nil, netlink.FAMILY_V4)
	if err == nil {
		v.keep(viewRoutes, func(v *nodeView) { v.routes = routes })
	}
	return routes, err
}

// neighList is the node's neighbour entries, both families.
func (r *nodeReader) neighList() ([]netlink.Neigh, error) {
	v := r.x.view()
	if v.has(viewNeighs) {
		return v.neighs, nil
	}
	neighs, err := r.x.neighList(0, netlink.FAMILY_ALL)
	if err == nil {
		v.keep(viewNeighs, func(v *nodeView) { v.neighs = neighs })
	}
	return neighs, err
}

// fdbList is the node's forwarding entries (see fdbQuick).
func (r *nodeReader) fdbList() ([]fdbEntry, error) {
	v := r.x.view()
	if v.has(viewFdb) {
		return v.fdb, nil
	}
	entries, err := fdbQuick(r.x, newFdbNames(r.links.links))
	if err == nil {
		v.keep(viewFdb, func(v *nodeView) { v.fdb = entries })
	}
	return entries, err
}

// ports is, for the links that need a request of their own (a bridge
// port's hairpin mode, a vxlan's ttl inherit), what it answered, by
// link index.
func (r *nodeReader) ports() (hairpins, inherits map[int]bool) {
	v := r.x.view()
	if v.has(viewPorts) {
		return v.hairpin, v.inherit
	}
	hairpins, inherits = map[int]bool{}, map[int]bool{}
	for _, l := range r.links.links {
		at := l.Attrs()
		if at.MasterIndex != 0 {
			hairpins[at.Index] = hairpin(r.x.h, l)
		}
		if _, ok := l.(*netlink.Vxlan); ok {
			if raw, err := r.x.rawLink(at.Index); err == nil {
				inherits[at.Index] = u8(raw.data[unix.IFLA_VXLAN_TTL_INHERIT]) != 0 // written as a flag, read back as a u8
			}
		}
	}
	v.keep(viewPorts, func(v *nodeView) { v.hairpin, v.inherit = hairpins, inherits })
	return hairpins, inherits
}
