package capture

import "encoding/binary"

// isVLANType reports whether an ethertype is a VLAN tag's (802.1Q, QinQ
// and the two older stacked kinds), as print-ether.c loops over them.
func isVLANType(t uint16) bool {
	return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200
}

// vlanTagLen is the length of one 802.1Q tag: TPID and TCI.
const vlanTagLen = 4

// withVLANTag puts back the tag the kernel took off a frame into the
// packet ring's header (tp_vlan_tci, tp_vlan_tpid), after the two MAC
// addresses, as libpcap does for tcpdump: the frame is shown as it was
// on the wire. A tpid of 0 is 802.1Q's.
func withVLANTag(frame []byte, tci, tpid uint16) []byte {
	if len(frame) < 12 {
		return frame
	}
	if tpid == 0 {
		tpid = 0x8100
	}
	out := make([]byte, len(frame)+vlanTagLen)
	copy(out, frame[:12])
	binary.BigEndian.PutUint16(out[12:], tpid)
	binary.BigEndian.PutUint16(out[14:], tci)
	copy(out[16:], frame[12:])
	return out
}

// untagged skips a frame's VLAN tags: the ethertype they carry and the
// bytes after it.
func untagged(d []byte) (etherType uint16, l3 []byte, ok bool) {
	if len(d) < ethHeaderLen {
		return 0, nil, false
	}
	t, rest := binary.BigEndian.Uint16(d[12:]), d[ethHeaderLen:]
	for isVLANType(t) {
		if len(rest) < vlanTagLen {
			return 0, nil, false
		}
		t, rest = binary.BigEndian.Uint16(rest[2:]), rest[vlanTagLen:]
	}
	return t, rest, true
}
