package engine

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// reconcile makes the lab equal to want: namespaces, links, attributes,
// addresses, routes, sysctls, neighbour tables and iptables, in that
// order, then verifies the result. This is how undo and the rollback of a
// failed step restore the kernel exactly, destructive commands included,
// and what the kernel learned during the step (ARP and NDP entries)
// forgotten, so that doing the step again shows the same packets.
func (s *Session) reconcile(want *Snapshot) error {
	if err := s.reconcileNodes(want); err != nil {
		return err
	}
	have, err := s.snapshot(false)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range want.Order {
		if err := s.deleteStrayLinks(name, want.Nodes[name], have.Nodes[name], want.Learned); err != nil {
			errs = append(errs, err)
		}
	}
	if err := s.createMissingLinks(want); err != nil {
		errs = append(errs, err)
	}
	// Every node's links first: a veth's carrier depends on its peer,
	// which may live in a node that comes later.
	for _, name := range want.Order {
		x, err := s.ctx(name)
		if err != nil {
			return err
		}
		if err := setLinkAttrs(x, want.Nodes[name]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	addrs := func(x *execCtx, w *NodeSnap) error { return setAddrs(x, w, want.Learned) }
	steps := []func(*execCtx, *NodeSnap) error{addrs, setRoutes, setSysctls}
	for _, name := range want.Order {
		x, err := s.ctx(name)
		if err != nil {
			return err
		}
		w := want.Nodes[name]
		if want.Learned {
			// Let carrier and operstate catch up with the links just set up,
			// so the kernel's own link-local addresses are there to compare.
			if _, err := x.settledLinks(); err != nil {
				return err
			}
		}
		for _, step := range steps {
			if err := step(x, w); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
		if w.Iptables != nil || s.st.IptDirty[name] {
			// The tables as "have" read them (nothing since changes
			// rules); a node it did not read has none.
			var current map[string][]string
			if h := have.Nodes[name]; h != nil {
				current = h.Iptables
			}
			if err := x.restoreIptables(w.Iptables, current); err != nil {
				errs = append(errs, err)
			}
			if len(w.Iptables) > 0 {
				s.st.IptDirty[name] = true
			}
		}
	}
	if want.Learned && len(errs) == 0 {
		// Neighbours last, over every node and twice: a link going down or
		// changing its MAC flushes them, and a probe a node sent before its
		// own table was set (a peer's entry in DELAY) teaches the node it
		// reaches; the second pass forgets that again, with no probe left
		// pending anywhere after the first.
		for pass := 0; pass < 2; pass++ {
			for _, name := range want.Order {
				x, err := s.ctx(name)
				if err != nil {
					return err
				}
				if err := setNeighs(x, want.Nodes[name]); err != nil && pass == 1 {
					errs = append(errs, fmt.Errorf("%s: %w", name, err))
				}
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	got, err := s.snapshot(false)
	if err != nil {
		return err
	}
	if d := want.Diff(got); len(d) > 0 {
		var lines []string
		for _, c := range d {
			lines = append(lines, c.String())
		}
		return fmt.Errorf("the lab could not be restored exactly:\n  %s", strings.Join(lines, "\n  "))
	}
	return nil
}

func (s *Session) reconcileNodes(want *Snapshot) error {
	for i := len(s.st.Nodes) - 1; i >= 0; i-- {
		n := s.st.Nodes[i]
		if _, ok := want.Nodes[n.Name]; !ok {
			if err := s.dropNode(n.Name); err != nil {
				return err
			}
		}
	}
	for _, name := range want.Order {
		if s.st.node(name) == nil {
			w := want.Nodes[name]
			if _, err := s.addNode(name, w.Kind, w.Parent); err != nil {
				return err
			}
		}
	}
	// Keep creation order as it was, so "ip netns list" prints the same.
	pos := map[string]int{}
	for i, name := range want.Order {
		pos[name] = i
	}
	sort.SliceStable(s.st.Nodes, func(i, j int) bool { return pos[s.st.Nodes[i].Name] < pos[s.st.Nodes[j].Name] })
	return nil
}

// identity is what makes a link the same link: recreating is the only way
// to change any of it.
func (l LinkSnap) identity() string {
	id := l.Kind + "|" + l.Peer + "|" + l.Parent + "|" + l.Mode
	if l.VXLAN != nil {
		id += fmt.Sprintf("|%+v", *l.VXLAN)
	}
	return id
}

func findLink(ls []LinkSnap, name string) *LinkSnap {
	for i := range ls {
		if ls[i].Name == name {
			return &ls[i]
		}
	}
	return nil
}

func (s *Session) deleteStrayLinks(node string, want, have *NodeSnap, wantLearned bool) error {
	if have == nil {
		return nil
	}
	x, err := s.ctx(node)
	if err != nil {
		return err
	}
	for _, l := range have.Links {
		w := findLink(want.Links, l.Name)
		if w != nil && w.identity() == l.identity() && !(wantLearned && staleBridge(want, w, have, l)) {
			continue
		}
		if !recreatable[l.Kind] {
			continue
		}
		if link, err := x.h.LinkByName(l.Name); err == nil {
			if err := x.h.LinkDel(link); err != nil && !errors.Is(err, unix.ENODEV) {
				return fmt.Errorf("delete %s on %s: %w", l.Name, node, err)
			}
		}
	}
	return nil
}

// staleBridge reports whether a bridge must be made anew to look as it
// did: a bridge that never had a port has carrier (state UNKNOWN), but
// once a port came and went the kernel keeps it without carrier (state
// DOWN, and a zero MAC), whatever is done to it. Only a new bridge is
// again as a fresh run of the steps before leaves it.
func staleBridge(want *NodeSnap, w *LinkSnap, have *NodeSnap, h LinkSnap) bool {
	if w.Kind != "bridge" || !w.Carrier || ports(want, w.Name) > 0 {
		return false
	}
	// Down, it cannot tell whether it had ports: making it anew is safe.
	return !h.Carrier || ports(have, h.Name) > 0
}

func ports(n *NodeSnap, bridge string) int {
	c := 0
	for _, l := range n.Links {
		if l.Master == bridge {
			c++
		}
	}
	return c
}

func (s *Session) createMissingLinks(want *Snapshot) error {
	for pass := 0; pass < 4; pass++ {
		pending := 0
		for _, name := range want.Order {
			x, err := s.ctx(name)
			if err != nil {
				return err
			}
			for _, l := range want.Nodes[name].Links {
				if !recreatable[l.Kind] {
					continue
				}
				if _, err := x.h.LinkByName(l.Name); err == nil {
					continue
				}
				ok, err := s.createLink(x, l)
				if err != nil {
					return fmt.Errorf("recreate %s on %s: %w", l.Name, name, err)
				}
				if !ok {
					pending++
				}
			}
		}
		if pending == 0 {
			return nil
		}
	}
	return errors.New("some links could not be recreated: their parents are missing")
}

// createLink makes one link from its snapshot; false means a link it
// depends on does not exist yet.
func (s *Session) createLink(x *execCtx, l LinkSnap) (bool, error) {
	a := &linkAdd{cmdline.LinkAdd{Name: l.Name, Kind: l.Kind}}
	switch l.Kind {
	case "veth":
		peerNode, peerName, _ := strings.Cut(l.Peer, "/")
		a.Peer = peerName
		if peerNode != x.node.Name {
			a.PeerNetns = peerNode
		}
	case "vxlan":
		v := l.VXLAN
		a.Vxlan = &cmdline.Vxlan{ID: v.ID, Port: v.Port, Local: net.ParseIP(v.Local), Dev: v.Dev}
		if g := net.ParseIP(v.Group); g != nil {
			if g.IsMulticast() {
				a.Vxlan.Group = g
			} else {
				a.Vxlan.Remote = g
			}
		}
		if v.Dev != "" {
			if _, err := x.h.LinkByName(v.Dev); err != nil {
				return false, nil
			}
		}
	case "macvlan":
		a.Parent, a.Mode = l.Parent, l.Mode
		if _, err := x.h.LinkByName(l.Parent); err != nil {
			return false, nil
		}
	}
	_, err := a.run(x)
	return err == nil, err
}

func setLinkAttrs(x *execCtx, w *NodeSnap) error {
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return fmt.Errorf("link %s is missing", l.Name)
		}
		at := link.Attrs()
		if m := masterName(x.h, link); m != l.Master {
			if l.Master == "" {
				err = x.h.LinkSetNoMaster(link)
			} else if br, e := x.h.LinkByName(l.Master); e == nil {
				err = x.h.LinkSetMasterByIndex(link, br.Attrs().Index)
			} else {
				err = e
			}
			if err != nil {
				return fmt.Errorf("master of %s: %w", l.Name, err)
			}
		}
		if link, err = x.h.LinkByName(l.Name); err != nil {
			return err
		}
		at = link.Attrs()
		if at.HardwareAddr.String() != l.MAC && l.MAC != "" && !randomMAC(w, l) {
			mac, _ := net.ParseMAC(l.MAC)
			if at.Flags&net.FlagUp != 0 {
				x.h.LinkSetDown(link)
			}
			if err := x.h.LinkSetHardwareAddr(link, mac); err != nil {
				return fmt.Errorf("MAC of %s: %w", l.Name, err)
			}
		}
		if at.MTU != l.MTU {
			if err := x.h.LinkSetMTU(link, l.MTU); err != nil {
				return fmt.Errorf("MTU of %s: %w", l.Name, err)
			}
		}
		if userPromisc(at) != l.Promisc {
			f := x.h.SetPromiscOff
			if l.Promisc {
				f = x.h.SetPromiscOn
			}
			if err := f(link); err != nil {
				return err
			}
		}
	}
	// Admin state last, after every port has its master and MAC.
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return err
		}
		if (link.Attrs().Flags&net.FlagUp != 0) != l.Up {
			f := x.h.LinkSetDown
			if l.Up {
				f = x.h.LinkSetUp
			}
			if err := f(link); err != nil {
				return fmt.Errorf("set %s %s: %w", l.Name, upDown(l.Up), err)
			}
		}
	}
	return nil
}

// setAddrs puts back each link's addresses; with linkLocal also the IPv6
// link-local ones a step removed or added (the kernel's own are normally
// there already, made from the restored MAC when the link came up).
func setAddrs(x *execCtx, w *NodeSnap, linkLocal bool) error {
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return err
		}
		as, err := x.h.AddrList(link, netlink.FAMILY_ALL)
		if err != nil {
			return fmt.Errorf("addresses of %s: %w", l.Name, err)
		}
		have, haveLL := addrSnaps(as)
		if linkLocal {
			if err := setLinkLocal(x, link, l.LinkLocal, haveLL); err != nil {
				return err
			}
		}
		want := map[AddrSnap]bool{}
		for _, a := range l.Addrs {
			want[a] = true
		}
		for _, a := range have {
			if !want[a] {
				addr, _ := netlink.ParseAddr(a.CIDR)
				if err := x.h.AddrDel(link, addr); err != nil {
					return fmt.Errorf("remove %s from %s: %w", a.CIDR, l.Name, err)
				}
			}
			delete(want, a)
		}
		for _, a := range l.Addrs {
			if !want[a] {
				continue
			}
			addr, err := netlink.ParseAddr(a.CIDR)
			if err != nil {
				return err
			}
			addr.Broadcast = net.ParseIP(a.Brd).To4()
			if err := x.h.AddrAdd(link, addr); err != nil {
				return fmt.Errorf("add %s to %s: %w", a.CIDR, l.Name, err)
			}
		}
	}
	return nil
}

func setRoutes(x *execCtx, w *NodeSnap) error {
	routes, err := x.h.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return err
	}
	want := map[string]RouteSnap{}
	for _, r := range w.Routes {
		want[r.Text] = r
	}
	for _, r := range routes {
		t := strings.TrimSuffix(routeText(x.h, r), " linkdown")
		if _, ok := want[t]; ok {
			delete(want, t)
			continue
		}
		if r.Protocol == unix.RTPROT_KERNEL {
			continue // follows its address, which is already right
		}
		if err := x.h.RouteDel(&r); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("remove route %s: %w", t, err)
		}
	}
	var missing []RouteSnap
	for _, r := range want {
		missing = append(missing, r)
	}
	// Routes through a gateway need the link route to it first.
	sort.Slice(missing, func(i, j int) bool { return missing[i].Gw == "" && missing[j].Gw != "" })
	for _, r := range missing {
		if r.Proto == unix.RTPROT_KERNEL {
			continue // comes back with its address
		}
		route := &netlink.Route{Scope: netlink.Scope(r.Scope), Protocol: netlink.RouteProtocol(r.Proto), Priority: r.Priority,
			Gw: net.ParseIP(r.Gw), Src: net.ParseIP(r.Src)}
		if r.Dst != "default" {
			_, route.Dst, _ = net.ParseCIDR(r.Dst)
		}
		if r.Dev != "" {
			l, err := x.h.LinkByName(r.Dev)
			if err != nil {
				return err
			}
			route.LinkIndex = l.Attrs().Index
		}
		if err := x.h.RouteAdd(route); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("restore route %s: %w", r.Text, err)
		}
	}
	return nil
}

// setSysctls writes the wanted values, global forwarding switches first
// since writing them resets the per-interface ones.
func setSysctls(x *execCtx, w *NodeSnap) error {
	var keys []string
	for k := range w.Sysctls {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch {
		case k == "net.ipv4.ip_forward":
			return 0
		case strings.Contains(k, ".all."):
			return 1
		case strings.Contains(k, ".default."):
			return 2
		}
		return 3
	}
	sort.Slice(keys, func(i, j int) bool {
		if rank(keys[i]) != rank(keys[j]) {
			return rank(keys[i]) < rank(keys[j])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if v, err := x.readSysctl(k); err == nil && v == w.Sysctls[k] {
			continue
		}
		if err := x.writeSysctl(k, strings.ReplaceAll(w.Sysctls[k], "\t", " ")); err != nil {
			return err
		}
	}
	return nil
}

// restoreIptables replaces every table of the node with want's, emptying
// the tables want does not hold; have is what the node holds now (as a
// snapshot records it), so only the tables that differ are written.
func (x *execCtx) restoreIptables(want, have map[string][]string) error {
	var b strings.Builder
	tables := []string{"filter", "nat", "mangle", "raw", "security"}
	for _, t := range tables {
		w, inWant := want[t]
		_, inHave := have[t]
		if !inWant && !inHave {
			continue
		}
		if inWant && strings.Join(w, "\n") == strings.Join(have[t], "\n") {
			continue
		}
		fmt.Fprintf(&b, "*%s\n", t)
		if inWant {
			for _, line := range w {
				if strings.HasPrefix(line, ":") {
					line += " [0:0]"
				}
				b.WriteString(line + "\n")
			}
		} else {
			for _, c := range builtinChains[t] {
				fmt.Fprintf(&b, ":%s ACCEPT [0:0]\n", c)
			}
		}
		b.WriteString("COMMIT\n")
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := x.iptablesRaw(b.String(), "iptables-restore"); err != nil {
		return fmt.Errorf("iptables-restore on %s: %w", x.node.Name, err)
	}
	return nil
}

// setLinkLocal puts back the link-local addresses. One the kernel made
// that was not there before the step is removed by taking the link down
// and up again rather than by deleting it: the kernel makes a link's
// link-local address once, when it first has carrier after coming up,
// and remembers that it did, so a deleted one would not come back when
// the step is done again. Taking the link down makes it forget.
func setLinkLocal(x *execCtx, link netlink.Link, want, have []string) error {
	if len(want) == 0 && len(have) > 0 && link.Attrs().Flags&net.FlagUp != 0 {
		if err := x.h.LinkSetDown(link); err != nil {
			return fmt.Errorf("set %s down: %w", link.Attrs().Name, err)
		}
		if err := x.h.LinkSetUp(link); err != nil {
			return fmt.Errorf("set %s up: %w", link.Attrs().Name, err)
		}
		as, err := x.h.AddrList(link, netlink.FAMILY_V6)
		if err != nil {
			return err
		}
		_, have = addrSnaps(as)
	}
	wanted := map[string]bool{}
	for _, a := range want {
		wanted[a] = true
	}
	for _, a := range have {
		if wanted[a] {
			delete(wanted, a)
			continue
		}
		addr, err := netlink.ParseAddr(a)
		if err != nil {
			return err
		}
		if err := x.h.AddrDel(link, addr); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
			return fmt.Errorf("remove %s from %s: %w", a, link.Attrs().Name, err)
		}
	}
	for _, a := range want {
		if !wanted[a] {
			continue
		}
		addr, err := netlink.ParseAddr(a)
		if err != nil {
			return err
		}
		if addr.IP.To4() != nil || !addr.IP.IsLinkLocalUnicast() {
			// The session file is read back: only fe80::/10 belongs here.
			return fmt.Errorf("%s is not an IPv6 link-local address", a)
		}
		if err := x.h.AddrAdd(link, addr); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("add %s to %s: %w", a, link.Attrs().Name, err)
		}
	}
	return nil
}
