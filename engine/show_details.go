package engine

// This file holds "ip -d link show [DEV]": every link as iproute2 (6.1)
// prints it with details, from the raw netlink attributes the kernel
// sends, since the netlink library leaves out many of them (minmtu,
// maxmtu, a vxlan's "ttl inherit", a bridge's timers, a port's flags).
// Each kind's line is a table in the order ip prints it: vxlan, macvlan,
// vlan, bridge, bridge_slave; veth has no options of its own.

import (
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// rawLink is one RTM_NEWLINK message, its attributes by type.
type rawLink struct {
	index, typ      int
	flags           uint32
	attrs           map[uint16][]byte
	kind, slaveKind string
	data, slaveData map[uint16][]byte
}

func attrMap(b []byte) map[uint16][]byte {
	m := map[uint16][]byte{}
	as, err := nl.ParseRouteAttr(b)
	if err != nil {
		return m
	}
	for _, a := range as {
		m[a.Attr.Type&^unix.NLA_F_NESTED] = a.Value
	}
	return m
}

func parseRawLink(msg []byte) (*rawLink, bool) {
	if len(msg) < unix.SizeofIfInfomsg {
		return nil, false
	}
	info := nl.DeserializeIfInfomsg(msg)
	r := &rawLink{index: int(info.Index), typ: int(info.Type), flags: info.Flags,
		attrs: attrMap(msg[unix.SizeofIfInfomsg:])}
	if li, ok := r.attrs[unix.IFLA_LINKINFO]; ok {
		m := attrMap(li)
		r.kind = cString(m[unix.IFLA_INFO_KIND])
		r.slaveKind = cString(m[unix.IFLA_INFO_SLAVE_KIND])
		r.data = attrMap(m[unix.IFLA_INFO_DATA])
		r.slaveData = attrMap(m[unix.IFLA_INFO_SLAVE_DATA])
	}
	return r, true
}

func u8(b []byte) uint64 {
	if len(b) < 1 {
		return 0
	}
	return uint64(b[0])
}

func u16(b []byte) uint64 {
	if len(b) < 2 {
		return 0
	}
	return uint64(binary.NativeEndian.Uint16(b))
}

func u32(b []byte) uint64 {
	if len(b) < 4 {
		return 0
	}
	return uint64(binary.NativeEndian.Uint32(b))
}

func u64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.NativeEndian.Uint64(b)
}

// rawLinks dumps the node's links; rawLink asks for one.
func (x *execCtx) rawLinks() ([]*rawLink, error) {
	return x.getLinks(unix.NLM_F_DUMP, 0)
}

func (x *execCtx) rawLink(index int) (*rawLink, error) {
	ls, err := x.getLinks(0, index)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("no link %d", index)
	}
	return ls[0], nil
}

func (x *execCtx) getLinks(flags, index int) ([]*rawLink, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, flags)
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(index)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(1))) // RTEXT_FILTER_VF, as ip asks
	msgs, err := x.request(req, unix.RTM_NEWLINK)
	if err != nil {
		return nil, err
	}
	var out []*rawLink
	for _, m := range msgs {
		if r, ok := parseRawLink(m); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// renderLinkDetails prints "ip -d link show [dev]".
func (a *showAction) renderLinkDetails(x *execCtx) (string, error) {
	all, err := x.rawLinks()
	if err != nil {
		return "", err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].index < all[j].index })
	byIndex := map[int]*rawLink{}
	for _, r := range all {
		byIndex[r.index] = r
	}
	name := func(i int) string {
		if r, ok := byIndex[i]; ok {
			return cString(r.attrs[unix.IFLA_IFNAME])
		}
		return fmt.Sprintf("if%d", i)
	}
	var b strings.Builder
	found := false
	for _, r := range all {
		if a.Dev != "" && cString(r.attrs[unix.IFLA_IFNAME]) != a.Dev {
			continue
		}
		found = true
		r.render(&b, name, byIndex)
	}
	if a.Dev != "" && !found {
		return "", fmt.Errorf("Device %q does not exist.", a.Dev)
	}
	return b.String(), nil
}

var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

// ipFlagNames are the IFF_ flags in print_link_flags' order.
var ipFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

func ipFlags(flags uint32, mdown bool) string {
	var parts []string
	if flags&unix.IFF_UP != 0 && flags&unix.IFF_RUNNING == 0 {
		parts = append(parts, "NO-CARRIER")
	}
	flags &^= unix.IFF_RUNNING
	for _, f := range ipFlagNames {
		if flags&f.bit != 0 {
			flags &^= f.bit
			parts = append(parts, f.name)
		}
	}
	if flags != 0 {
		parts = append(parts, fmt.Sprintf("%x", flags))
	}
	s := strings.Join(parts, ",")
	if mdown {
		s += ",M-DOWN"
	}
	return "<" + s + "> "
}

// llTypes names the ARPHRD_ types netlab's links have.
var llTypes = map[int]string{unix.ARPHRD_ETHER: "ether", unix.ARPHRD_LOOPBACK: "loopback", unix.ARPHRD_NONE: "none", unix.ARPHRD_IPGRE: "gre", unix.ARPHRD_TUNNEL: "ipip", unix.ARPHRD_SIT: "sit"}

func (r *rawLink) render(b *strings.Builder, name func(int) string, byIndex map[int]*rawLink) {
	at := r.attrs
	ifname := cString(at[unix.IFLA_IFNAME])
	mdown := false
	if l, ok := at[unix.IFLA_LINK]; ok {
		switch iflink := int(u32(l)); {
		case iflink == 0:
			ifname += "@NONE"
		case at[unix.IFLA_LINK_NETNSID] != nil:
			ifname += fmt.Sprintf("@if%d", iflink)
		default:
			ifname += "@" + name(iflink)
			p, ok := byIndex[iflink]
			mdown = !ok || p.flags&unix.IFF_UP == 0
		}
	}
	fmt.Fprintf(b, "%d: %s: %s", r.index, ifname, ipFlags(r.flags, mdown))
	if v, ok := at[unix.IFLA_MTU]; ok {
		fmt.Fprintf(b, "mtu %d ", u32(v))
	}
	if v, ok := at[unix.IFLA_QDISC]; ok {
		fmt.Fprintf(b, "qdisc %s ", cString(v))
	}
	if v, ok := at[unix.IFLA_MASTER]; ok {
		fmt.Fprintf(b, "master %s ", name(int(u32(v))))
	}
	if v, ok := at[unix.IFLA_OPERSTATE]; ok {
		if s := int(u8(v)); s < len(operStates) {
			fmt.Fprintf(b, "state %s ", operStates[s])
		} else {
			fmt.Fprintf(b, "state %#x", s)
		}
	}
	if v, ok := at[unix.IFLA_LINKMODE]; ok {
		fmt.Fprintf(b, "mode %s ", map[uint64]string{0: "DEFAULT", 1: "DORMANT"}[u8(v)])
	}
	if v, ok := at[unix.IFLA_GROUP]; ok {
		if g := u32(v); g == 0 {
			b.WriteString("group default ")
		} else {
			fmt.Fprintf(b, "group %d ", g)
		}
	}
	if q := u32(at[unix.IFLA_TXQLEN]); q != 0 {
		fmt.Fprintf(b, "qlen %d", q)
	}
	lt, ok := llTypes[r.typ]
	if !ok {
		lt = fmt.Sprintf("[%d]", r.typ)
	}
	fmt.Fprintf(b, "\n    link/%s ", lt)
	if v, ok := at[unix.IFLA_ADDRESS]; ok {
		b.WriteString(llAddr(v))
	}
	if v, ok := at[unix.IFLA_BROADCAST]; ok {
		if r.flags&unix.IFF_POINTOPOINT != 0 {
			b.WriteString(" peer ")
		} else {
			b.WriteString(" brd ")
		}
		b.WriteString(llAddr(v))
	}
	if v, ok := at[unix.IFLA_PERM_ADDRESS]; ok && string(v) != string(at[unix.IFLA_ADDRESS]) {
		b.WriteString(" permaddr " + llAddr(v))
	}
	if v, ok := at[unix.IFLA_LINK_NETNSID]; ok {
		if id := int32(u32(v)); id >= 0 {
			fmt.Fprintf(b, " link-netnsid %d", id)
		} else {
			b.WriteString(" link-netnsid unknown")
		}
	}
	for _, f := range []struct {
		t      uint16
		format string
	}{{unix.IFLA_PROMISCUITY, " promiscuity %d "}, {unix.IFLA_ALLMULTI, " allmulti %d "},
		{unix.IFLA_MIN_MTU, "minmtu %d "}, {unix.IFLA_MAX_MTU, "maxmtu %d "}} {
		if v, ok := at[f.t]; ok {
			fmt.Fprintf(b, f.format, u32(v))
		}
	}
	if r.kind != "" {
		fmt.Fprintf(b, "\n    %s ", r.kind)
		if p := kindPrinters[r.kind]; p != nil {
			p(b, r.data, name)
		}
	}
	if r.slaveKind != "" {
		fmt.Fprintf(b, "\n    %s_slave ", r.slaveKind)
		if p := kindPrinters[r.slaveKind+"_slave"]; p != nil {
			p(b, r.slaveData, name)
		}
	}
	if mode, ok := addrGenMode(at[unix.IFLA_AF_SPEC]); ok {
		b.WriteString("addrgenmode " + mode + " ")
	}
	for _, f := range []struct {
		t    uint16
		word string
	}{{unix.IFLA_NUM_TX_QUEUES, "numtxqueues"}, {unix.IFLA_NUM_RX_QUEUES, "numrxqueues"},
		{unix.IFLA_GSO_MAX_SIZE, "gso_max_size"}, {unix.IFLA_GSO_MAX_SEGS, "gso_max_segs"},
		{unix.IFLA_TSO_MAX_SIZE, "tso_max_size"}, {unix.IFLA_TSO_MAX_SEGS, "tso_max_segs"},
		{unix.IFLA_GRO_MAX_SIZE, "gro_max_size"}} {
		if v, ok := at[f.t]; ok {
			fmt.Fprintf(b, "%s %d ", f.word, u32(v))
		}
	}
	if v, ok := at[unix.IFLA_PARENT_DEV_BUS_NAME]; ok {
		fmt.Fprintf(b, "parentbus %s ", cString(v))
	}
	if v, ok := at[unix.IFLA_PARENT_DEV_NAME]; ok {
		fmt.Fprintf(b, "parentdev %s ", cString(v))
	}
	b.WriteString("\n")
}

func llAddr(v []byte) string {
	if len(v) == 6 {
		return net.HardwareAddr(v).String()
	}
	var parts []string
	for _, c := range v {
		parts = append(parts, fmt.Sprintf("%02x", c))
	}
	return strings.Join(parts, ":")
}

// addrGenMode is IFLA_INET6_ADDR_GEN_MODE in words.
func addrGenMode(spec []byte) (string, bool) {
	inet6, ok := attrMap(spec)[unix.AF_INET6]
	if !ok {
		return "", false
	}
	v, ok := attrMap(inet6)[unix.IFLA_INET6_ADDR_GEN_MODE]
	if !ok {
		return "", false
	}
	modes := []string{"eui64", "none", "stable_secret", "random"}
	if m := int(u8(v)); m < len(modes) {
		return modes[m], true
	}
	return fmt.Sprintf("%#x", u8(v)), true
}

// kindPrinters print a kind's IFLA_INFO_DATA (or a port's
// IFLA_INFO_SLAVE_DATA) as ip does.
var kindPrinters = map[string]func(b *strings.Builder, d map[uint16][]byte, name func(int) string){
	"vxlan":        printVxlan,
	"macvlan":      printMacvlan,
	"vlan":         printVlan,
	"bridge":       func(b *strings.Builder, d map[uint16][]byte, _ func(int) string) { printFields(b, d, bridgeFields) },
	"bridge_slave": func(b *strings.Builder, d map[uint16][]byte, _ func(int) string) { printFields(b, d, bridgePortFields) },
}

func printVxlan(b *strings.Builder, d map[uint16][]byte, name func(int) string) {
	if u8(d[unix.IFLA_VXLAN_COLLECT_METADATA]) != 0 {
		b.WriteString("external ")
	}
	if v, ok := d[unix.IFLA_VXLAN_ID]; ok && len(v) >= 4 {
		fmt.Fprintf(b, "id %d ", u32(v))
	}
	if v, ok := d[unix.IFLA_VXLAN_GROUP]; ok && len(v) == 4 && !net.IP(v).IsUnspecified() {
		if net.IP(v).IsMulticast() {
			fmt.Fprintf(b, "group %s ", net.IP(v))
		} else {
			fmt.Fprintf(b, "remote %s ", net.IP(v))
		}
	}
	if v, ok := d[unix.IFLA_VXLAN_LOCAL]; ok && len(v) == 4 && !net.IP(v).IsUnspecified() {
		fmt.Fprintf(b, "local %s ", net.IP(v))
	}
	if l := int(u32(d[unix.IFLA_VXLAN_LINK])); l != 0 {
		fmt.Fprintf(b, "dev %s ", name(l))
	}
	if v, ok := d[unix.IFLA_VXLAN_PORT_RANGE]; ok && len(v) >= 4 {
		fmt.Fprintf(b, "srcport %d %d ", binary.BigEndian.Uint16(v), binary.BigEndian.Uint16(v[2:]))
	}
	if v, ok := d[unix.IFLA_VXLAN_PORT]; ok && len(v) >= 2 {
		fmt.Fprintf(b, "dstport %d ", binary.BigEndian.Uint16(v))
	}
	if v, ok := d[unix.IFLA_VXLAN_LEARNING]; ok && u8(v) == 0 {
		b.WriteString("nolearning ")
	}
	for _, f := range []struct {
		t    uint16
		word string
	}{{unix.IFLA_VXLAN_PROXY, "proxy"}, {unix.IFLA_VXLAN_RSC, "rsc"}, {unix.IFLA_VXLAN_L2MISS, "l2miss"}, {unix.IFLA_VXLAN_L3MISS, "l3miss"}} {
		if u8(d[f.t]) != 0 {
			b.WriteString(f.word + " ")
		}
	}
	if tos := u8(d[unix.IFLA_VXLAN_TOS]); tos == 1 {
		b.WriteString("tos inherit ")
	} else if tos != 0 {
		fmt.Fprintf(b, "tos %#x ", tos)
	}
	if u8(d[unix.IFLA_VXLAN_TTL_INHERIT]) != 0 { // a u8 when read, a flag when written
		b.WriteString("ttl inherit ")
	} else if v, ok := d[unix.IFLA_VXLAN_TTL]; ok {
		if ttl := u8(v); ttl != 0 {
			fmt.Fprintf(b, "ttl %d ", ttl)
		} else {
			b.WriteString("ttl auto ")
		}
	}
	if v, ok := d[unix.IFLA_VXLAN_DF]; ok {
		switch u8(v) {
		case 1:
			b.WriteString("df set ")
		case 2:
			b.WriteString("df inherit ")
		}
	}
	if v, ok := d[unix.IFLA_VXLAN_LABEL]; ok && len(v) >= 4 {
		if l := binary.BigEndian.Uint32(v); l != 0 {
			fmt.Fprintf(b, "flowlabel %#x ", l)
		}
	}
	if v, ok := d[unix.IFLA_VXLAN_AGEING]; ok {
		if age := u32(v); age == 0 {
			b.WriteString("ageing none ")
		} else {
			fmt.Fprintf(b, "ageing %d ", age)
		}
	}
	if m := u32(d[unix.IFLA_VXLAN_LIMIT]); m != 0 {
		fmt.Fprintf(b, "maxaddr %d ", m)
	}
	for _, f := range []struct {
		t    uint16
		word string
	}{{unix.IFLA_VXLAN_UDP_CSUM, "udpcsum"}, {unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, "udp6zerocsumtx"}, {unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, "udp6zerocsumrx"}} {
		if v, ok := d[f.t]; ok {
			if u8(v) == 0 {
				b.WriteString("no")
			}
			b.WriteString(f.word + " ")
		}
	}
	if u8(d[unix.IFLA_VXLAN_REMCSUM_TX]) != 0 {
		b.WriteString("remcsumtx ")
	}
	if u8(d[unix.IFLA_VXLAN_REMCSUM_RX]) != 0 {
		b.WriteString("remcsumrx ")
	}
	if _, ok := d[unix.IFLA_VXLAN_GBP]; ok {
		b.WriteString("gbp ")
	}
	if _, ok := d[unix.IFLA_VXLAN_GPE]; ok {
		b.WriteString("gpe ")
	}
}

var macvlanModeWords = map[uint64]string{1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source"}

func printMacvlan(b *strings.Builder, d map[uint16][]byte, _ func(int) string) {
	v, ok := d[unix.IFLA_MACVLAN_MODE]
	if !ok || len(v) < 4 {
		return
	}
	mode, ok := macvlanModeWords[u32(v)]
	if !ok {
		mode = "unknown"
	}
	fmt.Fprintf(b, "mode %s ", mode)
	f, ok := d[unix.IFLA_MACVLAN_FLAGS]
	if !ok || len(f) < 2 {
		return
	}
	if u16(f)&1 != 0 { // MACVLAN_FLAG_NOPROMISC
		b.WriteString("nopromisc ")
	}
	if u16(f)&2 != 0 { // MACVLAN_FLAG_NODST
		b.WriteString("nodst ")
	}
	if v, ok := d[unix.IFLA_MACVLAN_BC_QUEUE_LEN]; ok && len(v) >= 4 {
		fmt.Fprintf(b, "bcqueuelen %d ", u32(v))
	}
	if v, ok := d[unix.IFLA_MACVLAN_BC_QUEUE_LEN_USED]; ok && len(v) >= 4 {
		fmt.Fprintf(b, "usedbcqueuelen %d ", u32(v))
	}
}

// printVlan follows vlan_print_opt; this kernel has no 8021q, so no test
// compares it with ip.
func printVlan(b *strings.Builder, d map[uint16][]byte, _ func(int) string) {
	id, ok := d[unix.IFLA_VLAN_ID]
	if !ok || len(id) < 2 {
		return
	}
	proto := "802.1Q"
	if p, ok := d[unix.IFLA_VLAN_PROTOCOL]; ok && len(p) >= 2 && binary.BigEndian.Uint16(p) == unix.ETH_P_8021AD {
		proto = "802.1ad"
	}
	fmt.Fprintf(b, "protocol %s id %d ", proto, u16(id))
	if f, ok := d[unix.IFLA_VLAN_FLAGS]; ok && len(f) >= 4 {
		var names []string
		for i, n := range []string{"REORDER_HDR", "GVRP", "LOOSE_BINDING", "MVRP", "BRIDGE_BINDING"} {
			if u32(f)&(1<<i) != 0 {
				names = append(names, n)
			}
		}
		b.WriteString("<" + strings.Join(names, ",") + "> ")
	}
}

// A field is one attribute of a bridge or bridge port as ip prints it.
type field struct {
	t    uint16
	word string
	kind byte // 'b' u8, 'w' u16, 'l' u32, 'q' u64, 'x' hex u16, 'o' on/off, 't' timer, 'i' bridge id, 'm' MAC, 's' port state, 'g' group mask
}

var bridgeFields = []field{
	{unix.IFLA_BR_FORWARD_DELAY, "forward_delay", 'l'}, {unix.IFLA_BR_HELLO_TIME, "hello_time", 'l'},
	{unix.IFLA_BR_MAX_AGE, "max_age", 'l'}, {unix.IFLA_BR_AGEING_TIME, "ageing_time", 'l'},
	{unix.IFLA_BR_STP_STATE, "stp_state", 'l'}, {unix.IFLA_BR_PRIORITY, "priority", 'w'},
	{unix.IFLA_BR_VLAN_FILTERING, "vlan_filtering", 'b'}, {unix.IFLA_BR_VLAN_PROTOCOL, "vlan_protocol", 'p'},
	{unix.IFLA_BR_BRIDGE_ID, "bridge_id", 'i'},
	// ip 6.1 prints designated_root from IFLA_BR_BRIDGE_ID (a bug it has): so does netlab
	{unix.IFLA_BR_BRIDGE_ID, "designated_root", 'r'},
	{unix.IFLA_BR_ROOT_PORT, "root_port", 'w'}, {unix.IFLA_BR_ROOT_PATH_COST, "root_path_cost", 'l'},
	{unix.IFLA_BR_TOPOLOGY_CHANGE, "topology_change", 'b'}, {unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED, "topology_change_detected", 'b'},
	{unix.IFLA_BR_HELLO_TIMER, "hello_timer", 't'}, {unix.IFLA_BR_TCN_TIMER, "tcn_timer", 't'},
	{unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer", 't'}, {unix.IFLA_BR_GC_TIMER, "gc_timer", 't'},
	{unix.IFLA_BR_VLAN_DEFAULT_PVID, "vlan_default_pvid", 'w'}, {unix.IFLA_BR_VLAN_STATS_ENABLED, "vlan_stats_enabled", 'b'},
	{unix.IFLA_BR_VLAN_STATS_PER_PORT, "vlan_stats_per_port", 'b'},
	{unix.IFLA_BR_GROUP_FWD_MASK, "group_fwd_mask", 'x'}, {unix.IFLA_BR_GROUP_ADDR, "group_address", 'm'},
	{unix.IFLA_BR_MCAST_SNOOPING, "mcast_snooping", 'b'}, {unix.IFLA_BR_MULTI_BOOLOPT, "", 'B'},
	{unix.IFLA_BR_MCAST_ROUTER, "mcast_router", 'b'}, {unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, "mcast_query_use_ifaddr", 'b'},
	{unix.IFLA_BR_MCAST_QUERIER, "mcast_querier", 'b'}, {unix.IFLA_BR_MCAST_HASH_ELASTICITY, "mcast_hash_elasticity", 'l'},
	{unix.IFLA_BR_MCAST_HASH_MAX, "mcast_hash_max", 'l'}, {unix.IFLA_BR_MCAST_LAST_MEMBER_CNT, "mcast_last_member_count", 'l'},
	{unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT, "mcast_startup_query_count", 'l'},
	{unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL, "mcast_last_member_interval", 'q'},
	{unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL, "mcast_membership_interval", 'q'},
	{unix.IFLA_BR_MCAST_QUERIER_INTVL, "mcast_querier_interval", 'q'},
	{unix.IFLA_BR_MCAST_QUERY_INTVL, "mcast_query_interval", 'q'},
	{unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, "mcast_query_response_interval", 'q'},
	{unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, "mcast_startup_query_interval", 'q'},
	{unix.IFLA_BR_MCAST_STATS_ENABLED, "mcast_stats_enabled", 'b'},
	{unix.IFLA_BR_MCAST_IGMP_VERSION, "mcast_igmp_version", 'b'}, {unix.IFLA_BR_MCAST_MLD_VERSION, "mcast_mld_version", 'b'},
	{unix.IFLA_BR_NF_CALL_IPTABLES, "nf_call_iptables", 'b'}, {unix.IFLA_BR_NF_CALL_IP6TABLES, "nf_call_ip6tables", 'b'},
	{unix.IFLA_BR_NF_CALL_ARPTABLES, "nf_call_arptables", 'b'},
}

var bridgePortFields = []field{
	{unix.IFLA_BRPORT_STATE, "state", 's'}, {unix.IFLA_BRPORT_PRIORITY, "priority", 'w'},
	{unix.IFLA_BRPORT_COST, "cost", 'l'}, {unix.IFLA_BRPORT_MODE, "hairpin", 'o'},
	{unix.IFLA_BRPORT_GUARD, "guard", 'o'}, {unix.IFLA_BRPORT_PROTECT, "root_block", 'o'},
	{unix.IFLA_BRPORT_FAST_LEAVE, "fastleave", 'o'}, {unix.IFLA_BRPORT_LEARNING, "learning", 'o'},
	{unix.IFLA_BRPORT_UNICAST_FLOOD, "flood", 'o'}, {unix.IFLA_BRPORT_ID, "port_id", 'x'},
	{unix.IFLA_BRPORT_NO, "port_no", 'x'}, {unix.IFLA_BRPORT_DESIGNATED_PORT, "designated_port", 'w'},
	{unix.IFLA_BRPORT_DESIGNATED_COST, "designated_cost", 'w'}, {unix.IFLA_BRPORT_BRIDGE_ID, "designated_bridge", 'i'},
	{unix.IFLA_BRPORT_ROOT_ID, "designated_root", 'i'}, {unix.IFLA_BRPORT_HOLD_TIMER, "hold_timer", 't'},
	{unix.IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer", 't'},
	{unix.IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer", 't'},
	{unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, "topology_change_ack", 'b'},
	{unix.IFLA_BRPORT_CONFIG_PENDING, "config_pending", 'b'}, {unix.IFLA_BRPORT_PROXYARP, "proxy_arp", 'o'},
	{unix.IFLA_BRPORT_PROXYARP_WIFI, "proxy_arp_wifi", 'o'}, {unix.IFLA_BRPORT_MULTICAST_ROUTER, "mcast_router", 'b'},
	{unix.IFLA_BRPORT_FAST_LEAVE, "mcast_fast_leave", 'o'}, {unix.IFLA_BRPORT_MCAST_FLOOD, "mcast_flood", 'o'},
	{unix.IFLA_BRPORT_BCAST_FLOOD, "bcast_flood", 'o'}, {unix.IFLA_BRPORT_MCAST_TO_UCAST, "mcast_to_unicast", 'o'},
	{unix.IFLA_BRPORT_NEIGH_SUPPRESS, "neigh_suppress", 'o'}, {unix.IFLA_BRPORT_GROUP_FWD_MASK, "group_fwd_mask", 'g'},
	{unix.IFLA_BRPORT_VLAN_TUNNEL, "vlan_tunnel", 'o'}, {unix.IFLA_BRPORT_ISOLATED, "isolated", 'o'},
	{unix.IFLA_BRPORT_LOCKED, "locked", 'o'},
}

var portStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

func printFields(b *strings.Builder, d map[uint16][]byte, fields []field) {
	for _, f := range fields {
		v, ok := d[f.t]
		if !ok {
			continue
		}
		switch f.kind {
		case 'b':
			fmt.Fprintf(b, "%s %d ", f.word, u8(v))
		case 'w':
			fmt.Fprintf(b, "%s %d ", f.word, u16(v))
		case 'l':
			fmt.Fprintf(b, "%s %d ", f.word, u32(v))
		case 'q':
			fmt.Fprintf(b, "%s %d ", f.word, u64(v))
		case 'x':
			fmt.Fprintf(b, "%s %s ", f.word, cHex(u16(v)))
		case 'g':
			fmt.Fprintf(b, "%s %s %s_str %#x ", f.word, cHex(u16(v)), f.word, u16(v))
		case 'o':
			fmt.Fprintf(b, "%s %s ", f.word, map[bool]string{true: "on", false: "off"}[u8(v) != 0])
		case 't':
			t := u64(v)
			fmt.Fprintf(b, "%s %4d.%02d ", f.word, t/100, t%100)
		case 'i', 'r':
			fmt.Fprintf(b, "%s %s ", f.word, bridgeID(v))
		case 'm':
			fmt.Fprintf(b, "%s %s ", f.word, llAddr(v))
		case 'p':
			if len(v) >= 2 {
				p := map[uint16]string{unix.ETH_P_8021Q: "802.1Q", unix.ETH_P_8021AD: "802.1ad"}[binary.BigEndian.Uint16(v)]
				fmt.Fprintf(b, "%s %s ", f.word, p)
			}
		case 's':
			if s := int(u8(v)); s < len(portStates) {
				fmt.Fprintf(b, "%s %s ", f.word, portStates[s])
			} else {
				fmt.Fprintf(b, "state (%d) ", s)
			}
		case 'B':
			if len(v) >= 8 {
				val, mask := binary.NativeEndian.Uint32(v), binary.NativeEndian.Uint32(v[4:])
				for bit, word := range []string{"no_linklocal_learn", "mcast_vlan_snooping"} {
					if mask&(1<<bit) != 0 {
						fmt.Fprintf(b, "%s %d ", word, (val>>bit)&1)
					}
				}
			}
		}
	}
}

// cHex is C's "%#llx": 0 is "0", others "0x…".
func cHex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

// bridgeID is struct ifla_bridge_id as br_dump_bridge_id prints it: the
// priority in hex, then the MAC as ether_ntoa writes it, without leading
// zeros (8000.a:49:ea:6b:61:c1).
func bridgeID(v []byte) string {
	if len(v) < 8 {
		return ""
	}
	parts := make([]string, 6)
	for i, c := range v[2:8] {
		parts[i] = fmt.Sprintf("%x", c)
	}
	return fmt.Sprintf("%02x%02x.%s", v[0], v[1], strings.Join(parts, ":"))
}
