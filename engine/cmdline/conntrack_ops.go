package cmdline

import "net"

// ConntrackList is "conntrack -L": the node's connection tracking table,
// printed as conntrack-tools 1.4.7 prints it, keeping the flows its
// filters match. Every filter is on the original direction unless it
// says reply; zero values filter nothing.
type ConntrackList struct {
	Proto    string     // -p: "tcp", "udp" or "icmp"; "" for every protocol
	Src, Dst *net.IPNet // -s, -d: original source and destination, an address (/32) or a prefix
	ReplySrc net.IP     // -r/--reply-src: source of the reply direction
	ReplyDst net.IP     // -q/--reply-dst: destination of the reply direction
	Sport    int        // --sport/--orig-port-src (after -p tcp|udp)
	Dport    int        // --dport/--orig-port-dst (after -p tcp|udp)
	SrcNAT   bool       // -n/--src-nat: only flows whose source NAT changed
	DstNAT   bool       // -g/--dst-nat: only flows whose destination NAT changed
	AnyNAT   bool       // -j/--any-nat: flows either NAT changed
}

// Mutating is false: listing the table changes nothing.
func (*ConntrackList) Mutating() bool { return false }

func (*ConntrackList) op() {}
