package cmdline

import (
	"net"
	"time"
)

// Op is one typed operation a command performs: plain data, checked by the
// grammar that made it. Package engine binds each to the action that runs
// it. The columns (…Col fields) say where a name stands in the line, so
// lint can point at it; 0 means the line does not spell it.
type Op interface {
	// Mutating reports whether the operation changes kernel state.
	Mutating() bool
	op()
}

// NetnsAdd is "ip netns add NAME".
type NetnsAdd struct {
	Name    string
	NameCol int
}

// NetnsDel is "ip netns del NAME".
type NetnsDel struct {
	Name    string
	NameCol int
}

// NetnsList is "ip netns [list]".
type NetnsList struct{}

// LinkAdd is "ip link add" (and "brctl addbr"): a new bridge, veth pair,
// vxlan or macvlan.
type LinkAdd struct {
	Name      string
	Kind      string // bridge, veth, vxlan, macvlan
	Peer      string // veth: the other end's name
	PeerNetns string // veth: "peer name P netns NS", "" for this namespace
	Vxlan     *Vxlan // vxlan options
	Parent    string // macvlan, vlan: the parent interface ("link PARENT")
	Mode      string // macvlan mode
	VlanID    int    `json:",omitempty"` // vlan: the 802.1Q tag ("id N")

	NameCol, PeerCol, PeerNetnsCol, ParentCol int
}

// Vxlan holds the options of "type vxlan".
type Vxlan struct {
	ID                   int
	Port                 int // UDP port, 8472 unless dstport says otherwise
	Local, Remote, Group net.IP
	Dev                  string // the underlying device
	DevCol               int

	// The forwarding-table options Docker's overlay and flannel set; the
	// zero values are the kernel's defaults.
	NoLearning bool `json:",omitempty"` // nolearning: no source MACs learnt from packets
	Proxy      bool `json:",omitempty"` // answer ARP from the neighbour table
	L2miss     bool `json:",omitempty"` // tell user space of an unknown MAC
	L3miss     bool `json:",omitempty"` // tell user space of an unknown IP
	TTL        int  `json:",omitempty"` // 0 = auto
	TTLInherit bool `json:",omitempty"` // ttl inherit: the inner packet's TTL
	// PortLow and PortHigh are the UDP source port range ("srcport MIN MAX"); 0 0 = the kernel's.
	PortLow  int `json:",omitempty"`
	PortHigh int `json:",omitempty"`
}

// LinkSet is "ip link set" (and brctl addif/delif, ifconfig flags). A nil
// pointer or zero value leaves that attribute alone.
type LinkSet struct {
	Dev        string
	Up         *bool
	Master     *string // "" = nomaster
	FromBridge string  // brctl delif: the bridge it must be leaving
	Netns      string  // move to this namespace (done first)
	Promisc    *bool
	Hairpin    *bool // brctl hairpin: a bridge port sends frames back out where they came in
	NewName    string
	MTU        int
	MAC        net.HardwareAddr

	DevCol, MasterCol, NetnsCol, NewNameCol int // MasterCol is also FromBridge's
}

// LinkDel is "ip link del" (and "brctl delbr", which deletes only a bridge
// that is down).
type LinkDel struct {
	Dev        string
	BridgeOnly bool
	DevCol     int
}

// Addr is "ip addr add|del" (and an ifconfig address).
type Addr struct {
	Add     bool // add, or delete
	CIDR    *net.IPNet
	Dev     string
	Brd     net.IP // broadcast address, nil for none
	Primary bool   // ifconfig: replaces the interface's address
	DevCol  int
}

// Route is "ip route add|del".
type Route struct {
	Add    bool       // add, or delete
	Dst    *net.IPNet // nil for default
	Via    net.IP
	Dev    string
	DevCol int
	// OnLink is "onlink": the gateway is on the device's link even though
	// no address of the node covers it (flannel's vxlan routes).
	OnLink bool `json:",omitempty"`
}

// Neigh is "ip neigh add|replace|change|del": a static neighbour entry,
// the link-layer address a node uses for Addr on Dev without asking ARP;
// or "ip neigh flush": the entries of Dev (all devices when "") removed.
type Neigh struct {
	Verb   string           // add, replace, change, del or flush
	Addr   net.IP           // the neighbour's IPv4 address; nil for flush
	LLAddr net.HardwareAddr // its MAC; nil for del and nud noarp
	// State is permanent (the default), reachable, stale or noarp; "" for
	// del; for flush the nud asked for ("all" too), "" for the default.
	State  string
	Dev    string
	DevCol int
}

// SysctlSet is "sysctl -w KEY=VALUE" or "echo VALUE > /proc/sys/KEY".
type SysctlSet struct {
	Key, Value string // Key with dots: net.ipv4.ip_forward
	Quiet      bool   // echo prints nothing
}

// SysctlGet is "sysctl KEY".
type SysctlGet struct {
	Key   string
	Quiet bool // -n: the value only
}

// IptablesRule is one parsed iptables command. Every field was checked by
// the grammar; Rule holds the rule re-rendered in netlab's canonical
// spelling, which is all iptables ever receives (see Argv).
type IptablesRule struct {
	Table, Verb, Chain      string // Verb is the command letter: -A, -I, -L, ...
	Pos                     int    // rule number, 0 when none
	Rule                    []string
	Policy                  string
	Numeric, Verbose, Exact bool
	LineNumbers             bool
}

// Ping is "ping HOST" with its count and timing. HOST is an address
// (Addr) or a name (Host), looked up when the ping runs.
type Ping struct {
	Addr     net.IP // nil when the line names a host
	Host     string `json:",omitempty"` // the host name as written; "" for an address
	HostCol  int    `json:",omitempty"`
	Numeric  bool   `json:",omitempty"` // -n: replies name no host
	Count    int
	Wait     time.Duration // -W: how long each packet waits for its reply
	Interval time.Duration // -i
	Deadline time.Duration // -w, 0 for none
	Quiet    bool          // -q
}

// DefaultPingCount is how many packets a ping sends without -c: a lesson
// must end, so netlab never pings forever.
const DefaultPingCount = 3

// Capture is what a "tcpdump -i IFACE [FILTER]" line asks for. The engine
// does not capture; a runner that sees it hands it to the capture pane or
// lab step instead.
type Capture struct {
	Iface     string // the interface to listen on
	Filter    string // the filter words after the options, joined by spaces
	LinkLevel bool   // -e
	Verbose   int    // how many -v: 1 for -v, 2 for -vv (-vvv counts as -vv)
	IfaceCol  int
}

// Show is a read-only "ip link|addr|route|neigh [show] [dev X]" or "arp".
type Show struct {
	What   string // link, addr, route, neigh, arp
	Dev    string // "" for all
	Brief  bool   // -br
	DevCol int
	// Details is -d: each link's kind and its options, as "ip -d link" prints them.
	Details bool `json:",omitempty"`
}

// BridgeShow is "brctl show [BRIDGE]".
type BridgeShow struct {
	Bridge    string
	BridgeCol int
}

// Fdb is "bridge fdb add|append|del|replace": one entry of a forwarding
// database, the bridge's (Master) or the device's own (Self: a vxlan
// device's remote VTEPs, as Docker's overlay and flannel write them).
type Fdb struct {
	Verb   string           // add, append, del or replace
	MAC    net.HardwareAddr // the entry's address
	Dev    string
	Dst    net.IP // vxlan: the remote VTEP; nil for none
	Self   bool   // the device's own table (iproute2's default)
	Master bool   // the table of the bridge the device is a port of
	State  string // permanent (the default), static or dynamic
	VNI    int    // vxlan: the remote's VNI; 0 for the device's own
	Port   int    // vxlan: the remote's UDP port; 0 for the device's own
	Via    string // vxlan: the underlay device to reach the remote through; "" for none
	DevCol int
	ViaCol int
}

// FdbShow is "bridge fdb show [dev DEV] [br BRIDGE]".
type FdbShow struct {
	Dev, Bridge       string // "" for all
	DevCol, BridgeCol int
}

// BridgeLinkShow is "bridge link show [dev DEV]": the bridge ports.
type BridgeLinkShow struct {
	Dev    string
	DevCol int
}

// BridgeMacs is "brctl showmacs BRIDGE": the MACs a bridge forwards to.
type BridgeMacs struct {
	Bridge    string
	BridgeCol int
}

// IfconfigShow is "ifconfig [-a]" or "ifconfig DEV".
type IfconfigShow struct {
	Dev    string
	All    bool
	DevCol int
}

// Mutating tells, for each operation, whether it changes kernel state:
// everything that adds, sets or deletes does; shows, ping and capture do
// not; an iptables command by its verb (-A does, -L does not).

// Mutating is true: a namespace is added.
func (*NetnsAdd) Mutating() bool { return true }

// Mutating is true: a namespace is deleted.
func (*NetnsDel) Mutating() bool { return true }

// Mutating is false: a list only reads.
func (*NetnsList) Mutating() bool { return false }

// Mutating is true: a link is added.
func (*LinkAdd) Mutating() bool { return true }

// Mutating is true: a link's attributes are set.
func (*LinkSet) Mutating() bool { return true }

// Mutating is true: a link is deleted.
func (*LinkDel) Mutating() bool { return true }

// Mutating is true: an address is added or deleted.
func (*Addr) Mutating() bool { return true }

// Mutating is true: a route is added or deleted.
func (*Route) Mutating() bool { return true }

// Mutating is true: a neighbour entry is kernel state.
func (*Neigh) Mutating() bool { return true }

// Mutating is true: a key is written.
func (*SysctlSet) Mutating() bool { return true }

// Mutating is false: a key is only read.
func (*SysctlGet) Mutating() bool { return false }

// Mutating is the verb's (see iptablesCmds): -A, -I, -D, -R, -N, -X, -F
// and -P change the tables; -C, -L, -S and -Z do not.
func (r *IptablesRule) Mutating() bool { return iptablesCmds[r.Verb[1]].mutating }

// Mutating is false: a ping sends packets but changes no state.
func (*Ping) Mutating() bool { return false }

// Mutating is false: a capture only listens.
func (*Capture) Mutating() bool { return false }

// Mutating is false: a show only reads.
func (*Show) Mutating() bool { return false }

// Mutating is false: a show only reads.
func (*BridgeShow) Mutating() bool { return false }

// Mutating is false: a show only reads.
func (*IfconfigShow) Mutating() bool { return false }

// Mutating is true: a forwarding entry is kernel state.
func (*Fdb) Mutating() bool { return true }

// Mutating is false: a show only reads.
func (*FdbShow) Mutating() bool { return false }

// Mutating is false: a show only reads.
func (*BridgeLinkShow) Mutating() bool { return false }

// Mutating is false: a show only reads.
func (*BridgeMacs) Mutating() bool { return false }

// op seals Op: only this package makes operations.
func (*NetnsAdd) op()     {}
func (*NetnsDel) op()     {}
func (*NetnsList) op()    {}
func (*LinkAdd) op()      {}
func (*LinkSet) op()      {}
func (*LinkDel) op()      {}
func (*Addr) op()         {}
func (*Route) op()        {}
func (*Neigh) op()        {}
func (*SysctlSet) op()    {}
func (*SysctlGet) op()    {}
func (*IptablesRule) op() {}
func (*Ping) op()         {}
func (*Capture) op()      {}
func (*Show) op()         {}
func (*BridgeShow) op()   {}
func (*IfconfigShow) op() {}

// op seals the bridge program's operations.
func (*Fdb) op()            {}
func (*FdbShow) op()        {}
func (*BridgeLinkShow) op() {}
func (*BridgeMacs) op()     {}
