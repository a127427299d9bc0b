package engine

import (
	"fmt"
	"net"
	"sort"
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
}

// NodeSnap is one node's part of a Snapshot.
type NodeSnap struct {
	Kind     string              `json:"kind"`
	Parent   string              `json:"parent,omitempty"`
	Links    []LinkSnap          `json:"links"`
	Routes   []RouteSnap         `json:"routes"`
	Iptables map[string][]string `json:"iptables,omitempty"` // table -> normalised iptables-save lines
	Sysctls  map[string]string   `json:"sysctls"`
	Neighs   []NeighSnap         `json:"neighs,omitempty"`
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
	Peer    string     `json:"peer,omitempty"` // veth: "node/name"
	VXLAN   *VxlanSnap `json:"vxlan,omitempty"`
	Parent  string     `json:"parent,omitempty"` // macvlan
	Mode    string     `json:"mode,omitempty"`   // macvlan
	Addrs   []AddrSnap `json:"addrs,omitempty"`
	// LinkLocal holds the IPv6 link-local addresses (fe80::/64), which the
	// kernel makes itself when the link comes up with carrier. Their DAD
	// flags (tentative, dadfailed) are left out: they change with time.
	LinkLocal []string `json:"linklocal,omitempty"`
}

// VxlanSnap holds a vxlan link's parameters.
type VxlanSnap struct {
	ID    int    `json:"id"`
	Port  int    `json:"port"`
	Local string `json:"local,omitempty"`
	Group string `json:"group,omitempty"`
	Dev   string `json:"dev,omitempty"`
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
}

// baseSysctls are the per-namespace keys every snapshot records; keys that
// commands wrote are added to them.
var baseSysctls = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.forwarding",
	"net.ipv4.conf.default.forwarding",
	"net.ipv4.conf.all.rp_filter",
	"net.ipv4.conf.all.proxy_arp",
	"net.ipv6.conf.all.forwarding",
}

// recreatable link kinds: the ones netlab can delete and create again.
// Others (lo, the kernel's fallback tunnels) are compared but never
// created or deleted.
var recreatable = map[string]bool{"bridge": true, "veth": true, "vxlan": true, "macvlan": true}

// Snapshot dumps the whole lab, including every node's iptables tables. It
// waits for another netlab process's operation to finish first.
func (s *Session) Snapshot() (*Snapshot, error) {
	var snap *Snapshot
	err := s.locked(func() error {
		var err error
		snap, err = s.snapshot(true)
		return err
	})
	return snap, err
}

// SnapshotLean is Snapshot with iptables read only for the nodes whose
// rules netlab's commands or a shell may have changed (the others are
// known empty, and recorded as such): what a step's own before-snapshot
// reads. Two lean snapshots compare as two full ones do.
func (s *Session) SnapshotLean() (*Snapshot, error) {
	var snap *Snapshot
	err := s.locked(func() error {
		var err error
		snap, err = s.snapshot(false)
		return err
	})
	return snap, err
}

// snapshot dumps the lab; iptables are read only for nodes whose rules a
// command may have changed unless full is set (the others are known empty).
func (s *Session) snapshot(full bool) (*Snapshot, error) {
	if err := s.awaitDying(); err != nil {
		return nil, err
	}
	if err := s.pruneMissing(); err != nil {
		return nil, err
	}
	snap := &Snapshot{Nodes: map[string]*NodeSnap{}, Learned: true}
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
	// named from the node it lives in; then the rest.
	nsids := make([]map[int]string, len(nodes)) // netnsid -> node name
	names := make([]map[int]string, len(nodes)) // ifindex -> link name
	links := make([]nodeLinks, len(nodes))
	err := eachNode(len(nodes), func(i int) error {
		x, ids := ctxs[i], map[int]string{}
		for _, o := range nodes {
			if o.Name == nodes[i].Name {
				continue
			}
			fd, err := openNS(o.Path)
			if err != nil {
				return err
			}
			if id, err := x.h.GetNetNsIdByFd(fd); err == nil && id >= 0 {
				ids[id] = o.Name
			}
			unix.Close(fd)
		}
		nsids[i] = ids
		nl, err := x.settledLinks()
		if err != nil {
			return fmt.Errorf("list links of %s: %w", nodes[i].Name, err)
		}
		links[i] = nl
		names[i] = map[int]string{}
		for _, l := range nl.links {
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
	keys := s.sysctlKeys()
	snaps := make([]*NodeSnap, len(nodes))
	err = eachNode(len(nodes), func(i int) error {
		n, x := nodes[i], ctxs[i]
		ns := &NodeSnap{Kind: n.Kind, Parent: n.Parent, Sysctls: map[string]string{}}
		for _, l := range links[i].links {
			ns.Links = append(ns.Links, linkSnap(l, links[i].addrs[l.Attrs().Index], n.Name, nsids[i], byNode))
		}
		var err error
		if ns.Neighs, err = neighSnaps(x.h, names[i]); err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		sort.Slice(ns.Links, func(i, j int) bool { return ns.Links[i].Name < ns.Links[j].Name })
		routes, err := x.h.RouteList(nil, netlink.FAMILY_V4)
		if err != nil {
			return err
		}
		for _, r := range routes {
			ns.Routes = append(ns.Routes, routeSnap(r, names[i]))
		}
		sort.Slice(ns.Routes, func(i, j int) bool { return ns.Routes[i].Text < ns.Routes[j].Text })
		if ns.Sysctls, err = x.readSysctls(keys); err != nil {
			return err
		}
		if full || s.st.IptDirty[n.Name] {
			if ns.Iptables, err = x.iptablesSave(); err != nil {
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

func (s *Session) sysctlKeys() []string {
	keys := append([]string(nil), baseSysctls...)
	for _, k := range s.st.Sysctls {
		found := false
		for _, b := range keys {
			found = found || b == k
		}
		if !found {
			keys = append(keys, k)
		}
	}
	return keys
}

func linkSnap(l netlink.Link, addrs []netlink.Addr, node string, nsids map[int]string, names map[string]map[int]string) LinkSnap {
	at := l.Attrs()
	ls := LinkSnap{Name: at.Name, Kind: l.Type(), Up: at.Flags&net.FlagUp != 0, MTU: at.MTU,
		MAC: at.HardwareAddr.String(), Master: names[node][at.MasterIndex], Promisc: userPromisc(at),
		Carrier: at.RawFlags&unix.IFF_LOWER_UP != 0, Oper: operWord(at.OperState)}
	switch v := l.(type) {
	case *netlink.Veth:
		peerNode := node
		if at.NetNsID >= 0 {
			peerNode = nsids[at.NetNsID]
		}
		_ = v
		if at.ParentIndex > 0 { // IFLA_LINK: the peer's index in its namespace
			ls.Peer = peerNode + "/" + names[peerNode][at.ParentIndex]
		}
	case *netlink.Vxlan:
		vs := &VxlanSnap{ID: v.VxlanId, Port: v.Port}
		if v.SrcAddr != nil {
			vs.Local = v.SrcAddr.String()
		}
		if v.Group != nil {
			vs.Group = v.Group.String()
		}
		if v.VtepDevIndex > 0 {
			vs.Dev = names[node][v.VtepDevIndex]
		}
		ls.VXLAN = vs
	case *netlink.Macvlan:
		ls.Parent = names[node][at.ParentIndex]
		for k, m := range macvlanModeOf {
			if m == v.Mode {
				ls.Mode = k
			}
		}
	}
	ls.Addrs, ls.LinkLocal = addrSnaps(addrs)
	return ls
}

// addrSnaps splits a link's addresses into the ones netlab sets (IPv4 and
// global IPv6) and the IPv6 link-local ones the kernel makes, both sorted.
func addrSnaps(addrs []netlink.Addr) ([]AddrSnap, []string) {
	var out []AddrSnap
	var ll []string
	for _, a := range addrs {
		if a.IP.To4() == nil && a.IP.IsLinkLocalUnicast() {
			ll = append(ll, a.IPNet.String())
			continue
		}
		as := AddrSnap{CIDR: a.IPNet.String()}
		if a.Broadcast != nil {
			as.Brd = a.Broadcast.String()
		}
		out = append(out, as)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CIDR < out[j].CIDR })
	sort.Strings(ll)
	return out, ll
}

// routeSnap records a route, its device named from the node's links as
// the snapshot listed them.
func routeSnap(r netlink.Route, names map[int]string) RouteSnap {
	name := func(index int) string { return names[index] }
	rs := RouteSnap{Text: strings.TrimSuffix(routeTextNamed(r, name), " linkdown"), Dst: ipnetString(r.Dst), Scope: int(r.Scope), Proto: int(r.Protocol), Priority: r.Priority}
	if r.Gw != nil {
		rs.Gw = r.Gw.String()
	}
	rs.Dev = names[r.LinkIndex]
	if r.Src != nil {
		rs.Src = r.Src.String()
	}
	return rs
}

// iptablesSave dumps a node's tables, normalised: no comments or counters,
// and tables that hold only empty built-in chains with ACCEPT policies
// left out (the kernel creates those lazily, so they mean nothing).
func (x *execCtx) iptablesSave() (map[string][]string, error) {
	out, err := x.iptablesRaw("", "iptables-save")
	if err != nil {
		return nil, fmt.Errorf("iptables-save on %s: %w", x.node.Name, err)
	}
	return parseSave(out), nil
}

func parseSave(out string) map[string][]string {
	tables := map[string][]string{}
	var table string
	var lines []string
	meaningful := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "*"):
			table, lines, meaningful = line[1:], nil, false
		case line == "COMMIT":
			if meaningful {
				tables[table] = lines
			}
		case strings.HasPrefix(line, ":"):
			f := strings.Fields(line)
			if len(f) >= 2 {
				lines = append(lines, f[0]+" "+f[1])
				if f[1] != "ACCEPT" && f[1] != "-" || !isBuiltin(table, f[0][1:]) {
					meaningful = true
				}
			}
		default:
			lines = append(lines, line)
			meaningful = true
		}
	}
	return tables
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

// facts lists the snapshot's comparable lines; learned adds neighbours,
// carrier, operstate and link-local addresses.
func (sn *Snapshot) facts(learned bool) []fact {
	var fs []fact
	for _, name := range sn.Order {
		n := sn.Nodes[name]
		fs = append(fs, fact{name, "node", name, n.Kind + " " + n.Parent, ""})
		for _, l := range n.Links {
			random := learned && randomMAC(n, l)
			f := fact{name, "link", l.Name, l.describe(learned), ""}
			if learned {
				f.cmp = l.comparable(random).describe(true)
			}
			fs = append(fs, f)
			if learned {
				for i, a := range l.LinkLocal {
					f := fact{name, "addr", fmt.Sprintf("%s link-local %d", l.Name, i), a + " scope link dev " + l.Name, ""}
					if random {
						f.cmp = "random"
					}
					fs = append(fs, f)
				}
			}
			for _, a := range l.Addrs {
				v := a.CIDR
				if a.Brd != "" {
					v += " brd " + a.Brd
				}
				fs = append(fs, fact{name, "addr", l.Name + " " + a.CIDR, v + " dev " + l.Name, ""})
			}
		}
		for _, r := range n.Routes {
			fs = append(fs, fact{name, "route", r.Text, r.Text, ""})
		}
		if learned {
			fs = append(fs, neighFacts(name, n.Neighs)...)
		}
		var tables []string
		for t := range n.Iptables {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, t := range tables {
			for i, line := range n.Iptables[t] {
				fs = append(fs, fact{name, "iptables", fmt.Sprintf("%s %d %s", t, i, line), "-t " + t + " " + strings.TrimPrefix(line, ":"), ""})
			}
		}
		var keys []string
		for k := range n.Sysctls {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fs = append(fs, fact{name, "sysctl", k, k + " = " + n.Sysctls[k], ""})
		}
	}
	return fs
}

// describe is the link's comparable line; learned adds carrier and
// operstate ("carrier=yes oper=UP").
func (l LinkSnap) describe(learned bool) string {
	parts := []string{l.Name, l.Kind, upDown(l.Up), fmt.Sprintf("mtu=%d", l.MTU)}
	if learned {
		parts = append(parts, "carrier="+map[bool]string{true: "yes", false: "no"}[l.Carrier], "oper="+l.Oper)
	}
	if l.MAC != "" {
		parts = append(parts, "mac="+l.MAC)
	}
	if l.Master != "" {
		parts = append(parts, "master="+l.Master)
	}
	if l.Promisc {
		parts = append(parts, "promisc")
	}
	if l.Peer != "" {
		parts = append(parts, "peer="+l.Peer)
	}
	if v := l.VXLAN; v != nil {
		parts = append(parts, fmt.Sprintf("vxlan-id=%d", v.ID), fmt.Sprintf("dstport=%d", v.Port))
		for _, kv := range [][2]string{{"local", v.Local}, {"group", v.Group}, {"dev", v.Dev}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
	}
	if l.Parent != "" {
		parts = append(parts, "parent="+l.Parent, "mode="+l.Mode)
	}
	return strings.Join(parts, " ")
}

// Change is one difference between two snapshots.
type Change struct {
	Node string `json:"node"`
	Kind string `json:"kind"` // node, link, addr, route, neigh, iptables, sysctl
	Op   string `json:"op"`   // "+" added, "-" removed, "~" changed
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

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

// comparable is the link as compared: LOWERLAYERDOWN counts as DOWN,
// since the kernel says LOWERLAYERDOWN for a veth without carrier only
// when its peer's index happens to name a link in the veth's own
// namespace (so it depends on which namespace the peer was in when the
// carrier last changed); and a random MAC (see randomMAC) as any other.
func (l LinkSnap) comparable(random bool) LinkSnap {
	if l.Oper == "LOWERLAYERDOWN" {
		l.Oper = "DOWN"
	}
	if random {
		l.MAC = "random"
	}
	return l
}

// randomMAC reports whether l is a bridge whose MAC only the kernel chose,
// at random: one that is up with carrier and has no port. Setting a
// bridge's MAC, or giving it a port and taking it away, leaves it without
// carrier for good, so only a bridge that never had either looks so; undo
// makes such a bridge anew (see staleBridge) and its new MAC is as good as
// the old one: a fresh run of the steps would pick yet another.
func randomMAC(n *NodeSnap, l LinkSnap) bool {
	return l.Kind == "bridge" && l.Up && l.Carrier && ports(n, l.Name) == 0
}

// Equal reports whether two snapshots describe the same lab state.
func (sn *Snapshot) Equal(o *Snapshot) bool { return len(sn.Diff(o)) == 0 }
