package capture

import (
	"time"
)

// Direction says whether a packet left or arrived at the interface, from
// the packet type the kernel reports for an AF_PACKET socket.
type Direction uint8

// Directions, as tcpdump -i any labels them.
const (
	DirUnknown   Direction = iota // read from a file
	DirIn                         // addressed to this host
	DirBroadcast                  // link-layer broadcast
	DirMulticast                  // link-layer multicast
	DirOtherHost                  // for another host, seen in promiscuous mode (e.g. forwarded by a bridge)
	DirOut                        // sent from this interface
)

// String returns the word tcpdump -i any prints: In, B, M, P or Out.
func (d Direction) String() string {
	return [...]string{"?", "In", "B", "M", "P", "Out"}[d]
}

// Outgoing reports whether the packet was sent from the interface.
func (d Direction) Outgoing() bool { return d == DirOut }

// Packet is one captured Ethernet frame and where it was seen.
type Packet struct {
	Time   time.Time
	Host   string // the node's lab host when the lab has several, else ""
	Node   string // lab node, e.g. "ns01"
	Iface  string // interface inside the node, e.g. "veth01"
	Dir    Direction
	Data   []byte // the captured bytes, starting at the Ethernet header
	Length int    // the frame's length on the wire (>= len(Data))
	// Verbose is how many of tcpdump's -v the capture was asked for (0, 1
	// or 2): Summary then prints the IP header's fields, and with 2 the
	// checksums, as tcpdump -v and -vv do.
	Verbose int
	// LinkLevel is set when the capture was asked for tcpdump's -e: Summary
	// then prints the Ethernet addresses whatever its caller asks.
	LinkLevel bool

	tcp tcpRel // relative TCP sequence numbers, as tcpdump tracks them
}

// Label is the node:iface the packet was captured on.
func (p *Packet) Label() string { return p.Node + ":" + p.Iface }

// Where is where lines say the packet was captured: Label, with the lab
// host in front when the lab has several (Target.Where).
func (p *Packet) Where() string { return where(p.Host, p.Node, p.Iface) }

// Timestamp formats the time as tcpdump does, local time with microseconds.
func (p *Packet) Timestamp() string { return p.Time.Format("15:04:05.000000") }

// Line is the packet as netlab capture prints it:
//
//	15:04:05.000000 ns01:veth01 Out IP 192.168.88.11 > 192.168.88.12: ICMP echo request, ...
//
// and in a lab of several hosts, with the host (Where):
//
//	15:04:05.000000 c2@host2:eth0 In IP 10.244.0.2 > 10.244.1.2: ICMP echo request, ...
func (p *Packet) Line(linkLevel bool) string {
	return string(p.appendLine(nil, linkLevel))
}

func (p *Packet) appendLine(b []byte, linkLevel bool) []byte {
	b = p.Time.AppendFormat(b, "15:04:05.000000")
	b = append(b, ' ')
	if p.Host != "" {
		b = append(b, p.Where()...)
	} else {
		b = append(b, p.Node...)
		b = append(b, ':')
		b = append(b, p.Iface...)
	}
	b = append(b, ' ')
	b = append(b, p.Dir.String()...)
	b = append(b, ' ')
	return append(b, p.Summary(linkLevel)...)
}

// Summary is the packet in the words of tcpdump -nn (tcpdump -nn -e with
// linkLevel, -v or -vv after p.Verbose), without the timestamp. A VXLAN
// packet takes two lines, the outer UDP datagram and the inner frame, and
// under -v an IPv4 packet takes two, exactly as tcpdump prints them.
func (p *Packet) Summary(linkLevel bool) string {
	s := summarizer{linkLevel: linkLevel || p.LinkLevel, verbose: p.Verbose, tcp: p.tcp}
	length := p.Length
	if length < len(p.Data) {
		length = len(p.Data)
	}
	s.ether(p.Data, length)
	return s.b.String()
}
