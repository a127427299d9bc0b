package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Snapshot is a comparable dump of the whole lab: per node its links (kind,
// master, admin state, carrier, operstate, MTU, MAC, addresses including
// link-local ones, veth peer, vxlan and macvlan parameters), neighbour
// tables, IPv4 routes, iptables tables and the sysctls labs touch.
// Interface indexes are left out, so two snapshots of equal state are
// equal even after links were recreated.
type Snapshot struct {
	Order []string             `json:"order"` // node names in creation order
	Nodes map[string]*NodeSnap `json:"nodes"`
	// Learned says the snapshot records what the kernel learns and settles
	// by itself: neighbours, carrier, operstate and link-local addresses.
	// Snapshots saved by older versions lack them; comparisons with such
	// a snapshot leave those facts out, and undo to it leaves them be.
	Learned bool `json:"learned,omitempty"`
	// Aliases are the lab's names that share a node's namespace (alias ->
	// node), for drawing; they are names, not state, and never compared.
	Aliases map[string]string `json:"aliases,omitempty"`

	memo snapJSON // its JSON, made once (MarshalJSON)
}

// snapJSON is a snapshot's JSON, made the first time it is marshalled.
type snapJSON struct {
	once sync.Once
	b    []byte
	err  error
}

// MarshalJSON encodes the snapshot once and returns the same bytes after:
// a snapshot is not changed once taken (see changed), and the state holds one per
// applied step and is written twice a step, so each would otherwise be
// encoded again at every write.
func (sn *Snapshot) MarshalJSON() ([]byte, error) {
	sn.memo.once.Do(func() {
		type plain Snapshot // without this method
		sn.memo.b, sn.memo.err = json.Marshal((*plain)(sn))
	})
	return sn.memo.b, sn.memo.err
}

// changed forgets the snapshot's JSON: the one change a snapshot takes
// after it was taken (backfillSysctl filling in a key tracked later).
func (sn *Snapshot) changed() { sn.memo = snapJSON{} }

// NodeSnap is one node's part of a Snapshot.
type NodeSnap struct {
	Kind     string              `json:"kind"`
	Parent   string              `json:"parent,omitempty"`
	Local    string              `json:"local,omitempty"` // its "ip netns" name when the id is qualified (state.go)
	Links    []LinkSnap          `json:"links"`
	Routes   []RouteSnap         `json:"routes"`
	Iptables map[string][]string `json:"iptables,omitempty"` // table -> normalised iptables-save lines
	// IptPending is set instead of Iptables in a step's snapshot whose
	// read of the rules had not ended when the state was written: the
	// ruleset generation they are to be read at (fillIptables).
	IptPending *uint32           `json:"iptables_pending,omitempty"`
	Sysctls    map[string]string `json:"sysctls"`
	Neighs     []NeighSnap       `json:"neighs,omitempty"`
	Fdb        []FdbSnap         `json:"fdb,omitempty"`     // forwarding entries a lab can make (op_fdb.go)
	Servers    []ServerSnap      `json:"servers,omitempty"` // live servers lab commands started
	Names      []HostLine        `json:"names,omitempty"`   // the node's names table (op_names.go)
}

// LinkSnap is one interface.
type LinkSnap struct {
	Name    string     `json:"name"`
	Kind    string     `json:"kind"`
	Up      bool       `json:"up"`
	Carrier bool       `json:"carrier,omitempty"`
	Oper    string     `json:"oper,omitempty"` // operstate: UP, DOWN, LOWERLAYERDOWN, UNKNOWN...
	MTU     int        `json:"mtu"`
	MAC     string     `json:"mac"`
	Master  string     `json:"master,omitempty"`
	Promisc bool       `json:"promisc,omitempty"`
	Hairpin bool       `json:"hairpin,omitempty"` // a bridge port's hairpin mode
	Peer    string     `json:"peer,omitempty"`    // veth: "node/name"
	VXLAN   *VxlanSnap `json:"vxlan,omitempty"`
	Parent  string     `json:"parent,omitempty"`  // macvlan, vlan
	Mode    string     `json:"mode,omitempty"`    // macvlan
	VlanID  int        `json:"vlan_id,omitempty"` // vlan
	Addrs   []AddrSnap `json:"addrs,omitempty"`
	// LinkLocal holds the IPv6 link-local addresses (fe80::/64), which the
	// kernel makes itself when the link comes up with carrier. Their DAD
	// flags (tentative, dadfailed) are left out: they change with time.
	LinkLocal []string `json:"linklocal,omitempty"`
	// Net is the node holding the lower side of a vxlan or macvlan that
	// lives in another (link_net.go); Parent and VXLAN.Dev name links there.
	Net string `json:"net,omitempty"`
}

// VxlanSnap holds a vxlan link's parameters.
type VxlanSnap struct {
	ID    int    `json:"id"`
	Port  int    `json:"port"`
	Local string `json:"local,omitempty"`
	Group string `json:"group,omitempty"`
	Dev   string `json:"dev,omitempty"`

	NoLearning bool `json:"nolearning,omitempty"`
	Proxy      bool `json:"proxy,omitempty"`
	L2miss     bool `json:"l2miss,omitempty"`
	L3miss     bool `json:"l3miss,omitempty"`
	TTL        int  `json:"ttl,omitempty"` // 0 = auto
	TTLInherit bool `json:"ttl_inherit,omitempty"`
	PortLow    int  `json:"srcport_low,omitempty"`
	PortHigh   int  `json:"srcport_high,omitempty"`
}

// AddrSnap is one address (IPv4, or IPv6 other than link-local).
type AddrSnap struct {
	CIDR string `json:"cidr"`
	Brd  string `json:"brd,omitempty"`
}

// RouteSnap is one IPv4 route of the main table.
type RouteSnap struct {
	Text     string `json:"text"` // as "ip route" prints it
	Dst      string `json:"dst"`
	Gw       string `json:"gw,omitempty"`
	Dev      string `json:"dev,omitempty"`
	Scope    int    `json:"scope"`
	Proto    int    `json:"proto"`
	Src      string `json:"src,omitempty"`
	Priority int    `json:"priority,omitempty"`
	OnLink   bool   `json:"onlink,omitempty"` // the gateway is taken to be on Dev's link
}

// NeighSnap is one entry of a node's neighbour table (ARP for IPv4, NDP
// for IPv6) that holds a link-layer address.
//
// Only the entry and its address are compared between snapshots, not its
// NUD state: a learned entry ages from REACHABLE to STALE on its own after
// half a minute, and whether a packet triggers an ARP request depends only
// on whether a usable entry exists (REACHABLE and STALE ones send at once;
// a STALE one probes by unicast seconds later). State is still recorded,
// so that undo can put an entry back as it was (see setNeighs).
type NeighSnap struct {
	IP     string `json:"ip"`
	Dev    string `json:"dev"`
	LLAddr string `json:"lladdr"`
	State  string `json:"state"` // REACHABLE, STALE or PERMANENT (DELAY and PROBE are recorded as STALE)
}

// FdbSnap is one forwarding database entry a lab can make: a vxlan
// device's remote (self), a static or permanent entry in a bridge's table
// (master), a unicast address on a device's own list (self). What the
// kernel learns or makes by itself (a port's own MAC, multicast joins) is
// left out.
type FdbSnap struct {
	MAC    string `json:"mac"`
	Dev    string `json:"dev"`
	Master string `json:"master,omitempty"` // the bridge whose table holds it; "" for the device's own (self)
	Dst    string `json:"dst,omitempty"`
	Vlan   int    `json:"vlan,omitempty"`
	Port   int    `json:"port,omitempty"`
	VNI    int    `json:"vni,omitempty"`
	Via    string `json:"via,omitempty"`
	State  string `json:"state"` // permanent or static
}

// Snapshot dumps the whole lab, including every node's iptables tables. It
// waits for another netlab process's operation to finish first.
func (s *Session) Snapshot() (*Snapshot, error) { return s.snapshotLocked(true) }

// SnapshotLean is Snapshot with iptables read only for the nodes whose
// rules netlab's commands or a shell may have changed (the others are
// known empty, and recorded as such): what a step's own before-snapshot
// reads. Two lean snapshots compare as two full ones do.
func (s *Session) SnapshotLean() (*Snapshot, error) { return s.snapshotLocked(false) }

// snapshotLocked is snapshot under the lock.
func (s *Session) snapshotLocked(full bool) (*Snapshot, error) {
	var snap *Snapshot
	err := s.locked(func() error {
		var err error
		snap, err = s.snapshot(full)
		return err
	})
	return snap, err
}

// snapshot dumps the lab; iptables are read only for nodes whose rules a
// command may have changed unless full is set (the others are known empty).
func (s *Session) snapshot(full bool) (*Snapshot, error) { return s.snapshotAs(full, false) }

// stepSnapshot is the snapshot a step is applied against: iptables rules
// not at hand are left to be read while the step's first commands run
// (iptablesLater), and ApplyStep fills them in (fillIptables) before a
// command may change them.
func (s *Session) stepSnapshot() (*Snapshot, error) { return s.snapshotAs(false, true) }

func (s *Session) snapshotAs(full, lazy bool) (*Snapshot, error) {
	if err := s.awaitDying(); err != nil {
		return nil, err
	}
	if err := s.pruneMissing(); err != nil {
		return nil, err
	}
	snap := &Snapshot{Nodes: map[string]*NodeSnap{}, Learned: true, Aliases: s.Aliases()}
	nodes := s.st.Nodes
	ctxs := make([]*execCtx, len(nodes))
	for i, n := range nodes {
		snap.Order = append(snap.Order, n.Name)
		x, err := s.ctx(n.Name) // handles are made here, before the goroutines
		if err != nil {
			return nil, err
		}
		ctxs[i] = x
	}
	// Each node is read on its own goroutine with its own netlink handle:
	// the reads wait on the kernel, not on each other. First every node's
	// links (and which netnsid names which node), since a veth's peer is
	// named from the node it lives in; then the rest, object by object in
	// changeKinds's order.
	nsids := make([]map[int]string, len(nodes)) // netnsid -> node name
	names := make([]map[int]string, len(nodes)) // ifindex -> link name
	links := make([]nodeLinks, len(nodes))
	views := make([]*nodeView, len(nodes))
	for i, x := range ctxs {
		views[i] = x.view()
	}
	holds := beginAll(nodes, views, s.viewEpoch)
	err := eachNode(len(nodes), func(i int) error {
		x := ctxs[i]
		if holds[i] {
			// Nothing changed since the last read (node_view.go).
			viewReuses.Add(1)
			links[i], nsids[i] = views[i].links, views[i].nsids
		} else {
			nl, err := x.settledLinks()
			if err != nil {
				return fmt.Errorf("list links of %s: %w", nodes[i].Name, err)
			}
			links[i] = nl
			if nsids[i], err = s.peerIDs(x, nodes, i, nl.links); err != nil {
				return err
			}
			if nl.settled {
				x.view().keep(viewLinks, func(v *nodeView) { v.links, v.nsids = nl, nsids[i] })
			}
		}
		names[i] = map[int]string{}
		for _, l := range links[i].links {
			names[i][l.Attrs().Index] = l.Attrs().Name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	byNode := map[string]map[int]string{}
	for i, n := range nodes {
		byNode[n.Name] = names[i]
	}
	snaps := make([]*NodeSnap, len(nodes))
	err = eachNode(len(nodes), func(i int) error {
		r := &nodeReader{s: s, x: ctxs[i], node: &nodes[i], nsids: nsids[i], names: byNode, links: links[i], full: full, lazy: lazy}
		ns := &NodeSnap{}
		for _, o := range listed {
			if err := o.read(r, ns); err != nil {
				return err
			}
		}
		snaps[i] = ns
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, n := range nodes {
		snap.Nodes[n.Name] = snaps[i]
	}
	return snap, nil
}

// peerIDs maps the netnsids the node's links name (a veth's peer, a
// vxlan's lower device in another namespace) to the nodes they stand for,
// asking the kernel about other nodes only until every id is named: most
// nodes' links name none or one. An id stands for the same namespace as
// long as both live, so the node's view remembers the names found until
// the session's nodes change.
func (s *Session) peerIDs(x *execCtx, nodes []Node, i int, links []netlink.Link) (map[int]string, error) {
	ids := map[int]string{}
	wanted := 0
	v := x.view()
	for _, l := range links {
		if id := l.Attrs().NetNsID; id >= 0 {
			if _, ok := ids[id]; !ok {
				ids[id] = ""
				if name := v.peer(id); name != "" {
					ids[id] = name
				} else {
					wanted++
				}
			}
		}
	}
	for _, o := range nodes {
		if wanted == 0 {
			break
		}
		if o.Name == nodes[i].Name {
			continue
		}
		fd, err := openNS(o.Path)
		if err != nil {
			return nil, err
		}
		id, err := x.h.GetNetNsIdByFd(fd)
		unix.Close(fd)
		if name, ok := ids[id]; err == nil && ok && name == "" {
			ids[id] = o.Name
			wanted--
			v.learnPeer(id, o.Name)
		}
	}
	for id, name := range ids {
		if name == "" {
			delete(ids, id) // a namespace outside the lab
		}
	}
	return ids, nil
}

// nodeReader is what reading one node into a snapshot has at hand: the
// node, its netlink handle, and its links as read first of all (see
// snapshot).
type nodeReader struct {
	s     *Session
	x     *execCtx
	node  *Node
	nsids map[int]string            // netnsid -> node name
	names map[string]map[int]string // node name -> ifindex -> link name, every node's
	links nodeLinks                 // the node's settled links and addresses
	full  bool                      // read iptables even where no command wrote them
	lazy  bool                      // leave iptables not at hand to be read later (stepSnapshot)
}

// eachNode runs fn for 0..n-1 concurrently and returns the first error (by
// index, so the error a snapshot reports does not depend on timing).
func eachNode(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fact is one comparable line of a snapshot: value is shown, and also
// compared unless cmp is set (for a value the kernel picks at random).
type fact struct{ node, kind, key, value, cmp string }

func (f fact) compared() string {
	if f.cmp != "" {
		return f.cmp
	}
	return f.value
}

// facts lists the snapshot's comparable lines, node by node, each node's
// in changeKinds's order; learned adds neighbours, carrier, operstate and
// link-local addresses.
func (sn *Snapshot) facts(learned bool) []fact {
	var fs []fact
	for _, name := range sn.Order {
		n := sn.Nodes[name]
		for _, o := range listed {
			fs = append(fs, o.facts(name, n, learned)...)
		}
	}
	return fs
}

// Change is one difference between two snapshots.
type Change struct {
	Node string `json:"node"`
	Kind string `json:"kind"` // node, link, addr, route, neigh, fdb, iptables, sysctl, listen, name (changeKinds)
	Op   string `json:"op"`   // "+" added, "-" removed, "~" changed
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// String is the change as one line of a diff: "+ node kind: new",
// "- node kind: old", or old and new for a change in place.
func (c Change) String() string {
	switch c.Op {
	case "+":
		return fmt.Sprintf("+ %s %s: %s", c.Node, c.Kind, c.New)
	case "-":
		return fmt.Sprintf("- %s %s: %s", c.Node, c.Kind, c.Old)
	}
	if c.Kind == "link" {
		return fmt.Sprintf("~ %s link %s", c.Node, wordDiff(c.Old, c.New))
	}
	return fmt.Sprintf("~ %s %s: %s -> %s", c.Node, c.Kind, c.Old, c.New)
}

// wordDiff shows what changed between two descriptions of the same link:
// "br01: down -> up, +master=br0". The first word (the name) is shared.
func wordDiff(old, new string) string {
	ow, nw := strings.Fields(old), strings.Fields(new)
	if len(ow) == 0 || len(nw) == 0 {
		return old + " -> " + new
	}
	key := func(w string) string {
		if k, _, ok := strings.Cut(w, "="); ok {
			return k
		}
		if w == "up" || w == "down" {
			return "state"
		}
		return w
	}
	oldBy := map[string]string{}
	for _, w := range ow[1:] {
		oldBy[key(w)] = w
	}
	var parts []string
	seen := map[string]bool{}
	for _, w := range nw[1:] {
		k := key(w)
		seen[k] = true
		switch o, ok := oldBy[k]; {
		case !ok:
			parts = append(parts, "+"+w)
		case o != w:
			parts = append(parts, o+" -> "+w)
		}
	}
	for _, w := range ow[1:] {
		if !seen[key(w)] {
			parts = append(parts, "-"+w)
		}
	}
	return nw[0] + ": " + strings.Join(parts, ", ")
}

// Diff lists what changed from sn to after. Empty means equal.
func (sn *Snapshot) Diff(after *Snapshot) []Change {
	type k struct{ node, kind, key string }
	learned := sn.Learned && after.Learned
	old := map[k]fact{}
	var order []k
	for _, f := range sn.facts(learned) {
		old[k{f.node, f.kind, f.key}] = f
		order = append(order, k{f.node, f.kind, f.key})
	}
	var changes []Change
	seen := map[k]bool{}
	for _, f := range after.facts(learned) {
		key := k{f.node, f.kind, f.key}
		seen[key] = true
		if of, ok := old[key]; !ok {
			changes = append(changes, Change{Node: f.node, Kind: f.kind, Op: "+", New: f.value})
		} else if of.compared() != f.compared() && of.value != f.value {
			// A value compared loosely (a random MAC) changes only when
			// both its shown and its compared forms do.
			changes = append(changes, Change{Node: f.node, Kind: f.kind, Op: "~", Old: of.value, New: f.value})
		}
	}
	for _, key := range order {
		if !seen[key] {
			changes = append(changes, Change{Node: key.node, Kind: key.kind, Op: "-", Old: old[key].value})
		}
	}
	changes = foldNodes(changes)
	if len(changes) == 0 && strings.Join(sn.Order, ",") != strings.Join(after.Order, ",") {
		changes = append(changes, Change{Kind: "node", Op: "~", Old: strings.Join(sn.Order, ","), New: strings.Join(after.Order, ",")})
	}
	return changes
}

// foldNodes leaves out the details of a namespace that appeared or went
// as a whole (its sysctls, loopback and neighbours): the node line says
// it all.
// Equality is unaffected, since the node line itself is a change.
func foldNodes(changes []Change) []Change {
	whole := map[string]bool{}
	for _, c := range changes {
		if c.Kind == "node" && c.Op != "~" {
			whole[c.Node] = true
		}
	}
	out := changes[:0]
	for _, c := range changes {
		text := c.Old + c.New
		if whole[c.Node] && (c.Kind == "sysctl" || c.Kind == "neigh" || strings.HasPrefix(text, "lo ") || strings.HasSuffix(text, " dev lo")) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// Equal reports whether two snapshots describe the same lab state.
func (sn *Snapshot) Equal(o *Snapshot) bool { return len(sn.Diff(o)) == 0 }
