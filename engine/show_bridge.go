package engine

// This file holds the bridge program's read-only forms and brctl's
// showmacs, printed as iproute2's bridge/fdb.c and bridge/link.c and
// bridge-utils print them, from the same netlink dumps those tools read
// (see fdbDump), so the lines come in the kernel's order.

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// linkIndex maps a node's link names and indexes both ways, with their
// masters and flags, the way iproute2's ll_* cache answers.
type linkIndex struct {
	byName map[string]netlink.Link
	byIdx  map[int]netlink.Link
}

func nodeLinkIndex(x *execCtx) (linkIndex, error) {
	links, err := x.linkList()
	if err != nil {
		return linkIndex{}, err
	}
	li := linkIndex{map[string]netlink.Link{}, map[int]netlink.Link{}}
	for _, l := range links {
		li.byName[l.Attrs().Name] = l
		li.byIdx[l.Attrs().Index] = l
	}
	return li, nil
}

// name is ll_index_to_name: the link's name, or "ifN" for an index the
// node does not have.
func (li linkIndex) name(i int) string {
	if l, ok := li.byIdx[i]; ok {
		return l.Attrs().Name
	}
	return fmt.Sprintf("if%d", i)
}

// fdbShow renders "bridge fdb show [dev DEV] [br BRIDGE]".
type fdbShow struct {
	cmdline.FdbShow
	readOnly
}

func (a *fdbShow) run(x *execCtx) (string, error) {
	li, err := nodeLinkIndex(x)
	if err != nil {
		return "", err
	}
	br, dev := 0, 0
	if a.Bridge != "" {
		l, ok := li.byName[a.Bridge]
		if !ok {
			return "", fmt.Errorf("Cannot find bridge device %q", a.Bridge)
		}
		br = l.Attrs().Index
	}
	if a.Dev != "" {
		l, ok := li.byName[a.Dev]
		if !ok {
			return "", fmt.Errorf("Cannot find device %q", a.Dev)
		}
		dev = l.Attrs().Index
	}
	entries, err := fdbDump(x)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, e := range entries {
		if dev != 0 && e.Index != dev {
			continue
		}
		// The kernel's filter for a bridge: the bridge itself and its ports.
		if br != 0 && e.Index != br {
			if l, ok := li.byIdx[e.Index]; !ok || l.Attrs().MasterIndex != br {
				continue
			}
		}
		b.WriteString(fdbLine(e, li, dev != 0))
	}
	return b.String(), nil
}

// fdbLine is one entry as print_fdb in iproute2's bridge/fdb.c prints it;
// filtered leaves out "dev NAME", as a show for one device does.
func fdbLine(e fdbEntry, li linkIndex, filtered bool) string {
	var b strings.Builder
	if e.MAC != nil {
		b.WriteString(e.MAC.String() + " ")
	}
	if !filtered && e.Index != 0 {
		b.WriteString("dev " + li.name(e.Index) + " ")
	}
	if e.Dst != nil {
		b.WriteString("dst " + e.Dst.String() + " ")
	}
	if e.Vlan != 0 {
		fmt.Fprintf(&b, "vlan %d ", e.Vlan)
	}
	if e.Port != 0 {
		fmt.Fprintf(&b, "port %d ", e.Port)
	}
	if e.HasVNI {
		fmt.Fprintf(&b, "vni %d ", e.VNI)
	}
	if e.HasSrc {
		fmt.Fprintf(&b, "src_vni %d ", e.SrcVNI)
	}
	if e.Via != 0 {
		if e.HasNetns {
			fmt.Fprintf(&b, "via ifindex %d ", e.Via)
		} else {
			b.WriteString("via " + li.name(e.Via) + " ")
		}
	}
	if e.NhID != 0 {
		fmt.Fprintf(&b, "nhid %d ", e.NhID)
	}
	if e.HasNetns {
		fmt.Fprintf(&b, "link-netnsid %d ", e.NetnsID)
	}
	for _, f := range []struct {
		bit  uint8
		word string
	}{{netlink.NTF_SELF, "self"}, {ntfRouter, "router"}, {netlink.NTF_EXT_LEARNED, "extern_learn"},
		{unix.NTF_OFFLOADED, "offload"}, {netlink.NTF_MASTER, "master"}, {ntfSticky, "sticky"}} {
		if e.Flags&f.bit != 0 {
			b.WriteString(f.word + " ")
		}
	}
	if e.FlagsExt&ntfExtLock != 0 {
		b.WriteString("locked ")
	}
	if e.Master != 0 {
		b.WriteString("master " + li.name(e.Master) + " ")
	}
	b.WriteString(fdbStateWord(e.State) + "\n")
	return b.String()
}

// brPort is one bridge port from an AF_BRIDGE link dump.
type brPort struct {
	index, mtu, master int
	flags              uint32
	name               string
	link               int // IFLA_LINK, 0 for none
	hasLink, linkNetns bool
	protinfo           bool // IFLA_PROTINFO came
	nested             bool // ... as a nest (else only the state)
	state              int
	priority, cost, no int
	hasPrio, hasCost   bool
	hwmode             int // -1: none
}

// bridgePorts dumps the node's links in the AF_BRIDGE family: the
// bridge ports with their STP state, priority, cost and number.
func bridgePorts(x *execCtx) ([]brPort, error) {
	msgs, err := dumpBridge(x, unix.RTM_GETLINK, nl.NewIfInfomsg(unix.AF_BRIDGE), unix.RTM_NEWLINK)
	if err != nil {
		return nil, fmt.Errorf("list bridge ports: %w", err)
	}
	var out []brPort
	for _, m := range msgs {
		if len(m) < unix.SizeofIfInfomsg || (m[0] != unix.AF_BRIDGE && m[0] != unix.AF_UNSPEC) {
			continue
		}
		ifi := nl.DeserializeIfInfomsg(m)
		p := brPort{index: int(ifi.Index), flags: ifi.Flags, hwmode: -1}
		attrs, err := nl.ParseRouteAttr(m[unix.SizeofIfInfomsg:])
		if err != nil {
			continue
		}
		for _, a := range attrs {
			v := a.Value
			switch a.Attr.Type &^ unix.NLA_F_NESTED {
			case unix.IFLA_IFNAME:
				p.name = string(bytes.TrimRight(v, "\x00"))
			case unix.IFLA_MTU:
				p.mtu = int(nl.NativeEndian().Uint32(v))
			case unix.IFLA_MASTER:
				p.master = int(nl.NativeEndian().Uint32(v))
			case unix.IFLA_LINK:
				p.link, p.hasLink = int(nl.NativeEndian().Uint32(v)), true
			case unix.IFLA_LINK_NETNSID:
				p.linkNetns = true
			case unix.IFLA_PROTINFO:
				p.protinfo = true
				p.nested = a.Attr.Type&unix.NLA_F_NESTED != 0
				if !p.nested {
					if len(v) > 0 {
						p.state = int(v[0])
					}
					continue
				}
				inner, err := nl.ParseRouteAttr(v)
				if err != nil {
					continue
				}
				for _, in := range inner {
					switch in.Attr.Type &^ unix.NLA_F_NESTED {
					case unix.IFLA_BRPORT_STATE:
						p.state = int(in.Value[0])
					case unix.IFLA_BRPORT_PRIORITY:
						p.priority, p.hasPrio = int(nl.NativeEndian().Uint16(in.Value)), true
					case unix.IFLA_BRPORT_COST:
						p.cost, p.hasCost = int(nl.NativeEndian().Uint32(in.Value)), true
					case unix.IFLA_BRPORT_NO:
						p.no = int(nl.NativeEndian().Uint16(in.Value))
					}
				}
			case unix.IFLA_AF_SPEC:
				inner, err := nl.ParseRouteAttr(v)
				if err != nil {
					continue
				}
				for _, in := range inner {
					if in.Attr.Type == iflaBridgeMode && len(in.Value) >= 2 {
						p.hwmode = int(nl.NativeEndian().Uint16(in.Value))
					}
				}
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// iflaBridgeMode is IFLA_BRIDGE_MODE, in IFLA_AF_SPEC.
const iflaBridgeMode = 1

// stpStates are the port states by number, as bridge/link.c names them.
var stpStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// bridgeLinkShow renders "bridge link show [dev DEV]".
type bridgeLinkShow struct {
	cmdline.BridgeLinkShow
	readOnly
}

func (a *bridgeLinkShow) run(x *execCtx) (string, error) {
	li, err := nodeLinkIndex(x)
	if err != nil {
		return "", err
	}
	dev := 0
	if a.Dev != "" {
		l, ok := li.byName[a.Dev]
		if !ok {
			return "", fmt.Errorf("Cannot find device %q", a.Dev)
		}
		dev = l.Attrs().Index
	}
	ports, err := bridgePorts(x)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, p := range ports {
		if dev != 0 && p.index != dev {
			continue
		}
		name, mdown := p.name, false
		if p.hasLink {
			switch {
			case p.link == 0:
				name += "@NONE"
			case p.linkNetns:
				name += fmt.Sprintf("@if%d", p.link)
			default:
				name += "@" + li.name(p.link)
				// ll_index_to_flags answers all bits for an index
				// it does not know: no M-DOWN then.
				l, ok := li.byIdx[p.link]
				mdown = ok && l.Attrs().RawFlags&unix.IFF_UP == 0
			}
		}
		fmt.Fprintf(&b, "%d: %s: <%s> ", p.index, name, bridgeLinkFlags(p.flags, mdown))
		if p.mtu != 0 {
			fmt.Fprintf(&b, "mtu %d ", p.mtu)
		}
		if p.master != 0 {
			fmt.Fprintf(&b, "master %s ", li.name(p.master))
		}
		if p.protinfo {
			if p.state < len(stpStates) {
				fmt.Fprintf(&b, "state %s ", stpStates[p.state])
			} else {
				fmt.Fprintf(&b, "state (%d) ", p.state)
			}
			if p.hasPrio {
				fmt.Fprintf(&b, "priority %d ", p.priority)
			}
			if p.hasCost {
				fmt.Fprintf(&b, "cost %d ", p.cost)
			}
		}
		switch p.hwmode {
		case -1:
		case 0:
			b.WriteString("hwmode VEB ")
		case 1:
			b.WriteString("hwmode VEPA ")
		default:
			fmt.Fprintf(&b, "hwmode %#x ", p.hwmode)
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// bridgeLinkFlags is print_link_flags of bridge/link.c: NO-CARRIER when
// up without IFF_RUNNING, then the flags in its order, leftover bits in
// hex, and M-DOWN when the link's lower device is down.
func bridgeLinkFlags(flags uint32, mdown bool) string {
	var b strings.Builder
	if flags&unix.IFF_UP != 0 && flags&unix.IFF_RUNNING == 0 {
		b.WriteString("NO-CARRIER,")
	}
	flags &^= unix.IFF_RUNNING
	for _, f := range []struct {
		bit  uint32
		name string
	}{{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
		{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
		{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
		{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
		{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
		{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"}} {
		if flags&f.bit != 0 {
			flags &^= f.bit
			b.WriteString(f.name)
			if flags != 0 {
				b.WriteString(",")
			}
		}
	}
	if flags != 0 {
		fmt.Fprintf(&b, "%x", flags)
	}
	if mdown {
		b.WriteString(",M-DOWN")
	}
	return b.String()
}

// brMacsShow renders "brctl showmacs BRIDGE" as bridge-utils does: the
// entries of the bridge's ports (not its own), sorted by address, with
// the port's number, whether the address is the bridge's own, and for a
// learned entry the time since it was last seen.
type brMacsShow struct {
	cmdline.BridgeMacs
	readOnly
}

func (a *brMacsShow) run(x *execCtx) (string, error) {
	li, err := nodeLinkIndex(x)
	if err != nil {
		return "", err
	}
	l, ok := li.byName[a.Bridge]
	if !ok || l.Type() != "bridge" {
		return "", errors.New("read of forward table failed: No such file or directory")
	}
	br := l.Attrs().Index
	ports, err := bridgePorts(x)
	if err != nil {
		return "", err
	}
	portNo := map[int]int{}
	for _, p := range ports {
		if p.master == br {
			portNo[p.index] = p.no
		}
	}
	entries, err := fdbDump(x)
	if err != nil {
		return "", err
	}
	var rows []fdbEntry
	for _, e := range entries {
		if _, ok := portNo[e.Index]; ok && !e.self() && e.Master == br && len(e.MAC) == 6 && e.State&unix.NUD_STALE == 0 {
			rows = append(rows, e)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return bytes.Compare(rows[i].MAC, rows[j].MAC) < 0 })
	var b strings.Builder
	b.WriteString("port no\tmac addr\t\tis local?\tageing timer\n")
	for _, e := range rows {
		local := "no"
		if e.State&unix.NUD_PERMANENT != 0 {
			local = "yes"
		}
		age := uint32(0)
		if !e.Static {
			age = e.Updated
		}
		fmt.Fprintf(&b, "%3d\t%s\t%s\t\t%4d.%02d\n", portNo[e.Index], e.MAC, local, age/100, age%100)
	}
	return b.String(), nil
}
