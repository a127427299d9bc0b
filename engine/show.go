package engine

// This file holds the read-only tools that show kernel state as the real
// ones print it: "ip [-br] link|addr|route|neigh" and "arp" (showAction),
// "brctl show" (brShow) and "ifconfig" (ifconfigShow); and the action for
// a "tcpdump -i" line, which only says where its packets appear. They
// change no kernel object, so none has an op file.

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// showAction renders "ip [-br] addr|link|route|neigh" and "arp" natively.
type showAction struct {
	cmdline.Show
	readOnly
}

func (a *showAction) links(x *execCtx) ([]netlink.Link, error) {
	if a.Dev != "" {
		l, err := x.h.LinkByName(a.Dev)
		if err != nil {
			return nil, fmt.Errorf("Device %q does not exist.", a.Dev)
		}
		return []netlink.Link{l}, nil
	}
	links, err := x.linkList()
	sort.Slice(links, func(i, j int) bool { return links[i].Attrs().Index < links[j].Attrs().Index })
	return links, err
}

func (a *showAction) run(x *execCtx) (string, error) {
	switch a.What {
	case "route":
		return renderRoutes(x)
	case "neigh":
		return neighShow(x, a.Dev)
	case "arp":
		return renderNeigh(x, "", true)
	}
	if a.Details {
		return a.renderLinkDetails(x)
	}
	links, err := a.links(x)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, l := range links {
		at := l.Attrs()
		name := linkLabel(x, l)
		if a.Brief {
			fmt.Fprintf(&b, "%-16s %-14s ", name, operState(l))
			if a.What == "link" {
				fmt.Fprintf(&b, "%s <%s>\n", macOf(l), flagsText(at.RawFlags))
			} else {
				var addrs []string
				for _, ad := range linkAddrs(x, l) {
					addrs = append(addrs, ad.IPNet.String())
				}
				b.WriteString(strings.Join(addrs, " ") + "\n")
			}
			continue
		}
		fmt.Fprintf(&b, "%d: %s: <%s> mtu %d", at.Index, name, flagsText(at.RawFlags), at.MTU)
		if m := masterName(x.h, l); m != "" {
			fmt.Fprintf(&b, " master %s", m)
		}
		fmt.Fprintf(&b, " state %s\n", operState(l))
		kind := "ether"
		if at.RawFlags&unix.IFF_LOOPBACK != 0 {
			kind = "loopback"
		}
		fmt.Fprintf(&b, "    link/%s %s brd %s", kind, macOf(l), brdMac(kind))
		if at.NetNsID >= 0 {
			fmt.Fprintf(&b, " link-netnsid %d", at.NetNsID)
		}
		b.WriteString("\n")
		if a.What == "addr" {
			for _, ad := range linkAddrs(x, l) {
				fam := "inet"
				if ad.IP.To4() == nil {
					fam = "inet6"
				}
				fmt.Fprintf(&b, "    %s %s", fam, ad.IPNet)
				if ad.Broadcast != nil {
					fmt.Fprintf(&b, " brd %s", ad.Broadcast)
				}
				fmt.Fprintf(&b, " scope %s", scopeText(netlink.Scope(ad.Scope)))
				if fam == "inet" {
					fmt.Fprintf(&b, " %s", at.Name)
				}
				b.WriteString("\n       valid_lft forever preferred_lft forever\n")
			}
		}
	}
	return b.String(), nil
}

func linkAddrs(x *execCtx, l netlink.Link) []netlink.Addr {
	addrs, _ := x.addrList(l, netlink.FAMILY_ALL)
	return addrs
}

// linkLabel is "name@peer" as ip prints it for veths and macvlans.
func linkLabel(x *execCtx, l netlink.Link) string {
	at := l.Attrs()
	if at.ParentIndex == 0 {
		return at.Name
	}
	if at.NetNsID >= 0 {
		return fmt.Sprintf("%s@if%d", at.Name, at.ParentIndex)
	}
	if p, err := x.h.LinkByIndex(at.ParentIndex); err == nil {
		return at.Name + "@" + p.Attrs().Name
	}
	return fmt.Sprintf("%s@if%d", at.Name, at.ParentIndex)
}

func macOf(l netlink.Link) string {
	if len(l.Attrs().HardwareAddr) == 0 {
		return "00:00:00:00:00:00"
	}
	return l.Attrs().HardwareAddr.String()
}

func brdMac(kind string) string {
	if kind == "loopback" {
		return "00:00:00:00:00:00"
	}
	return "ff:ff:ff:ff:ff:ff"
}

func operState(l netlink.Link) string {
	s := strings.ToUpper(l.Attrs().OperState.String())
	if s == "" {
		return "UNKNOWN"
	}
	return s
}

var flagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_UP, "UP"}, {unix.IFF_LOWER_UP, "LOWER_UP"},
}

func flagsText(raw uint32) string {
	var names []string
	for _, f := range flagNames {
		if raw&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	if raw&unix.IFF_UP != 0 && raw&unix.IFF_LOWER_UP == 0 {
		names = append([]string{"NO-CARRIER"}, names...)
	}
	return strings.Join(names, ",")
}

func scopeText(s netlink.Scope) string {
	switch s {
	case netlink.SCOPE_UNIVERSE:
		return "global"
	case netlink.SCOPE_HOST:
		return "host"
	case netlink.SCOPE_LINK:
		return "link"
	}
	return fmt.Sprint(int(s))
}

func protoText(p netlink.RouteProtocol) string {
	switch p {
	case unix.RTPROT_KERNEL:
		return "kernel"
	case unix.RTPROT_BOOT:
		return "boot"
	case unix.RTPROT_STATIC:
		return "static"
	}
	return fmt.Sprint(int(p))
}

func renderRoutes(x *execCtx) (string, error) {
	routes, err := x.routeList(nil, netlink.FAMILY_V4)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range routes {
		b.WriteString(routeText(x.h, r) + "\n")
	}
	return b.String(), nil
}

// routeText prints a route the way "ip route" does.
func routeText(h *netlink.Handle, r netlink.Route) string {
	return routeTextNamed(r, func(index int) string {
		if l, err := h.LinkByIndex(index); err == nil {
			return l.Attrs().Name
		}
		return ""
	})
}

// routeTextNamed is routeText with the links' names from name ("" for
// none), so a snapshot that has listed the links asks the kernel no more.
func routeTextNamed(r netlink.Route, name func(index int) string) string {
	parts := []string{ipnetString(r.Dst)}
	if r.Gw != nil {
		parts = append(parts, "via", r.Gw.String())
	}
	if n := name(r.LinkIndex); n != "" {
		parts = append(parts, "dev", n)
	}
	if r.Protocol != unix.RTPROT_BOOT && r.Protocol != 0 {
		parts = append(parts, "proto", protoText(r.Protocol))
	}
	if r.Scope != netlink.SCOPE_UNIVERSE {
		parts = append(parts, "scope", scopeText(r.Scope))
	}
	if r.Src != nil {
		parts = append(parts, "src", r.Src.String())
	}
	if r.Flags&unix.RTNH_F_ONLINK != 0 {
		parts = append(parts, "onlink")
	}
	if r.Flags&unix.RTNH_F_LINKDOWN != 0 {
		parts = append(parts, "linkdown")
	}
	return strings.Join(parts, " ")
}

var neighStates = map[int]string{
	netlink.NUD_INCOMPLETE: "INCOMPLETE", netlink.NUD_REACHABLE: "REACHABLE", netlink.NUD_STALE: "STALE",
	netlink.NUD_DELAY: "DELAY", netlink.NUD_PROBE: "PROBE", netlink.NUD_FAILED: "FAILED",
	netlink.NUD_NOARP: "NOARP", netlink.NUD_PERMANENT: "PERMANENT",
}

func renderNeigh(x *execCtx, dev string, arpStyle bool) (string, error) {
	idx := 0
	if dev != "" {
		l, err := x.link(dev)
		if err != nil {
			return "", err
		}
		idx = l.Attrs().Index
	}
	neighs, err := x.neighList(idx, netlink.FAMILY_V4)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if arpStyle {
		fmt.Fprintf(&b, "%-24s %-7s %-19s %-5s %-15s %s\n", "Address", "HWtype", "HWaddress", "Flags", "Mask", "Iface")
	}
	for _, n := range neighs {
		if n.State == netlink.NUD_NOARP {
			continue
		}
		name := ""
		if l, err := x.h.LinkByIndex(n.LinkIndex); err == nil {
			name = l.Attrs().Name
		}
		if arpStyle {
			if n.State == netlink.NUD_FAILED || n.State == netlink.NUD_INCOMPLETE {
				fmt.Fprintf(&b, "%-24s %-7s %-19s %-5s %-15s %s\n", n.IP, "", "(incomplete)", "", "", name)
				continue
			}
			fmt.Fprintf(&b, "%-24s %-7s %-19s %-5s %-15s %s\n", n.IP, "ether", n.HardwareAddr, "C", "", name)
			continue
		}
		fmt.Fprintf(&b, "%s dev %s", n.IP, name)
		if len(n.HardwareAddr) > 0 {
			fmt.Fprintf(&b, " lladdr %s", n.HardwareAddr)
		}
		fmt.Fprintf(&b, " %s\n", neighStates[n.State])
	}
	return b.String(), nil
}

// brShow is "brctl show [BR]".
type brShow struct {
	cmdline.BridgeShow
	readOnly
}

func (a *brShow) run(x *execCtx) (string, error) {
	links, err := x.linkList()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
	found := false
	for _, br := range links {
		if br.Type() != "bridge" || (a.Bridge != "" && br.Attrs().Name != a.Bridge) {
			continue
		}
		found = true
		var ports []string
		for _, l := range links {
			if l.Attrs().MasterIndex == br.Attrs().Index {
				ports = append(ports, l.Attrs().Name)
			}
		}
		sort.Strings(ports)
		id := "8000." + strings.ReplaceAll(macOf(br), ":", "")
		first := ""
		if len(ports) > 0 {
			first = ports[0]
		}
		fmt.Fprintf(&b, "%s\t\t%s\t%s\t\t%s\n", br.Attrs().Name, id, "no", first)
		for _, p := range ports[min(1, len(ports)):] {
			fmt.Fprintf(&b, "\t\t\t\t\t\t\t%s\n", p)
		}
	}
	if a.Bridge != "" && !found {
		return "", fmt.Errorf("bridge %s does not exist!", a.Bridge)
	}
	return b.String(), nil
}

// ifconfigShow is "ifconfig [-a] [NAME]".
type ifconfigShow struct {
	cmdline.IfconfigShow
	readOnly
}

func (a *ifconfigShow) run(x *execCtx) (string, error) {
	var links []netlink.Link
	if a.Dev != "" {
		l, err := x.h.LinkByName(a.Dev)
		if err != nil {
			return "", fmt.Errorf("%s: error fetching interface information: Device not found", a.Dev)
		}
		links = []netlink.Link{l}
	} else {
		all, err := x.linkList()
		if err != nil {
			return "", err
		}
		for _, l := range all {
			if a.All || l.Attrs().Flags&net.FlagUp != 0 {
				links = append(links, l)
			}
		}
	}
	var b strings.Builder
	for _, l := range links {
		at := l.Attrs()
		var fl []string
		for _, f := range flagNames {
			if at.RawFlags&f.bit != 0 && f.name != "LOWER_UP" {
				fl = append(fl, f.name)
			}
		}
		if at.RawFlags&unix.IFF_LOWER_UP != 0 {
			fl = append(fl, "RUNNING")
		}
		fmt.Fprintf(&b, "%s: flags=%d<%s>  mtu %d\n", at.Name, at.RawFlags&0xffff, strings.Join(fl, ","), at.MTU)
		for _, ad := range linkAddrs(x, l) {
			if ad.IP.To4() != nil {
				fmt.Fprintf(&b, "        inet %s  netmask %s", ad.IP, net.IP(ad.Mask))
				if ad.Broadcast != nil {
					fmt.Fprintf(&b, "  broadcast %s", ad.Broadcast)
				}
				b.WriteString("\n")
			} else {
				ones, _ := ad.Mask.Size()
				fmt.Fprintf(&b, "        inet6 %s  prefixlen %d\n", ad.IP, ones)
			}
		}
		if at.RawFlags&unix.IFF_LOOPBACK != 0 {
			b.WriteString("        loop  txqueuelen 1000  (Local Loopback)\n")
		} else {
			fmt.Fprintf(&b, "        ether %s  txqueuelen %d  (Ethernet)\n", macOf(l), at.TxQLen)
		}
		if st := at.Statistics; st != nil {
			fmt.Fprintf(&b, "        RX packets %d  bytes %d\n", st.RxPackets, st.RxBytes)
			fmt.Fprintf(&b, "        TX packets %d  bytes %d\n", st.TxPackets, st.TxBytes)
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// tcpdumpAction carries a "tcpdump -i IFACE" line: capture is the capture
// package's job, so running it here only says so.
type tcpdumpAction struct {
	cmdline.Capture
	readOnly
}

func (a *tcpdumpAction) run(x *execCtx) (string, error) {
	return fmt.Sprintf("(capturing on %s:%s: the packets appear in the capture pane)\n", x.node.Name, a.Iface), nil
}
