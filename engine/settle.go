package engine

import (
	"net"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

var native = nl.NativeEndian()

// settleLimit bounds how long a snapshot waits for links to settle.
const settleLimit = 2 * time.Second

// settleTick is how often an unsettled node is looked at again.
const settleTick = 5 * time.Millisecond

// nodeLinks is what a snapshot reads of one node's links in one go.
type nodeLinks struct {
	links   []netlink.Link
	addrs   map[int][]netlink.Addr // by link index
	settled bool                   // read once they had settled, not at the deadline
}

// settledLinks lists a node's links and addresses once the kernel has
// caught up with the last change. Carrier changes reach the operstate,
// and through it the IPv6 link-local address, asynchronously (the
// kernel's link watch runs them later, up to a second for a bridge), so a
// snapshot taken right after "ip link set up" could see the link up with
// carrier but still "state DOWN" and without its fe80:: address. The
// snapshot waits, but only while some link is in such a passing state:
// a settled lab costs one look, as before. An unsettled one is first
// hurried along: asking the kernel for one link by its index (not in a
// dump) makes it run that link's pending link watch work at once (see
// syncLinks), so the wait is usually over without sleeping.
func (x *execCtx) settledLinks() (nodeLinks, error) {
	deadline := time.Now().Add(settleLimit)
	noLL := map[string]bool{} // links that never get a link-local address
	for synced := false; ; synced = true {
		nl, err := x.readLinks()
		if err != nil {
			return nl, err
		}
		if !x.unsettled(nl, noLL) {
			nl.settled = true
			return nl, nil
		}
		if time.Now().After(deadline) {
			return nl, nil
		}
		if !synced {
			x.syncLinks(nl)
			continue
		}
		time.Sleep(settleTick)
	}
}

// syncLinks asks for each link by index. The kernel answers such a
// request (RTM_GETLINK without NLM_F_DUMP) only after running the link's
// pending carrier change (linkwatch_sync_dev, Linux 5.18 and later), which
// otherwise waits up to a second for links whose change is not urgent,
// such as a bridge's. On older kernels it is a harmless extra read.
func (x *execCtx) syncLinks(nl nodeLinks) {
	for _, l := range nl.links {
		x.h.LinkByIndex(l.Attrs().Index)
	}
}

func (x *execCtx) readLinks() (nodeLinks, error) {
	nl := nodeLinks{addrs: map[int][]netlink.Addr{}}
	var err error
	if nl.links, err = x.linkList(); err != nil {
		return nl, err
	}
	addrs, err := x.addrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nl, err
	}
	for _, a := range addrs {
		nl.addrs[a.LinkIndex] = append(nl.addrs[a.LinkIndex], a)
	}
	return nl, nil
}

// unsettled reports whether some link's operstate has not caught up with
// its admin state and carrier yet, or a link that is up and running lacks
// the link-local address the kernel is about to give it (IPv6 has not
// marked it ready yet: a ready link without one had it removed on
// purpose). noLL caches the links whose IPv6 is off (disable_ipv6,
// addr_gen_mode none).
func (x *execCtx) unsettled(nl nodeLinks, noLL map[string]bool) bool {
	var extra map[int]linkExtra
	get := func() map[int]linkExtra {
		if extra == nil {
			extra = x.linkExtras()
		}
		return extra
	}
	for _, l := range nl.links {
		at := l.Attrs()
		up, carrier := at.Flags&net.FlagUp != 0, at.RawFlags&unix.IFF_LOWER_UP != 0
		oper := at.OperState
		switch {
		case up && oper == netlink.OperUnknown && at.Name != "lo":
			// UNKNOWN is where a link starts; the link watch replaces it
			// with UP or DOWN at its first carrier change (a bridge's
			// first port), which it may not have got to yet.
			if get()[at.Index].carrierChanges > 0 {
				return true
			}
		case oper == netlink.OperUnknown:
		case up && carrier && oper != netlink.OperUp:
			return true
		case (!up || !carrier) && oper == netlink.OperUp:
			return true
		}
		if !up || !carrier || len(at.HardwareAddr) != 6 || noLL[at.Name] || hasLinkLocal(nl.addrs[at.Index]) {
			continue
		}
		if get()[at.Index].inet6Flags&ifReady != 0 {
			// Ready, so its link-local address was removed on purpose,
			// unless the kernel made it between the two reads: look again.
			as, err := x.addrList(l, netlink.FAMILY_V6)
			if err == nil && hasLinkLocal(as) {
				return true
			}
			continue
		}
		if x.ipv6Off(at.Name) {
			noLL[at.Name] = true
			continue
		}
		return true
	}
	return false
}

func hasLinkLocal(as []netlink.Addr) bool {
	for _, a := range as {
		if a.IP.To4() == nil && a.IP.IsLinkLocalUnicast() {
			return true
		}
	}
	return false
}

// ipv6Off reports whether the kernel gives the link no link-local address.
func (x *execCtx) ipv6Off(dev string) bool {
	p := "net.ipv6.conf." + strings.ReplaceAll(dev, ".", "/") + "." // flannel.1 is flannel/1 in a key
	v, err := x.readSysctls([]string{p + "disable_ipv6", p + "addr_gen_mode"})
	if err != nil {
		return true
	}
	d, ok := v[p+"disable_ipv6"]
	return !ok || d != "0" || v[p+"addr_gen_mode"] == "1"
}

// ifReady is IF_READY of IFLA_INET6_FLAGS: IPv6 has configured the link
// (made its link-local address) since it last came up with carrier.
const ifReady = 0x80000000

// linkExtra is what the netlink library does not decode of a link.
type linkExtra struct {
	carrierChanges uint32 // IFLA_CARRIER_CHANGES
	inet6Flags     uint32 // IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_FLAGS
}

// linkExtras reads them for every link of the node, in one dump. Only
// asked when a link is in a state that may be passing.
func (x *execCtx) linkExtras() map[int]linkExtra {
	out := map[int]linkExtra{}
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	msgs, err := x.request(req, unix.RTM_NEWLINK)
	if err != nil {
		return out
	}
	for _, m := range msgs {
		if len(m) < unix.SizeofIfInfomsg {
			continue
		}
		info := nl.DeserializeIfInfomsg(m)
		attrs, err := nl.ParseRouteAttr(m[unix.SizeofIfInfomsg:])
		if err != nil {
			continue
		}
		var e linkExtra
		for _, a := range attrs {
			switch a.Attr.Type {
			case unix.IFLA_CARRIER_CHANGES:
				if len(a.Value) >= 4 {
					e.carrierChanges = native.Uint32(a.Value[:4])
				}
			case unix.IFLA_AF_SPEC:
				e.inet6Flags = inet6Flags(a.Value)
			}
		}
		out[int(info.Index)] = e
	}
	return out
}

func inet6Flags(spec []byte) uint32 {
	afs, err := nl.ParseRouteAttr(spec)
	if err != nil {
		return 0
	}
	for _, af := range afs {
		if af.Attr.Type&^unix.NLA_F_NESTED != unix.AF_INET6 {
			continue
		}
		attrs, err := nl.ParseRouteAttr(af.Value)
		if err != nil {
			return 0
		}
		for _, a := range attrs {
			if a.Attr.Type == unix.IFLA_INET6_FLAGS && len(a.Value) >= 4 {
				return native.Uint32(a.Value[:4])
			}
		}
	}
	return 0
}

// sendsPackets are the programs whose packets need the lab's links
// running: a bridge port forwards nothing until the kernel's link watch
// has seen its carrier come up.
var sendsPackets = map[string]bool{"ping": true, "curl": true, "wget": true, "nc": true}

// settleForTraffic waits, before a command that sends packets, until no
// link of the lab is in a passing state (see settledLinks), hurrying the
// kernel's link watch along. Without it a ping right after "ip link set
// up" can send its ARP request through a bridge port the kernel has not
// enabled yet, when the link watch is slow to run (the kernel busy
// cleaning up deleted namespaces): the request is dropped and the ping
// fails although the lab is right. Errors are left to the command.
func (s *Session) settleForTraffic() {
	var ctxs []*execCtx
	for _, n := range s.st.Nodes {
		if x, err := s.ctx(n.Name); err == nil {
			ctxs = append(ctxs, x)
		}
	}
	eachNode(len(ctxs), func(i int) error {
		_, err := ctxs[i].settledLinks()
		return err
	})
}
