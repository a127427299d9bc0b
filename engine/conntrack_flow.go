package engine

// This file reads one ctnetlink flow message into a ctFlow and prints it
// as libnetfilter_conntrack 1.0.9 prints a flow by default (what
// "conntrack -L" shows).

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ctnetlink attribute numbers (linux/netfilter/nfnetlink_conntrack.h).
const (
	ctaTupleOrig     = 1
	ctaTupleReply    = 2
	ctaStatus        = 3
	ctaProtoinfo     = 4
	ctaHelp          = 5
	ctaTimeout       = 7
	ctaMark          = 8
	ctaCountersOrig  = 9
	ctaCountersReply = 10
	ctaUse           = 11
	ctaZone          = 18
	ctaSecctx        = 19
	ctaTimestamp     = 20

	ctaTupleIP    = 1
	ctaTupleProto = 2
	ctaTupleZone  = 3

	ctaIPv4Src = 1
	ctaIPv4Dst = 2
	ctaIPv6Src = 3
	ctaIPv6Dst = 4

	ctaProtoNum        = 1
	ctaProtoSrcPort    = 2
	ctaProtoDstPort    = 3
	ctaProtoICMPID     = 4
	ctaProtoICMPType   = 5
	ctaProtoICMPCode   = 6
	ctaProtoICMPv6ID   = 7
	ctaProtoICMPv6Type = 8
	ctaProtoICMPv6Code = 9

	ctaProtoinfoTCP      = 1
	ctaProtoinfoTCPState = 1
	ctaCountersPackets   = 1
	ctaCountersBytes     = 2
	ctaTimestampStart    = 1
	ctaTimestampStop     = 2
	ctaHelpName          = 1
	ctaSecctxName        = 1
)

// Status bits of a flow (linux/netfilter/nf_conntrack_common.h).
const (
	ipsSeenReply  = 1 << 1
	ipsAssured    = 1 << 2
	ipsSrcNATDone = 1 << 7
	ipsDstNATDone = 1 << 8
	ipsOffload    = 1 << 14
	ipsHWOffload  = 1 << 15
)

// ctTuple is one direction of a flow. l4src and l4dst hold the two
// protocol bytes as the library's union does: ports in network order
// for TCP and UDP; for ICMP the id in l4src and type, code in l4dst.
type ctTuple struct {
	src, dst     net.IP
	proto        uint8
	l4src, l4dst [2]byte
	zone         uint16
	hasZone      bool
}

type ctCounters struct {
	packets, bytes uint64
	ok             bool
}

// ctFlow is one flow of the table: what the kernel sent of it.
type ctFlow struct {
	family            uint8
	orig, reply       ctTuple
	status, timeout   uint32
	mark, use         uint32
	hasStatus         bool
	hasTimeout        bool
	hasMark, hasUse   bool
	tcpState          uint8
	hasTCPState       bool
	counters          [2]ctCounters
	zone              uint16
	hasZone           bool
	secctx, helper    string
	tsStart, tsStop   uint64
	hasStart, hasStop bool
}

// ctAttr is one netlink attribute: its type (without the nested and
// byte-order flags) and value.
type ctAttr struct {
	typ uint16
	val []byte
}

// ctAttrs splits a run of netlink attributes; a truncated one ends it.
func ctAttrs(b []byte) []ctAttr {
	var out []ctAttr
	for len(b) >= 4 {
		l := int(binary.NativeEndian.Uint16(b))
		t := binary.NativeEndian.Uint16(b[2:]) & 0x3fff
		if l < 4 || l > len(b) {
			break
		}
		out = append(out, ctAttr{t, b[4:l]})
		l = (l + 3) &^ 3
		if l > len(b) {
			break
		}
		b = b[l:]
	}
	return out
}

func be16(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func be32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func be64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// cString is a netlink string attribute without its terminating NUL.
func cString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// parseCtFlow reads a ctnetlink message (its nfgenmsg header, then the
// attributes); ok is false for a message too short to be a flow.
func parseCtFlow(m []byte) (*ctFlow, bool) {
	if len(m) < 4 {
		return nil, false
	}
	f := &ctFlow{family: m[0]}
	for _, at := range ctAttrs(m[4:]) {
		v := at.val
		switch at.typ {
		case ctaTupleOrig:
			parseCtTuple(v, &f.orig)
		case ctaTupleReply:
			parseCtTuple(v, &f.reply)
		case ctaStatus:
			f.status, f.hasStatus = be32(v), true
		case ctaTimeout:
			f.timeout, f.hasTimeout = be32(v), true
		case ctaMark:
			f.mark, f.hasMark = be32(v), true
		case ctaUse:
			f.use, f.hasUse = be32(v), true
		case ctaZone:
			f.zone, f.hasZone = be16(v), true
		case ctaProtoinfo:
			for _, p := range ctAttrs(v) {
				if p.typ != ctaProtoinfoTCP {
					continue
				}
				for _, s := range ctAttrs(p.val) {
					if s.typ == ctaProtoinfoTCPState && len(s.val) > 0 {
						f.tcpState, f.hasTCPState = s.val[0], true
					}
				}
			}
		case ctaCountersOrig, ctaCountersReply:
			c := &f.counters[at.typ-ctaCountersOrig]
			var havePk, haveBy bool
			for _, x := range ctAttrs(v) {
				switch x.typ {
				case ctaCountersPackets:
					c.packets, havePk = be64(x.val), true
				case ctaCountersBytes:
					c.bytes, haveBy = be64(x.val), true
				}
			}
			c.ok = havePk && haveBy
		case ctaTimestamp:
			for _, x := range ctAttrs(v) {
				switch x.typ {
				case ctaTimestampStart:
					f.tsStart, f.hasStart = be64(x.val), true
				case ctaTimestampStop:
					f.tsStop, f.hasStop = be64(x.val), true
				}
			}
		case ctaHelp:
			for _, x := range ctAttrs(v) {
				if x.typ == ctaHelpName {
					f.helper = cString(x.val)
				}
			}
		case ctaSecctx:
			for _, x := range ctAttrs(v) {
				if x.typ == ctaSecctxName {
					f.secctx = cString(x.val)
				}
			}
		}
	}
	return f, true
}

// parseCtTuple reads a CTA_TUPLE_ORIG or CTA_TUPLE_REPLY nest.
func parseCtTuple(b []byte, t *ctTuple) {
	for _, at := range ctAttrs(b) {
		switch at.typ {
		case ctaTupleIP:
			for _, x := range ctAttrs(at.val) {
				switch x.typ {
				case ctaIPv4Src, ctaIPv6Src:
					t.src = net.IP(append([]byte(nil), x.val...))
				case ctaIPv4Dst, ctaIPv6Dst:
					t.dst = net.IP(append([]byte(nil), x.val...))
				}
			}
		case ctaTupleProto:
			for _, x := range ctAttrs(at.val) {
				switch x.typ {
				case ctaProtoNum:
					if len(x.val) > 0 {
						t.proto = x.val[0]
					}
				case ctaProtoSrcPort, ctaProtoICMPID, ctaProtoICMPv6ID:
					copy(t.l4src[:], x.val)
				case ctaProtoDstPort:
					copy(t.l4dst[:], x.val)
				case ctaProtoICMPType, ctaProtoICMPv6Type:
					if len(x.val) > 0 {
						t.l4dst[0] = x.val[0]
					}
				case ctaProtoICMPCode, ctaProtoICMPv6Code:
					if len(x.val) > 0 {
						t.l4dst[1] = x.val[0]
					}
				}
			}
		case ctaTupleZone:
			t.zone, t.hasZone = be16(at.val), true
		}
	}
}

// ctProtoNames are libnetfilter_conntrack's names of layer 4 protocols;
// any other is "unknown".
var ctProtoNames = map[uint8]string{
	unix.IPPROTO_TCP: "tcp", unix.IPPROTO_UDP: "udp", unix.IPPROTO_UDPLITE: "udplite",
	unix.IPPROTO_ICMP: "icmp", unix.IPPROTO_ICMPV6: "icmpv6", unix.IPPROTO_SCTP: "sctp",
	unix.IPPROTO_GRE: "gre", unix.IPPROTO_DCCP: "dccp",
}

// ctTCPStates are the library's names of the TCP states; a state past
// them prints as NONE.
var ctTCPStates = []string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}

// format prints the flow as __snprintf_conntrack_default does for a dump:
// protocol, timeout, TCP state, the original tuple, [UNREPLIED], the
// reply tuple, [ASSURED], then mark, secctx, zone, delta-time, helper
// and use, each only when the kernel sent it. now is the time
// delta-time counts to.
func (f *ctFlow) format(now time.Time) string {
	var b strings.Builder
	name, ok := ctProtoNames[f.orig.proto]
	if !ok {
		name = "unknown"
	}
	fmt.Fprintf(&b, "%-8s %d ", name, f.orig.proto)
	if f.hasTimeout {
		fmt.Fprintf(&b, "%d ", f.timeout)
	}
	if f.hasTCPState {
		st := "NONE"
		if int(f.tcpState) < len(ctTCPStates) {
			st = ctTCPStates[f.tcpState]
		}
		b.WriteString(st + " ")
	}
	f.tuple(&b, &f.orig)
	if f.orig.hasZone {
		fmt.Fprintf(&b, "zone-orig=%d ", f.orig.zone)
	}
	if c := f.counters[0]; c.ok {
		fmt.Fprintf(&b, "packets=%d bytes=%d ", c.packets, c.bytes)
	}
	if f.hasStatus && f.status&ipsSeenReply == 0 {
		b.WriteString("[UNREPLIED] ")
	}
	f.tuple(&b, &f.reply)
	if f.reply.hasZone {
		fmt.Fprintf(&b, "zone-reply=%d ", f.reply.zone)
	}
	if c := f.counters[1]; c.ok {
		fmt.Fprintf(&b, "packets=%d bytes=%d ", c.packets, c.bytes)
	}
	if f.hasStatus {
		switch {
		case f.status&ipsHWOffload != 0:
			b.WriteString("[HW_OFFLOAD] ")
		case f.status&ipsOffload != 0:
			b.WriteString("[OFFLOAD] ")
		case f.status&ipsAssured != 0:
			b.WriteString("[ASSURED] ")
		}
	}
	if f.hasMark {
		fmt.Fprintf(&b, "mark=%d ", f.mark)
	}
	if f.secctx != "" {
		fmt.Fprintf(&b, "secctx=%s ", f.secctx)
	}
	if f.hasZone {
		fmt.Fprintf(&b, "zone=%d ", f.zone)
	}
	if f.hasStart {
		stop := now.Unix()
		if f.hasStop && f.tsStop != 0 {
			stop = int64(f.tsStop / 1e9)
		}
		fmt.Fprintf(&b, "delta-time=%d ", stop-int64(f.tsStart/1e9))
	}
	if f.helper != "" {
		fmt.Fprintf(&b, "helper=%s ", f.helper)
	}
	if f.hasUse {
		fmt.Fprintf(&b, "use=%d ", f.use)
	}
	return strings.TrimSuffix(b.String(), " ")
}

// tuple prints one direction: addresses, then what its protocol has.
func (f *ctFlow) tuple(b *strings.Builder, t *ctTuple) {
	if f.family == unix.AF_INET || f.family == unix.AF_INET6 {
		fmt.Fprintf(b, "src=%s dst=%s ", t.src, t.dst)
	}
	switch t.proto {
	case unix.IPPROTO_TCP, unix.IPPROTO_UDP, unix.IPPROTO_UDPLITE, unix.IPPROTO_SCTP, unix.IPPROTO_DCCP:
		fmt.Fprintf(b, "sport=%d dport=%d ", be16(t.l4src[:]), be16(t.l4dst[:]))
	case unix.IPPROTO_GRE:
		fmt.Fprintf(b, "srckey=0x%x dstkey=0x%x ", be16(t.l4src[:]), be16(t.l4dst[:]))
	case unix.IPPROTO_ICMP, unix.IPPROTO_ICMPV6:
		fmt.Fprintf(b, "type=%d code=%d id=%d ", t.l4dst[0], t.l4dst[1], be16(t.l4src[:]))
	}
}

// The NAT tests of libnetfilter_conntrack's nfct_getobjopt, which
// conntrack's --src-nat, --dst-nat and --any-nat use. The port tests
// compare the two protocol bytes whatever the protocol, as the library's
// union does, so an ICMP flow that went through NAT hooks counts too.

func (f *ctFlow) isSNAT() bool {
	return f.hasStatus && f.status&ipsSrcNATDone != 0 && f.family == unix.AF_INET && !f.reply.dst.Equal(f.orig.src)
}

func (f *ctFlow) isDNAT() bool {
	return f.hasStatus && f.status&ipsDstNATDone != 0 && f.family == unix.AF_INET && !f.reply.src.Equal(f.orig.dst)
}

func (f *ctFlow) isSPAT() bool {
	return (!f.hasStatus || f.status&ipsSrcNATDone != 0) && f.reply.l4dst != f.orig.l4src
}

func (f *ctFlow) isDPAT() bool {
	return (!f.hasStatus || f.status&ipsDstNATDone != 0) && f.reply.l4src != f.orig.l4dst
}
