package capture

import (
	"encoding/binary"
	"strings"
	"testing"
)

// encapsulate wraps inner in Ethernet, IPv4 and UDP to port, with a VXLAN
// header of vni, as a vxlan device sends it on the underlay.
func encapsulate(inner []byte, port uint16, vni int) []byte {
	d := make([]byte, 14+20+8+8, 14+20+8+8+len(inner))
	binary.BigEndian.PutUint16(d[12:], 0x0800)
	ip := d[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+8+len(inner)))
	copy(ip[12:], []byte{203, 0, 113, 1, 203, 0, 113, 2})
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp, 40000)
	binary.BigEndian.PutUint16(udp[2:], port)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+8+len(inner)))
	udp[8] = 0x08
	udp[12], udp[13], udp[14] = byte(vni>>16), byte(vni>>8), byte(vni)
	return append(d, inner...)
}

// TestBackgroundInsideTunnels: the chatter a tunnel device makes itself
// (its MLD reports and neighbour solicitations) is hidden on the underlay
// too, on VXLAN's port and on flannel's 8472, and behind a VLAN tag; what
// a student sent through the tunnel is not.
func TestBackgroundInsideTunnels(t *testing.T) {
	var mld, echo []byte
	for _, p := range readPcap(t, "bridge.pcap", Options{ShowBackground: true}) {
		s := p.Summary(false)
		switch {
		case mld == nil && strings.Contains(s, "multicast listener report"):
			mld = p.Data
		case echo == nil && strings.Contains(s, "ICMP echo request"):
			echo = p.Data
		}
	}
	if mld == nil || echo == nil {
		t.Fatal("bridge.pcap holds no MLD report or echo request")
	}
	tests := []struct {
		name  string
		frame []byte
		want  bool
	}{
		{name: "mld", frame: mld, want: true},
		{name: "echo", frame: echo, want: false},
		{name: "mld in vxlan", frame: encapsulate(mld, 4789, 256), want: true},
		{name: "mld in flannel's 8472", frame: encapsulate(mld, 8472, 1), want: true},
		{name: "echo in flannel's 8472", frame: encapsulate(echo, 8472, 1), want: false},
		{name: "mld behind a vlan tag", frame: withVLANTag(mld, 10, 0), want: true},
		{name: "mld in vxlan behind a vlan tag", frame: withVLANTag(encapsulate(mld, 4789, 256), 10, 0), want: true},
		{name: "mld on another udp port", frame: encapsulate(mld, 4790, 256), want: false},
		{name: "truncated tunnel", frame: encapsulate(mld, 8472, 1)[:14+20+8+4], want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isBackground(tt.frame); got != tt.want {
				t.Errorf("isBackground = %v, want %v", got, tt.want)
			}
		})
	}
	// the printed line of the flannel one, as tcpdump prints it
	p := Packet{Data: encapsulate(echo, 8472, 1)}
	if got := p.Summary(false); !strings.HasPrefix(got, "IP 203.0.113.1.40000 > 203.0.113.2.8472: OTV, flags [I] (0x08), overlay 0, instance 1\nIP 192.168.88.11 > 192.168.88.12: ICMP echo request") {
		t.Errorf("summary:\n%s", got)
	}
}
