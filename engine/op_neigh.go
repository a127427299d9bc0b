package engine

// This file holds the neighbour table as a kernel object: the static
// entries "ip neigh add" writes, and the ARP and NDP entries that hold a
// link-layer address (NeighSnap). What the kernel
// learns is recorded too, so undo forgets it, and it is restored last, over
// every node and twice (see restoreLab).

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// neighOp is "ip neigh add|replace|change|del": a static entry in a
// node's neighbour table, as flannel's vxlan backend writes them.
type neighOp struct{ cmdline.Neigh }

// decides: the entry for the address on the device; a flush, the
// device's table (the node's, for "flush all").
func (a *neighOp) decides(node string) []string {
	if a.Verb == "flush" {
		if a.Dev == "" {
			return []string{node + ":neigh"}
		}
		return []string{node + "/" + a.Dev + ":neigh"}
	}
	return []string{node + "/" + a.Dev + ":neigh " + a.Addr.String()}
}

// nudStates maps iproute2's nud words to the kernel's states.
var nudStates = map[string]int{
	"permanent": unix.NUD_PERMANENT, "reachable": unix.NUD_REACHABLE,
	"stale": unix.NUD_STALE, "noarp": unix.NUD_NOARP,
}

func (a *neighOp) run(x *execCtx) (string, error) {
	if a.Verb == "flush" {
		return "", a.flush(x)
	}
	l, err := x.link(a.Dev)
	if err != nil {
		return "", err
	}
	n := &netlink.Neigh{LinkIndex: l.Attrs().Index, Family: unix.AF_INET, IP: a.Addr, HardwareAddr: a.LLAddr, State: nudStates[a.State]}
	switch a.Verb {
	case "add":
		err = x.h.NeighAdd(n)
	case "replace":
		err = x.h.NeighSet(n)
	case "change": // replace, but only an entry that exists
		var old *netlink.Neigh
		if old, err = a.entry(x); err == nil && old == nil {
			err = unix.ENOENT
		} else if err == nil {
			err = x.h.NeighSet(n)
		}
	case "del":
		err = x.h.NeighDel(n)
	}
	switch {
	case err == nil:
		return "", nil
	case errors.Is(err, unix.EEXIST):
		return "", errors.New("RTNETLINK answers: File exists")
	case errors.Is(err, unix.ENOENT):
		return "", errors.New("RTNETLINK answers: No such file or directory")
	}
	return "", fmt.Errorf("RTNETLINK answers: %w", err)
}

// entry is the node's entry for the address on the device, or nil.
func (a *neighOp) entry(x *execCtx) (*netlink.Neigh, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return nil, err
	}
	ns, err := x.neighList(l.Attrs().Index, unix.AF_INET)
	if err != nil {
		return nil, err
	}
	for i := range ns {
		if ns[i].IP.Equal(a.Addr) {
			return &ns[i], nil
		}
	}
	return nil, nil
}

func (a *neighOp) check(x *execCtx) error {
	if a.Verb == "flush" {
		return a.checkFlush(x)
	}
	n, err := a.entry(x)
	if err != nil {
		return err
	}
	if a.Verb == "del" {
		if n != nil && n.State&(unix.NUD_PERMANENT|unix.NUD_NOARP) != 0 {
			return problem("check.neigh.still", "{{.Node}} still has the neighbour entry {{.Addr}} dev {{.Dev}}", "Node", x.node.Name, "Addr", a.Addr, "Dev", a.Dev)
		}
		return nil
	}
	switch {
	case n == nil:
		return problem("check.neigh.missing", "{{.Node}} has no neighbour entry {{.Addr}} dev {{.Dev}}", "Node", x.node.Name, "Addr", a.Addr, "Dev", a.Dev)
	case a.LLAddr != nil && n.HardwareAddr.String() != a.LLAddr.String():
		return problem("check.neigh.lladdr", "{{.Node}} has the neighbour {{.Addr}} dev {{.Dev}} at {{.Got}}, not {{.Want}}", "Node", x.node.Name, "Addr", a.Addr, "Dev", a.Dev, "Got", n.HardwareAddr, "Want", a.LLAddr)
	case a.State == "permanent" && n.State&unix.NUD_PERMANENT == 0:
		return problem("check.neigh.permanent", "the neighbour entry {{.Addr}} dev {{.Dev}} on {{.Node}} is not permanent", "Addr", a.Addr, "Dev", a.Dev, "Node", x.node.Name)
	}
	return nil
}

// neighObject is a node's neighbour tables. They are learned state: a
// snapshot without Learned does not record them, and comparisons and undo
// with such a snapshot leave them be.
type neighObject struct{}

func (neighObject) kind() string { return "neigh" }

func (neighObject) read(r *nodeReader, ns *NodeSnap) error {
	var all []netlink.Addr
	for _, as := range r.links.addrs {
		all = append(all, as...)
	}
	list, err := r.neighList()
	if err != nil {
		return fmt.Errorf("%s: list neighbours: %w", r.node.Name, err)
	}
	ns.Neighs = neighSnaps(list, r.names[r.node.Name], broadcasts(all))
	return nil
}

func (neighObject) facts(node string, n *NodeSnap, learned bool) []fact {
	if !learned {
		return nil
	}
	return neighFacts(node, n.Neighs)
}

// restoreLab comes last, over every node and twice, and only when all
// else was restored: a link going down or changing its MAC flushes
// neighbours, and a probe a node sent before its own table was set (a
// peer's entry in DELAY) teaches the node it reaches; the second pass
// forgets that again, with no probe left pending anywhere after the first.
func (neighObject) restoreLab(rc *reconciler) error {
	if !rc.want.Learned || rc.failed() {
		return nil
	}
	for pass := 0; pass < 2; pass++ {
		for _, name := range rc.want.Order {
			x, err := rc.s.ctx(name)
			if err != nil {
				return err
			}
			if err := setNeighs(x, rc.want.Nodes[name]); err != nil && pass == 1 {
				rc.fail(fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	return nil
}

// text is the comparable, displayed form: "192.168.88.12 lladdr ... dev veth01".
func (n NeighSnap) text() string {
	t := n.IP + " lladdr " + n.LLAddr + " dev " + n.Dev
	switch n.State {
	case "PERMANENT":
		t += " permanent"
	case "NOARP":
		t += " noarp"
	}
	return t
}

// snapNeighStates maps the NUD states a snapshot keeps to their names. The
// kernel's own entries (NOARP ones for loopback, broadcast and multicast
// addresses, see kernelNoarp) and entries without an address (INCOMPLETE,
// FAILED, NONE) are left out: the first are recreated by the kernel on
// use, the second resolve again exactly as if they were absent. A NOARP
// entry for a unicast address is one "ip neigh add ... nud noarp" wrote.
var snapNeighStates = map[int]string{
	unix.NUD_REACHABLE: "REACHABLE",
	unix.NUD_STALE:     "STALE",
	unix.NUD_DELAY:     "STALE",
	unix.NUD_PROBE:     "STALE",
	unix.NUD_PERMANENT: "PERMANENT",
	unix.NUD_NOARP:     "NOARP",
}

// neighKept reports whether undo manages the entry at all: everything but
// the kernel's NOARP entries (bcast holds the node's broadcast addresses)
// and proxy entries.
func neighKept(n netlink.Neigh, bcast map[string]bool) bool {
	return (n.State&unix.NUD_NOARP == 0 || !kernelNoarp(n, bcast)) && n.Flags&netlink.NTF_PROXY == 0 &&
		(n.Family == unix.AF_INET || n.Family == unix.AF_INET6)
}

// kernelNoarp reports whether a NOARP entry is one the kernel makes by
// itself: for a multicast or broadcast address (or the broadcast MAC), an
// unspecified one, or on a link that does no ARP (lo: no or a zero MAC).
func kernelNoarp(n netlink.Neigh, bcast map[string]bool) bool {
	ip := n.IP
	return ip == nil || ip.IsMulticast() || ip.IsUnspecified() || ip.IsLoopback() || ip.Equal(net.IPv4bcast) ||
		bcast[ip.String()] || len(n.HardwareAddr) == 0 || bytes.Equal(n.HardwareAddr, make([]byte, len(n.HardwareAddr))) ||
		bytes.Equal(n.HardwareAddr, bytes.Repeat([]byte{0xff}, len(n.HardwareAddr)))
}

// broadcasts lists the IPv4 broadcast addresses of a node's addresses.
func broadcasts(addrs []netlink.Addr) map[string]bool {
	out := map[string]bool{}
	for _, a := range addrs {
		if a.Broadcast != nil {
			out[a.Broadcast.String()] = true
		}
		ip, m := a.IP.To4(), a.Mask
		if len(m) == net.IPv6len {
			m = m[12:]
		}
		if ip == nil || len(m) != net.IPv4len {
			continue
		}
		b := make(net.IP, net.IPv4len)
		for i := range b {
			b[i] = ip[i] | ^m[i]
		}
		out[b.String()] = true
	}
	return out
}

// neighSnaps records a node's neighbour entries (ns, both families) as a
// snapshot keeps them, sorted. names maps ifindex to link name; bcast holds the node's broadcast
// addresses.
func neighSnaps(ns []netlink.Neigh, names map[int]string, bcast map[string]bool) []NeighSnap {
	var out []NeighSnap
	for _, n := range ns {
		state, ok := snapNeighStates[n.State]
		if !ok || !neighKept(n, bcast) || len(n.HardwareAddr) == 0 || names[n.LinkIndex] == "" {
			continue
		}
		out = append(out, NeighSnap{IP: n.IP.String(), Dev: names[n.LinkIndex], LLAddr: n.HardwareAddr.String(), State: state})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dev != out[j].Dev {
			return out[i].Dev < out[j].Dev
		}
		return out[i].IP < out[j].IP
	})
	return out
}

// setNeighs makes the node's neighbour tables equal to w's: entries a step
// made the kernel learn are deleted (so a re-run of the step sends the
// same ARP request as the first run did), and entries that existed before
// are written back with the state they had, REACHABLE ones included, so a
// re-run finds the cache exactly as warm as the first run found it.
// Entries are compared by device, address and link-layer address.
func setNeighs(x *execCtx, w *NodeSnap) error {
	links, err := x.linkList()
	if err != nil {
		return err
	}
	index, names := map[string]int{}, map[int]string{}
	for _, l := range links {
		index[l.Attrs().Name] = l.Attrs().Index
		names[l.Attrs().Index] = l.Attrs().Name
	}
	want := map[string]NeighSnap{}
	for _, n := range w.Neighs {
		want[n.Dev+"|"+n.IP] = n
	}
	have, err := x.neighList(0, netlink.FAMILY_ALL)
	if err != nil {
		return fmt.Errorf("list neighbours: %w", err)
	}
	addrs, err := x.addrList(nil, netlink.FAMILY_V4)
	if err != nil {
		return err
	}
	bcast := broadcasts(addrs)
	var errs []error
	done := map[string]bool{}
	for _, n := range have {
		if !neighKept(n, bcast) {
			continue
		}
		key := names[n.LinkIndex] + "|" + n.IP.String()
		wn, ok := want[key]
		if !ok {
			d := n
			if err := x.h.NeighDel(&d); err != nil && !errors.Is(err, unix.ENOENT) {
				errs = append(errs, fmt.Errorf("forget neighbour %s dev %s: %w", n.IP, names[n.LinkIndex], err))
			}
			continue
		}
		// Kept as it is only when in the state recorded: a REACHABLE one
		// that went STALE is refreshed (a stale one probes when used, a
		// reachable one stays quiet), and one in DELAY or PROBE is set
		// back to STALE, which also cancels the probe it was about to send.
		done[key] = wn.LLAddr == n.HardwareAddr.String() && wn.State == snapNeighStates[n.State] &&
			n.State != unix.NUD_DELAY && n.State != unix.NUD_PROBE
	}
	for key, n := range want {
		if done[key] {
			continue
		}
		idx, ok := index[n.Dev]
		ip := net.ParseIP(n.IP)
		mac, err := net.ParseMAC(n.LLAddr)
		if !ok || ip == nil || err != nil {
			errs = append(errs, fmt.Errorf("cannot restore neighbour %q lladdr %q dev %q", n.IP, n.LLAddr, n.Dev))
			continue
		}
		fam, state := netlink.FAMILY_V6, unix.NUD_STALE
		if ip.To4() != nil {
			fam = netlink.FAMILY_V4
		}
		switch n.State {
		case "REACHABLE":
			state = unix.NUD_REACHABLE
		case "PERMANENT":
			state = unix.NUD_PERMANENT
		case "NOARP":
			state = unix.NUD_NOARP
		}
		e := &netlink.Neigh{LinkIndex: idx, Family: fam, State: state, IP: ip, HardwareAddr: mac}
		if err := x.h.NeighSet(e); err != nil {
			errs = append(errs, fmt.Errorf("restore neighbour %s dev %s: %w", n.IP, n.Dev, err))
		}
	}
	return errors.Join(errs...)
}

// neighFacts are the comparable lines of a node's neighbour table.
func neighFacts(node string, ns []NeighSnap) []fact {
	var fs []fact
	for _, n := range ns {
		fs = append(fs, fact{node, "neigh", n.Dev + " " + n.IP, n.text(), ""})
	}
	return fs
}

// flushStates is the NUD state mask "ip neigh flush" removes: by default
// all but permanent and noarp entries; with nud, that state (all: every
// one but noarp). The 0x100 bit stands for entries in no state at all, as
// in iproute2.
func (a *neighOp) flushStates() int {
	switch a.State {
	case "":
		return ^(unix.NUD_PERMANENT | unix.NUD_NOARP)
	case "all":
		return ^unix.NUD_NOARP
	}
	return nudStates[a.State]
}

// flushable reports whether the flush removes n.
func (a *neighOp) flushable(n netlink.Neigh, mask int) bool {
	if n.Family != unix.AF_INET && n.Family != unix.AF_INET6 {
		return false
	}
	if n.State == 0 {
		return mask&0x100 != 0
	}
	return n.State&mask != 0
}

// flush is "ip neigh flush": the matching entries of the device (or of
// every device) of both families deleted, round after round until none
// is left, as iproute2 does; failed entries only in the first round.
func (a *neighOp) flush(x *execCtx) error {
	idx := 0
	if a.Dev != "" {
		l, err := x.link(a.Dev)
		if err != nil {
			return err
		}
		idx = l.Attrs().Index
	}
	mask := a.flushStates()
	for round := 0; round < 10; round++ {
		ns, err := x.neighList(idx, netlink.FAMILY_ALL)
		if err != nil {
			return fmt.Errorf("Cannot send dump request: %w", err)
		}
		flushed := 0
		for _, n := range ns {
			if !a.flushable(n, mask) {
				continue
			}
			if err := x.h.NeighDel(&n); err != nil && !errors.Is(err, unix.ENOENT) {
				return fmt.Errorf("RTNETLINK answers: %w", err)
			}
			flushed++
		}
		if flushed == 0 {
			return nil
		}
		mask &^= unix.NUD_FAILED
	}
	return errors.New("*** Flush not complete bailing out after 10 rounds")
}

// checkFlush: no entry the flush removes is left on the device, apart
// from ones still resolving (INCOMPLETE, FAILED, NONE), which traffic
// makes at any time.
func (a *neighOp) checkFlush(x *execCtx) error {
	idx := 0
	if a.Dev != "" {
		l, err := x.h.LinkByName(a.Dev)
		if err != nil {
			return problem("check.iface.missing", "interface {{.Dev}} does not exist on {{.Node}}", "Dev", a.Dev, "Node", x.node.Name)
		}
		idx = l.Attrs().Index
	}
	ns, err := x.neighList(idx, netlink.FAMILY_ALL)
	if err != nil {
		return err
	}
	mask := a.flushStates() &^ (unix.NUD_INCOMPLETE | unix.NUD_FAILED | 0x100)
	for _, n := range ns {
		if a.flushable(n, mask) {
			return problem("check.neigh.flush", "{{.Node}} still has the neighbour entry {{.Addr}} after the flush", "Node", x.node.Name, "Addr", n.IP)
		}
	}
	return nil
}

// neighShow is "ip neigh [show] [dev DEV]" as iproute2 prints it: both
// families in the kernel's order, NOARP entries left out, each field
// followed by a space, and no "dev" when one device is asked for.
func neighShow(x *execCtx, dev string) (string, error) {
	idx := 0
	if dev != "" {
		l, err := x.h.LinkByName(dev)
		if err != nil {
			return "", fmt.Errorf("Cannot find device %q", dev)
		}
		idx = l.Attrs().Index
	}
	links, err := x.linkList()
	if err != nil {
		return "", err
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	ns, err := x.neighList(idx, netlink.FAMILY_ALL)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range ns {
		if n.State&(0xff&^unix.NUD_NOARP) == 0 && n.Flags&(netlink.NTF_PROXY|unix.NTF_EXT_LEARNED) == 0 {
			continue
		}
		b.WriteString(n.IP.String() + " ")
		if dev == "" && n.LinkIndex != 0 {
			b.WriteString("dev " + names[n.LinkIndex] + " ")
		}
		if len(n.HardwareAddr) > 0 {
			b.WriteString("lladdr " + n.HardwareAddr.String() + " ")
		}
		for _, f := range []struct {
			bit  int
			word string
		}{{netlink.NTF_ROUTER, "router"}, {netlink.NTF_PROXY, "proxy"}, {unix.NTF_EXT_LEARNED, "extern_learn"}, {unix.NTF_OFFLOADED, "offload"}} {
			if n.Flags&f.bit != 0 {
				b.WriteString(f.word + " ")
			}
		}
		for _, st := range []int{unix.NUD_INCOMPLETE, unix.NUD_REACHABLE, unix.NUD_STALE, unix.NUD_DELAY, unix.NUD_PROBE, unix.NUD_FAILED, unix.NUD_NOARP, unix.NUD_PERMANENT} {
			if n.State&st != 0 {
				b.WriteString(neighStates[st] + " ")
			}
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}
