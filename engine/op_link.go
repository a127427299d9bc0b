package engine

// This file holds the link as a kernel object: its kind and the details
// of its kind (veth peer, vxlan and macvlan parameters), master, admin
// state, carrier and operstate, MTU, MAC and promiscuity. A snapshot
// reads them, lists each link as one fact, and undo deletes, makes anew
// and sets links until they are as recorded. Its addresses are op_addr.go's.

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

// recreatable link kinds: the ones netlab can delete and create again.
// Others (lo, the kernel's fallback tunnels) are compared but never
// created or deleted.
var recreatable = map[string]bool{"bridge": true, "veth": true, "vxlan": true, "macvlan": true}

// linkObject is a node's links.
type linkObject struct{}

func (linkObject) kind() string { return "link" }

func (linkObject) read(r *nodeReader, ns *NodeSnap) error {
	for _, l := range r.links.links {
		ns.Links = append(ns.Links, linkSnap(l, r.node.Name, r.nsids, r.names))
	}
	sort.Slice(ns.Links, func(i, j int) bool { return ns.Links[i].Name < ns.Links[j].Name })
	return nil
}

// facts lists each link followed by its addresses (see addrObject.facts).
func (linkObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	for _, l := range n.Links {
		random := learned && randomMAC(n, l)
		f := fact{node, "link", l.Name, l.describe(learned), ""}
		if learned {
			f.cmp = l.comparable(random).describe(true)
		}
		fs = append(fs, f)
		fs = append(fs, addrFacts(node, l, learned, random)...)
	}
	return fs
}

// restoreLab deletes the links that are not wanted or not the same link
// any more, makes the missing ones, then sets every node's links'
// attributes: every node's links first, since a veth's carrier depends
// on its peer, which may live in a node that comes later.
func (linkObject) restoreLab(rc *reconciler) error {
	s, want := rc.s, rc.want
	have, err := rc.current()
	if err != nil {
		return err
	}
	for _, name := range want.Order {
		if err := s.deleteStrayLinks(name, want.Nodes[name], have.Nodes[name], want.Learned); err != nil {
			rc.fail(err)
		}
	}
	if err := s.createMissingLinks(want); err != nil {
		rc.fail(err)
	}
	for _, name := range want.Order {
		x, err := s.ctx(name)
		if err != nil {
			return err
		}
		if err := setLinkAttrs(x, want.Nodes[name]); err != nil {
			rc.fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	return nil
}

// linkSnap records a link; a veth's peer and a vxlan's or macvlan's
// parent are named from the links of the node they live in.
func linkSnap(l netlink.Link, node string, nsids map[int]string, names map[string]map[int]string) LinkSnap {
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
	return ls
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

// operWord is the operstate as "ip link" prints it after "state".
func operWord(s netlink.LinkOperState) string {
	switch s {
	case netlink.OperUp:
		return "UP"
	case netlink.OperDown:
		return "DOWN"
	case netlink.OperLowerLayerDown:
		return "LOWERLAYERDOWN"
	case netlink.OperDormant:
		return "DORMANT"
	case netlink.OperNotPresent:
		return "NOTPRESENT"
	case netlink.OperTesting:
		return "TESTING"
	}
	return "UNKNOWN"
}
