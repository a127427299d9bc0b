package capture

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// summarizer writes one packet in the words of tcpdump -nn (print-ether.c,
// print-arp.c, print-ip.c, print-icmp.c, print-tcp.c, ...), decoding the
// headers with gopacket's layers.
type summarizer struct {
	b         strings.Builder
	linkLevel bool
	verbose   int // tcpdump's -v count: 1 for -v, 2 for -vv
	tcp       tcpRel
	ipSrc     net.IP // the IP addresses around a TCP or UDP header, for its checksum under -v
	ipDst     net.IP
	ip6       bool // they are IPv6 addresses
	frag      bool // the IPv4 packet is a fragment: tcpdump checks no checksum
}

func (s *summarizer) printf(format string, a ...any) { fmt.Fprintf(&s.b, format, a...) }

// num and addrs are printf without fmt, for the lines a flood is made of.
func (s *summarizer) num(n int) {
	var buf [20]byte
	s.b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}

func (s *summarizer) addrs(src, dst net.IP) {
	s.b.WriteString(src.String())
	s.b.WriteString(" > ")
	s.b.WriteString(dst.String())
}

var etherTypeNames = map[layers.EthernetType]string{
	layers.EthernetTypeIPv4:  "IPv4",
	layers.EthernetTypeARP:   "ARP",
	layers.EthernetTypeIPv6:  "IPv6",
	layers.EthernetTypeDot1Q: "802.1Q",
	0x88a8:                   "802.1Q-QinQ",
	0x9100:                   "802.1Q-9100",
	0x9200:                   "802.1Q-9200",
	0x8035:                   "Reverse ARP",
	0x88cc:                   "LLDP",
}

// ether prints an Ethernet frame of the given wire length. VLAN tags
// (802.1Q and its stacked kinds) are shown only with linkLevel, one
// "vlan N, p P" per tag before the ethertype they carry, as print-ether.c
// does.
func (s *summarizer) ether(data []byte, length int) {
	if len(data) < ethHeaderLen {
		s.b.WriteString("[|ether]")
		return
	}
	dst, src := net.HardwareAddr(data[0:6]), net.HardwareAddr(data[6:12])
	typ := binary.BigEndian.Uint16(data[12:14])
	payload := data[ethHeaderLen:]
	plen := length - ethHeaderLen
	if s.linkLevel {
		s.printf("%s > %s, ", src, dst)
	}
	printedLength := false
	sep := func() {
		if printedLength {
			s.b.WriteString(", ")
			return
		}
		s.printf(", length %d: ", length)
		printedLength = true
	}
	for isVLANType(typ) {
		if len(payload) < 4 || plen < 4 {
			s.b.WriteString("[|vlan]")
			return
		}
		if s.linkLevel {
			s.etherType(typ)
			sep()
			tci := binary.BigEndian.Uint16(payload)
			s.printf("vlan %d, p %d", tci&0xfff, tci>>13)
			if tci&0x1000 != 0 {
				s.b.WriteString(", DEI")
			}
			s.b.WriteString(", ")
		}
		typ = binary.BigEndian.Uint16(payload[2:4])
		payload, plen = payload[4:], plen-4
	}
	_, known := etherTypeNames[layers.EthernetType(typ)]
	if s.linkLevel {
		s.etherType(typ)
		sep()
	} else if !known {
		// tcpdump names what it cannot decode with the frame's addresses.
		s.printf("%s > %s, ", src, dst)
		s.etherType(typ)
		s.printf(", length %d: ", length)
	}
	switch layers.EthernetType(typ) {
	case layers.EthernetTypeARP:
		s.arp(payload, plen)
	case layers.EthernetTypeIPv4:
		s.ipv4(payload)
	case layers.EthernetTypeIPv6:
		s.ipv6(payload)
	}
}

// etherType prints tcpdump's "ethertype NAME (0xNNNN)".
func (s *summarizer) etherType(typ uint16) {
	name, ok := etherTypeNames[layers.EthernetType(typ)]
	if !ok {
		name = "Unknown"
	}
	s.printf("ethertype %s (0x%04x)", name, typ)
}

var arpOps = map[uint16]string{1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply", 8: "Inverse Request", 9: "Inverse Reply", 10: "NAK Reply"}

func (s *summarizer) arp(data []byte, length int) {
	if !s.linkLevel {
		s.b.WriteString("ARP, ")
	}
	var a layers.ARP
	if a.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil || a.Protocol != layers.EthernetTypeIPv4 || a.ProtAddressSize != 4 || a.HwAddressSize != 6 {
		s.b.WriteString("[|arp]")
		return
	}
	if s.verbose > 0 {
		// tcpdump -v names the address types and lengths first.
		s.b.WriteString("Ethernet (len 6), IPv4 (len 4), ")
	}
	op, ok := arpOps[a.Operation]
	if !ok {
		op = "Unknown"
	}
	s.b.WriteString(op)
	switch a.Operation {
	case 1:
		s.printf(" who-has %s", net.IP(a.DstProtAddress))
		if !allZero(a.DstHwAddress) {
			s.printf(" (%s)", net.HardwareAddr(a.DstHwAddress))
		}
		s.printf(" tell %s", net.IP(a.SourceProtAddress))
	case 2:
		s.printf(" %s is-at %s", net.IP(a.SourceProtAddress), net.HardwareAddr(a.SourceHwAddress))
	}
	s.printf(", length %d", length)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func (s *summarizer) ipv4(data []byte) {
	if !s.linkLevel {
		s.b.WriteString("IP ")
	}
	var ip layers.IPv4
	if ip.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.b.WriteString("[|ip]")
		return
	}
	hl := int(ip.IHL) * 4
	plen := int(ip.Length) - hl
	if s.verbose > 0 && len(data) >= hl {
		s.ipv4Verbose(data[:hl])
		s.ipSrc, s.ipDst, s.ip6 = ip.SrcIP, ip.DstIP, false
		s.frag = ip.FragOffset != 0 || ip.Flags&layers.IPv4MoreFragments != 0
	}
	if ip.FragOffset != 0 {
		// A later fragment: no transport header to decode.
		s.printf("%s > %s: ip-proto-%d", ip.SrcIP, ip.DstIP, uint8(ip.Protocol))
		return
	}
	s.transport(ip.Protocol, ip.SrcIP, ip.DstIP, ip.Payload, plen, true)
}

func (s *summarizer) ipv6(data []byte) {
	if !s.linkLevel {
		s.b.WriteString("IP6 ")
	}
	if len(data) < 40 {
		s.b.WriteString("[|ip6]")
		return
	}
	var ip layers.IPv6
	// gopacket rejects some valid packets (zero length); read the fixed header ourselves then.
	ip.SrcIP, ip.DstIP = net.IP(data[8:24]), net.IP(data[24:40])
	ip.NextHeader = layers.IPProtocol(data[6])
	plen := int(binary.BigEndian.Uint16(data[4:6]))
	if s.verbose > 0 {
		s.ipv6Verbose(data)
		s.ipSrc, s.ipDst, s.ip6, s.frag = ip.SrcIP, ip.DstIP, true, false
	}
	payload := data[40:]
	if plen < len(payload) {
		payload = payload[:plen]
	}
	next := ip.NextHeader
	var hbhSeen bool
	if next == layers.IPProtocolIPv6HopByHop {
		var hbh layers.IPv6HopByHop
		if hbh.DecodeFromBytes(payload, gopacket.NilDecodeFeedback) != nil || hbh.ActualLength > len(payload) {
			s.printf("%s > %s: [|hbhopt]", ip.SrcIP, ip.DstIP)
			return
		}
		hbhSeen = true
		next = hbh.NextHeader
		payload = payload[hbh.ActualLength:]
		plen -= hbh.ActualLength
	}
	if next == layers.IPProtocolTCP || next == layers.IPProtocolUDP {
		s.transport(next, ip.SrcIP, ip.DstIP, payload, plen, false)
		return
	}
	s.printf("%s > %s: ", ip.SrcIP, ip.DstIP)
	if hbhSeen {
		s.b.WriteString("HBH ")
	}
	if next == layers.IPProtocolICMPv6 {
		s.icmp6(payload, plen)
		return
	}
	s.printf("ip-proto-%d %d", uint8(next), plen)
}

// transport prints what follows an IP header of either version.
func (s *summarizer) transport(proto layers.IPProtocol, src, dst net.IP, data []byte, length int, v4 bool) {
	switch proto {
	case layers.IPProtocolTCP:
		s.tcpSeg(src, dst, data, length)
	case layers.IPProtocolUDP:
		s.udp(src, dst, data, length)
	case layers.IPProtocolICMPv4:
		s.addrs(src, dst)
		s.b.WriteString(": ICMP ")
		s.icmp(data, length)
	case layers.IPProtocolIGMP:
		s.printf("%s > %s: ", src, dst)
		s.igmp(data)
	default:
		s.printf("%s > %s: ip-proto-%d %d", src, dst, uint8(proto), length)
	}
}

func (s *summarizer) udp(src, dst net.IP, data []byte, length int) {
	var u layers.UDP
	if len(data) < 8 || u.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.printf("%s > %s: [|udp]", src, dst)
		return
	}
	s.printf("%s.%d > %s.%d: ", src, u.SrcPort, dst, u.DstPort)
	if int(u.Length) < length {
		length = int(u.Length)
	}
	// tcpdump checks an IPv4 datagram's checksum under -vv, an IPv6 one's
	// (mandatory there) under -v.
	if (s.verbose > 1 || s.ip6 && s.verbose > 0) && s.ipSrc != nil && !s.frag {
		switch {
		case u.Checksum == 0 && !s.ip6:
			s.b.WriteString("[no cksum] ")
		case len(data) >= length:
			if sum := inCksum(data[:length], pseudoSum(s.ipSrc, s.ipDst, 17, length)); sum != 0 {
				s.printf("[bad udp cksum 0x%04x -> 0x%04x!] ", u.Checksum, cksumShouldBe(u.Checksum, sum))
			} else {
				s.b.WriteString("[udp sum ok] ")
			}
		}
	}
	// print-udp.c tries OTV's port before VXLAN's: flannel's 8472 is OTV's.
	if u.SrcPort == otvPort || u.DstPort == otvPort {
		s.otv(data[8:], length-8)
		return
	}
	if u.SrcPort == vxlanPort || u.DstPort == vxlanPort {
		s.vxlan(data[8:], length-8)
		return
	}
	s.printf("UDP, length %d", length-8)
}

func (s *summarizer) vxlan(data []byte, length int) {
	var vx layers.VXLAN
	if vx.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.b.WriteString("VXLAN[|vxlan]")
		return
	}
	flags := "Invalid"
	if data[0] == 0x08 {
		flags = "I"
	}
	s.printf("VXLAN, flags [%s] (0x%02x), vni %d\n", flags, data[0], vx.VNI)
	s.ether(vx.Payload, length-8)
}

// otvPort is OTV's UDP port (draft-hasmit-otv-04), which the Linux
// kernel's vxlan driver used before IANA gave VXLAN 4789 and flannel
// still uses: tcpdump decodes it as OTV, whose header has VXLAN's layout.
const otvPort = 8472

// otv prints a VXLAN header on port 8472 as print-otv.c reads it: the
// 24 reserved bits after the flags are OTV's overlay, the VNI its
// instance; then the inner frame on a line of its own.
func (s *summarizer) otv(data []byte, length int) {
	s.b.WriteString("OTV, ")
	if length < 8 {
		s.printf("[length %d < 8] (invalid)", length)
		return
	}
	if len(data) < 8 {
		s.b.WriteString("[|otv]")
		return
	}
	flags := "."
	if data[0]&0x08 != 0 {
		flags = "I"
	}
	over := int(data[1])<<16 | int(data[2])<<8 | int(data[3])
	inst := int(data[4])<<16 | int(data[5])<<8 | int(data[6])
	s.printf("flags [%s] (0x%02x), overlay %d, instance %d\n", flags, data[0], over, inst)
	s.ether(data[8:], length-8)
}

var icmpTypes = map[uint8]string{
	0: "echo reply", 4: "source quench", 8: "echo request", 10: "router solicitation",
	13: "time stamp request", 14: "time stamp reply", 15: "information request",
	16: "information reply", 17: "address mask request",
}

var icmpUnreach = map[uint8]string{
	0: "net %s unreachable", 1: "host %s unreachable", 5: "%s unreachable - source route failed",
	6: "net %s unreachable - unknown", 7: "host %s unreachable - unknown",
	8: "%s unreachable - source host isolated", 9: "net %s unreachable - admin prohibited",
	10: "host %s unreachable - admin prohibited", 11: "net %s unreachable - tos prohibited",
	12: "host %s unreachable - tos prohibited", 13: "host %s unreachable - admin prohibited filter",
	14: "host %s unreachable - host precedence violation", 15: "host %s unreachable - precedence cutoff",
}

func (s *summarizer) icmp(data []byte, length int) {
	var ic layers.ICMPv4
	if ic.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.b.WriteString("[|icmp]")
		return
	}
	typ, code := ic.TypeCode.Type(), ic.TypeCode.Code()
	// The original datagram an error message quotes.
	var inner layers.IPv4
	innerOK := false
	innerDst := "[|icmp]"
	if typ == 3 || typ == 5 || typ == 11 || typ == 12 {
		innerOK = len(data) >= 8+20 && inner.DecodeFromBytes(data[8:], gopacket.NilDecodeFeedback) == nil
		if innerOK {
			innerDst = inner.DstIP.String()
		}
	}
	switch typ {
	case 0, 8:
		if typ == 8 {
			s.b.WriteString("echo request, id ")
		} else {
			s.b.WriteString("echo reply, id ")
		}
		s.num(int(ic.Id))
		s.b.WriteString(", seq ")
		s.num(int(ic.Seq))
	case 3:
		switch code {
		case 2:
			s.printf("%s protocol %d unreachable", innerDst, uint8(inner.Protocol))
		case 3:
			hl := int(inner.IHL) * 4
			if !innerOK || len(data) < 8+hl+4 {
				s.b.WriteString("[|icmp]")
				return
			}
			dport := binary.BigEndian.Uint16(data[8+hl+2:])
			switch inner.Protocol {
			case layers.IPProtocolTCP:
				s.printf("%s tcp port %d unreachable", innerDst, dport)
			case layers.IPProtocolUDP:
				s.printf("%s udp port %d unreachable", innerDst, dport)
			default:
				s.printf("%s protocol %d port %d unreachable", innerDst, uint8(inner.Protocol), dport)
			}
		case 4:
			if mtu := ic.Seq; mtu != 0 {
				s.printf("%s unreachable - need to frag (mtu %d)", innerDst, mtu)
			} else {
				s.printf("%s unreachable - need to frag", innerDst)
			}
		default:
			if f, ok := icmpUnreach[code]; ok {
				s.printf(f, innerDst)
			} else {
				s.printf("%s unreachable - #%d", innerDst, code)
			}
		}
	case 5:
		gw := net.IP(data[4:8])
		kinds := []string{"net", "host", "tos and net", "tos and host"}
		if int(code) < len(kinds) {
			s.printf("redirect %s to %s %s", innerDst, kinds[code], gw)
		} else {
			s.printf("redirect-#%d %s to %s", code, innerDst, gw)
		}
	case 11:
		switch code {
		case 0:
			s.b.WriteString("time exceeded in-transit")
		case 1:
			s.b.WriteString("ip reassembly time exceeded")
		default:
			s.printf("time exceeded-#%d", code)
		}
	default:
		if name, ok := icmpTypes[typ]; ok {
			s.b.WriteString(name)
		} else {
			s.printf("type-#%d", typ)
		}
	}
	s.b.WriteString(", length ")
	s.num(length)
	if s.verbose > 0 && (typ == 3 || typ == 4 || typ == 5 || typ == 11 || typ == 12) && len(data) > 8 {
		// -v prints the datagram an error quotes, on a line of its own.
		in := summarizer{verbose: s.verbose}
		in.ipv4(data[8:])
		s.b.WriteString("\n\t")
		s.b.WriteString(in.b.String())
	}
	if s.verbose > 0 && !s.frag && len(data) >= length {
		if sum := inCksum(data[:length], 0); sum != 0 {
			stored := binary.BigEndian.Uint16(data[2:4])
			s.printf(" (wrong icmp cksum %x (->%x)!)", stored, cksumShouldBe(stored, sum))
		}
	}
}

func (s *summarizer) icmp6(data []byte, length int) {
	s.b.WriteString("ICMP6, ")
	var ic layers.ICMPv6
	if ic.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.b.WriteString("[|icmp6]")
		return
	}
	body := ic.Payload
	typ := ic.TypeCode.Type()
	switch typ {
	case 128, 129:
		if len(body) < 4 {
			s.b.WriteString("[|icmp6]")
			return
		}
		s.printf("echo %s, id %d, seq %d", map[bool]string{true: "request", false: "reply"}[typ == 128],
			binary.BigEndian.Uint16(body), binary.BigEndian.Uint16(body[2:]))
	case 135, 136:
		if len(body) < 20 {
			s.b.WriteString("[|icmp6]")
			return
		}
		if typ == 135 {
			s.printf("neighbor solicitation, who has %s", net.IP(body[4:20]))
		} else {
			s.printf("neighbor advertisement, tgt is %s", net.IP(body[4:20]))
		}
	case 143:
		if len(body) < 4 {
			s.b.WriteString("[|icmp6]")
			return
		}
		s.printf("multicast listener report v2, %d group record(s)", binary.BigEndian.Uint16(body[2:]))
	default:
		if name, ok := icmp6Types[typ]; ok {
			s.b.WriteString(name)
		} else {
			s.printf("unknown icmp6 type (%d)", typ)
		}
	}
	s.printf(", length %d", length)
}

var icmp6Types = map[uint8]string{
	1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit", 4: "parameter problem",
	130: "multicast listener query", 131: "multicast listener report", 132: "multicast listener done",
	133: "router solicitation", 134: "router advertisement", 137: "redirect",
}

func (s *summarizer) igmp(data []byte) {
	if len(data) < 8 {
		s.b.WriteString("[|igmp]")
		return
	}
	switch data[0] {
	case 0x11:
		s.b.WriteString("igmp query")
	case 0x16:
		s.printf("igmp v2 report %s", net.IP(data[4:8]))
	case 0x17:
		s.printf("igmp leave %s", net.IP(data[4:8]))
	case 0x22:
		s.printf("igmp v3 report, %d group record(s)", binary.BigEndian.Uint16(data[6:8]))
	default:
		s.printf("igmp-%d", data[0])
	}
}

// tcpFlagOrder is tcpdump's tcp_flag_values, lowest bit first.
var tcpFlagOrder = []struct {
	bit  uint8
	name string
}{{0x01, "F"}, {0x02, "S"}, {0x04, "R"}, {0x08, "P"}, {0x10, "."}, {0x20, "U"}, {0x40, "E"}, {0x80, "W"}}

func (s *summarizer) tcpSeg(src, dst net.IP, data []byte, length int) {
	var t layers.TCP
	if len(data) < 20 || t.DecodeFromBytes(data, gopacket.NilDecodeFeedback) != nil {
		s.printf("%s > %s: [|tcp]", src, dst)
		return
	}
	s.printf("%s.%d > %s.%d: Flags [", src, t.SrcPort, dst, t.DstPort)
	flags := data[13]
	if flags == 0 {
		s.b.WriteString("none")
	}
	for _, f := range tcpFlagOrder {
		if flags&f.bit != 0 {
			s.b.WriteString(f.name)
		}
	}
	s.b.WriteString("]")
	if s.verbose > 0 && s.ipSrc != nil && !s.frag && len(data) >= length {
		s.printf(", cksum 0x%04x", t.Checksum)
		if sum := inCksum(data[:length], pseudoSum(s.ipSrc, s.ipDst, 6, length)); sum != 0 {
			s.printf(" (incorrect -> 0x%04x)", cksumShouldBe(t.Checksum, sum))
		} else {
			s.b.WriteString(" (correct)")
		}
	}
	seq, ack := t.Seq, t.Ack
	if s.tcp.relative {
		if s.tcp.rev {
			seq, ack = seq-s.tcp.thack, ack-s.tcp.thseq
		} else {
			seq, ack = seq-s.tcp.thseq, ack-s.tcp.thack
		}
	}
	hl := int(t.DataOffset) * 4
	plen := length - hl
	if s.verbose > 1 || plen > 0 || flags&0x07 != 0 { // SYN, FIN, RST
		s.printf(", seq %d", seq)
		if plen > 0 {
			s.printf(":%d", seq+uint32(plen))
		}
	}
	if t.ACK {
		s.printf(", ack %d", ack)
	}
	s.printf(", win %d", t.Window)
	if t.URG {
		s.printf(", urg %d", t.Urgent)
	}
	if hl > 20 {
		s.b.WriteString(", options [")
		s.tcpOptions(data[20:hl])
		s.b.WriteString("]")
	}
	s.printf(", length %d", plen)
	if plen > 0 && len(data) > hl {
		end := len(data)
		if hl+plen < end {
			end = hl + plen // Ethernet padding is no payload
		}
		s.tcpPayload(uint16(t.SrcPort), uint16(t.DstPort), flags, data[hl:end], plen)
	}
}

func (s *summarizer) tcpOptions(opts []byte) {
	for i := 0; len(opts) > 0; i++ {
		if i > 0 {
			s.b.WriteString(",")
		}
		kind := opts[0]
		if kind == 0 {
			s.b.WriteString("eol")
			return
		}
		if kind == 1 {
			s.b.WriteString("nop")
			opts = opts[1:]
			continue
		}
		if len(opts) < 2 || int(opts[1]) < 2 || int(opts[1]) > len(opts) {
			s.b.WriteString("[bad opt]")
			return
		}
		o := opts[2:opts[1]]
		switch {
		case kind == 2 && len(o) == 2:
			s.printf("mss %d", binary.BigEndian.Uint16(o))
		case kind == 3 && len(o) == 1:
			s.printf("wscale %d", o[0])
		case kind == 4 && len(o) == 0:
			s.b.WriteString("sackOK")
		case kind == 5 && len(o)%8 == 0:
			s.printf("sack %d ", len(o)/8)
			for j := 0; j < len(o); j += 8 {
				a, b := binary.BigEndian.Uint32(o[j:]), binary.BigEndian.Uint32(o[j+4:])
				base := s.tcp.thack
				if s.tcp.rev {
					base = s.tcp.thseq
				}
				s.printf("{%d:%d}", a-base, b-base)
			}
		case kind == 8 && len(o) == 8:
			s.printf("TS val %d ecr %d", binary.BigEndian.Uint32(o), binary.BigEndian.Uint32(o[4:]))
		default:
			s.b.WriteString("unknown-" + strconv.Itoa(int(kind)) + " ")
			for _, c := range o {
				s.printf("%02x", c)
			}
		}
		opts = opts[opts[1]:]
	}
}
