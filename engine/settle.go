package engine

import (
	"net"
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
	links []netlink.Link
	addrs map[int][]netlink.Addr // by link index
}

// settledLinks lists a node's links and addresses once the kernel has
// caught up with the last change. Carrier changes reach the operstate,
// and through it the IPv6 link-local address, asynchronously (the
// kernel's link watch runs them later, up to a second for a bridge), so a
// snapshot taken right after "ip link set up" could see the link up with
// carrier but still "state DOWN" and without its fe80:: address. The
// snapshot waits, but only while some link is in such a passing state:
// a settled lab costs one look, as before.
func (x *execCtx) settledLinks() (nodeLinks, error) {
	deadline := time.Now().Add(settleLimit)
	noLL := map[string]bool{} // links that never get a link-local address
	for {
		nl, err := x.readLinks()
		if err != nil {
			return nl, err
		}
		if !x.unsettled(nl, noLL) || time.Now().After(deadline) {
			return nl, nil
		}
		time.Sleep(settleTick)
	}
}

func (x *execCtx) readLinks() (nodeLinks, error) {
	nl := nodeLinks{addrs: map[int][]netlink.Addr{}}
	var err error
	if nl.links, err = x.h.LinkList(); err != nil {
		return nl, err
	}
	addrs, err := x.h.AddrList(nil, netlink.FAMILY_ALL)
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
// the link-local address the kernel is about to give it. noLL caches the
// links whose IPv6 is off (disable_ipv6, addr_gen_mode none).
func (x *execCtx) unsettled(nl nodeLinks, noLL map[string]bool) bool {
	var changes map[int]uint32
	for _, l := range nl.links {
		at := l.Attrs()
		up, carrier := at.Flags&net.FlagUp != 0, at.RawFlags&unix.IFF_LOWER_UP != 0
		oper := at.OperState
		switch {
		case up && oper == netlink.OperUnknown && at.Name != "lo":
			// UNKNOWN is where a link starts; the link watch replaces it
			// with UP or DOWN at its first carrier change (a bridge's
			// first port), which it may not have got to yet.
			if changes == nil {
				changes = x.carrierChanges()
			}
			if changes[at.Index] > 0 {
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
	p := "net.ipv6.conf." + dev + "."
	v, err := x.readSysctls([]string{p + "disable_ipv6", p + "addr_gen_mode"})
	if err != nil {
		return true
	}
	d, ok := v[p+"disable_ipv6"]
	return !ok || d != "0" || v[p+"addr_gen_mode"] == "1"
}

// carrierChanges reads each link's count of carrier changes
// (IFLA_CARRIER_CHANGES), which the netlink library does not decode.
// Only asked when a link is up in state UNKNOWN.
func (x *execCtx) carrierChanges() map[int]uint32 {
	out := map[int]uint32{}
	x.do(func() error {
		req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
		req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
		msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
		if err != nil {
			return err
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
			for _, a := range attrs {
				if a.Attr.Type == unix.IFLA_CARRIER_CHANGES && len(a.Value) >= 4 {
					out[int(info.Index)] = native.Uint32(a.Value[:4])
				}
			}
		}
		return nil
	})
	return out
}
