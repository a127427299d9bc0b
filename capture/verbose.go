package capture

import (
	"encoding/binary"
	"net"
)

// This file is tcpdump's -v and -vv for IPv4 (print-ip.c, and the
// checksum checks of print-tcp.c, print-udp.c and print-icmp.c): the IP
// header's fields in parentheses, then the addresses on a second line
// indented by four spaces, exactly as tcpdump 4.99 prints them.

// ipProtoNames is tcpdump's ipproto_values, for the proto field of -v.
var ipProtoNames = map[uint8]string{
	0: "Options", 1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 8: "EGP", 9: "IGRP", 17: "UDP",
	33: "DCCP", 41: "IPv6", 43: "Routing", 44: "Fragment", 46: "RSVP", 47: "GRE", 50: "ESP",
	51: "AH", 55: "Mobile IP", 58: "ICMPv6", 89: "OSPF", 103: "PIM", 112: "VRRP", 132: "SCTP",
}

// ipv4Verbose prints "(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto
// ICMP (1), length 84)" and the newline and indent before the addresses.
func (s *summarizer) ipv4Verbose(h []byte) {
	tos, ttl, proto := h[1], h[8], h[9]
	s.printf("(tos 0x%x", tos)
	switch tos & 0x03 {
	case 1:
		s.b.WriteString(",ECT(1)")
	case 2:
		s.b.WriteString(",ECT(0)")
	case 3:
		s.b.WriteString(",CE")
	}
	if ttl >= 1 {
		s.printf(", ttl %d", ttl)
	}
	off := binary.BigEndian.Uint16(h[6:8])
	flags := ""
	// tcpdump's ip_frag_values, in table order, joined by ", ".
	for _, f := range []struct {
		bit  uint16
		name string
	}{{0x2000, "+"}, {0x4000, "DF"}, {0x8000, "rsvd"}} {
		if off&f.bit != 0 {
			if flags != "" {
				flags += ", "
			}
			flags += f.name
		}
	}
	if flags == "" {
		flags = "none"
	}
	name, ok := ipProtoNames[proto]
	if !ok {
		name = "unknown"
	}
	s.printf(", id %d, offset %d, flags [%s], proto %s (%d), length %d",
		binary.BigEndian.Uint16(h[4:6]), int(off&0x1fff)*8, flags, name, proto, binary.BigEndian.Uint16(h[2:4]))
	hl := int(h[0]&0x0f) * 4
	if hl > 20 {
		s.b.WriteString(", options (")
		s.ipOptions(h[20:hl])
		s.b.WriteString(")")
	}
	if sum := inCksum(h[:hl], 0); sum != 0 {
		stored := binary.BigEndian.Uint16(h[10:12])
		s.printf(", bad cksum %x (->%x)!", stored, cksumShouldBe(stored, sum))
	}
	s.b.WriteString(")\n    ")
}

// ipOptions names the options tcpdump names most often; the rest by number.
func (s *summarizer) ipOptions(o []byte) {
	for i := 0; len(o) > 0; i++ {
		if i > 0 {
			s.b.WriteString(",")
		}
		switch o[0] {
		case 0:
			s.b.WriteString("EOL")
			return
		case 1:
			s.b.WriteString("NOP")
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			s.b.WriteString("[|ip]")
			return
		}
		if o[0] == 148 {
			s.b.WriteString("RA")
		} else {
			s.printf("unknown %d", o[0])
		}
		o = o[o[1]:]
	}
}

// inCksum is the Internet checksum of data (RFC 1071) added to initial:
// 0 when data already carries a correct checksum.
func inCksum(data []byte, initial uint32) uint16 {
	sum := initial
	for len(data) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(data))
		data = data[2:]
	}
	if len(data) == 1 {
		sum += uint32(data[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// pseudoSum is the pseudo-header's part of a TCP or UDP checksum, IPv4
// (RFC 793) or IPv6 (RFC 8200): the addresses, the protocol and the length.
func pseudoSum(src, dst net.IP, proto uint8, length int) uint32 {
	var sum uint32
	for _, a := range []net.IP{src, dst} {
		if a4 := a.To4(); a4 != nil {
			a = a4
		}
		for i := 0; i+1 < len(a); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(a[i:]))
		}
	}
	return sum + uint32(proto) + uint32(length>>16) + uint32(length&0xffff)
}

// cksumShouldBe is tcpdump's in_cksum_shouldbe: the value the checksum
// field should hold, given what it holds and the checksum computed over
// the data including it.
func cksumShouldBe(stored, computed uint16) uint16 {
	v := uint32(stored) + uint32(computed)
	v = v&0xffff + v>>16
	v = v&0xffff + v>>16
	return uint16(v)
}

// ipv6Verbose prints print-ip6.c's "(flowlabel 0x12345, hlim 64,
// next-header ICMPv6 (58) payload length: 32) " before the addresses.
func (s *summarizer) ipv6Verbose(h []byte) {
	flow := binary.BigEndian.Uint32(h[0:4])
	s.b.WriteString("(")
	if flow&0x0ff00000 != 0 {
		s.printf("class 0x%02x, ", (flow&0x0ff00000)>>20)
	}
	if flow&0x000fffff != 0 {
		s.printf("flowlabel 0x%05x, ", flow&0x000fffff)
	}
	name, ok := ipProtoNames[h[6]]
	if !ok {
		name = "unknown"
	}
	s.printf("hlim %d, next-header %s (%d) payload length: %d) ", h[7], name, h[6], binary.BigEndian.Uint16(h[4:6]))
}
