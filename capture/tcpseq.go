package capture

import (
	"bytes"
	"encoding/binary"
)

// tcpRel is what tcpdump remembers about a TCP conversation to print
// sequence numbers relative to the first it saw (without -S).
type tcpRel struct {
	thseq, thack uint32
	rev          bool
	relative     bool // seq and ack are printed minus thseq/thack
}

type tcpKey struct {
	src, dst [16]byte
	ports    uint32
}

// tcpTracker follows TCP conversations the way tcpdump's tcp_seq_hash
// does. It forgets everything past maxTCPConversations so memory stays
// bounded however long a capture runs.
type tcpTracker struct {
	convs map[tcpKey]*[2]uint32 // seq, ack
}

const maxTCPConversations = 4096

// observe records data (an Ethernet frame) and returns how to print its
// sequence numbers. Frames that are not TCP with ACK return the zero value.
func (t *tcpTracker) observe(data []byte) tcpRel {
	src, dst, tcp, ok := tcpHeader(data)
	if !ok || tcp[13]&0x10 == 0 { // ACK
		return tcpRel{}
	}
	sport, dport := binary.BigEndian.Uint16(tcp[0:]), binary.BigEndian.Uint16(tcp[2:])
	seq, ack := binary.BigEndian.Uint32(tcp[4:]), binary.BigEndian.Uint32(tcp[8:])
	rev := sport > dport || (sport == dport && bytes.Compare(src, dst) > 0)
	var k tcpKey
	if rev {
		copy(k.src[:], dst)
		copy(k.dst[:], src)
		k.ports = uint32(dport)<<16 | uint32(sport)
	} else {
		copy(k.src[:], src)
		copy(k.dst[:], dst)
		k.ports = uint32(sport)<<16 | uint32(dport)
	}
	if t.convs == nil || len(t.convs) >= maxTCPConversations {
		t.convs = make(map[tcpKey]*[2]uint32)
	}
	th, found := t.convs[k]
	r := tcpRel{rev: rev}
	if !found || tcp[13]&0x02 != 0 { // new conversation or SYN
		if !found {
			th = new([2]uint32)
			t.convs[k] = th
		}
		if rev {
			th[1], th[0] = seq, ack-1
		} else {
			th[0], th[1] = seq, ack-1
		}
	} else {
		r.relative = true
	}
	r.thseq, r.thack = th[0], th[1]
	return r
}

// tcpHeader finds the addresses and TCP header of an IPv4 or IPv6 frame.
func tcpHeader(d []byte) (src, dst, tcp []byte, ok bool) {
	typ, l3, ok := untagged(d)
	if !ok {
		return nil, nil, nil, false
	}
	switch typ {
	case 0x0800:
		if len(l3) < 20 || l3[9] != 6 || binary.BigEndian.Uint16(l3[6:])&0x1fff != 0 {
			return nil, nil, nil, false
		}
		hl := int(l3[0]&0x0f) * 4
		if hl < 20 || len(l3) < hl+20 {
			return nil, nil, nil, false
		}
		return l3[12:16], l3[16:20], l3[hl:], true
	case 0x86dd:
		if len(l3) < 60 || l3[6] != 6 {
			return nil, nil, nil, false
		}
		return l3[8:24], l3[24:40], l3[40:], true
	}
	return nil, nil, nil, false
}
