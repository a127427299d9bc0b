package capture

import "encoding/binary"

// isBackground reports whether a frame is the chatter a Linux interface
// makes by itself and a student did not cause: IPv6 neighbour discovery,
// router solicitations and advertisements, MLD reports and queries, and
// IGMP membership reports. Options.ShowBackground shows it.
func isBackground(d []byte) bool {
	if len(d) < ethHeaderLen+1 {
		return false
	}
	l3 := d[ethHeaderLen:]
	switch binary.BigEndian.Uint16(d[12:]) {
	case 0x0800:
		return len(l3) >= 20 && l3[9] == 2 // IGMP
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
