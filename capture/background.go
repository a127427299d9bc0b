package capture

import "encoding/binary"

// isBackground reports whether a frame is the chatter a Linux interface
// makes by itself and a student did not cause: IPv6 neighbour discovery,
// router solicitations and advertisements, MLD reports and queries, and
// IGMP membership reports, also behind a VLAN tag and inside a VXLAN (or
// flannel's 8472) datagram, where a tunnel device's own chatter travels
// on the underlay. Options.ShowBackground shows it.
func isBackground(d []byte) bool {
	typ, l3, ok := untagged(d)
	if !ok || len(l3) < 1 {
		return false
	}
	switch typ {
	case 0x0800:
		if len(l3) < 20 {
			return false
		}
		if l3[9] == 2 { // IGMP
			return true
		}
		hl := int(l3[0]&0x0f) * 4
		if l3[9] != 17 || hl < 20 || len(l3) < hl+8+8 || binary.BigEndian.Uint16(l3[6:])&0x3fff != 0 {
			return false
		}
		udp := l3[hl:]
		sport, dport := binary.BigEndian.Uint16(udp), binary.BigEndian.Uint16(udp[2:])
		if sport != vxlanPort && dport != vxlanPort && sport != otvPort && dport != otvPort {
			return false
		}
		return isBackground(udp[8+8:]) // the frame the tunnel carries
	case 0x86dd:
		if len(l3) < 41 {
			return false
		}
		next, rest := l3[6], l3[40:]
		if next == 0 && len(rest) >= 2 { // hop-by-hop options, as MLD carries
			hl := (int(rest[1]) + 1) * 8
			if len(rest) <= hl {
				return false
			}
			next, rest = rest[0], rest[hl:]
		}
		if next != 58 || len(rest) < 1 {
			return false
		}
		t := rest[0]
		return (t >= 130 && t <= 137) || t == 143 // MLD, RS, RA, NS, NA, redirect, MLDv2
	}
	return false
}
