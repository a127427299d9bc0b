// Package capture reads packets off the interfaces of a lab's network
// namespaces and prints them in the words of tcpdump.
//
// Open takes Targets, each naming a node, the file its network namespace
// is bound to (as the engine keeps them, e.g. /run/netlab/netns/ns01) and
// an interface inside it. It opens a promiscuous AF_PACKET socket per
// interface on a thread switched into that namespace (the socket stays
// there), so a bridge shows the traffic it forwards between its ports.
// Packets from several interfaces are merged into one time-ordered
// stream, delivered on Packets() and kept in a bounded Ring of the newest
// Options.RingSize packets; Stats counts what was seen and what the kernel
// dropped. Everything is pure Go: no cgo, no libpcap.
//
// # Lines
//
// Packet.Summary prints a packet exactly as tcpdump -nn does (tcpdump -nn
// -e with linkLevel) without the timestamp: ARP, IPv4 and IPv6, ICMP and
// ICMPv6 (including unreachable and time exceeded), UDP, TCP (flags,
// relative sequence numbers, options) and VXLAN. Like tcpdump, a VXLAN
// packet takes two lines: the outer datagram, then the inner frame. On
// UDP port 8472 (flannel's) tcpdump reads the same header as OTV ("OTV,
// flags [I] (0x08), overlay 0, instance 1"), and so does Summary. With
// linkLevel, 802.1Q and QinQ tags are shown as tcpdump -e shows them
// ("ethertype 802.1Q (0x8100), length 60: vlan 10, p 0, ethertype IPv4
// (0x0800), ..."); a tag the kernel took off a received frame is put back
// first, as libpcap does.
//
// Run (netlab capture) and Packet.Line print one line per packet:
//
//	TIME NODE:IFACE DIR SUMMARY
//	12:01:02.345678 ns01:veth01 Out ARP, Request who-has 192.168.88.12 tell 192.168.88.11, length 28
//	12:01:02.345712 ns01:veth01 In ARP, Reply 192.168.88.12 is-at fe:a2:57:1c:67:df, length 28
//
// In a lab of several hosts a Target carries its node's Host, and a
// namespace's lines name it after the node (c2@host2:eth0; a host's own
// interfaces read host2:eth0), so the merged stream of both hosts'
// underlay and overlay interfaces says where each packet was.
//
// TIME is local time with microseconds. DIR is the kernel's packet type,
// in the words of tcpdump -i any: Out (sent from the interface), In (to
// this host), B (broadcast), M (multicast), P (to another host, seen in
// promiscuous mode: what a bridge forwards).
//
// # Filters
//
// ParseFilter reads the tcpdump words a student types: arp, ip, ip6, icmp,
// icmp6, udp, tcp, vxlan (UDP to port 4789), [src|dst] host ADDR,
// [src|dst] port N, a protocol before host or port ("tcp port 80"),
// not/!, and/&&, or/|| and parentheses, with tcpdump's meaning. The filter
// compiles to classic BPF run by the kernel; a filter too long for BPF runs
// in user space with the same result. A bad word is reported by column:
// "filter: col 6: unknown keyword "hots"".
//
// Background chatter (IPv6 neighbour and router discovery, MLD, IGMP) is
// hidden unless Options.ShowBackground is set, also behind a VLAN tag and
// inside a VXLAN or flannel (8472) datagram on the underlay.
//
// # Files
//
// WritePcap and Capture.WritePcap write packets to a pcap file that
// tcpdump -r and Wireshark read.
package capture
