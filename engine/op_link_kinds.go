package engine

// This file holds what differs between the link kinds netlab makes
// (bridge, veth, vxlan, macvlan): how "ip link add" builds each, how a
// snapshot records a kind's details (a veth's peer, a vxlan's parameters,
// a macvlan's parent and mode) and words them, what makes a link the same
// link, and how undo makes one again. A new link kind is an edit here,
// beside its grammar in cmdline/ip_link.go; the rest of the link, the
// same for every kind, is op_link.go's.

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// recreatable link kinds: the ones netlab can delete and create again.
// Others (lo, the kernel's fallback tunnels) are compared but never
// created or deleted.
var recreatable = map[string]bool{"bridge": true, "veth": true, "vxlan": true, "macvlan": true}

// macvlanModeOf maps the mode words of "ip link add ... type macvlan mode"
// to netlink's modes.
var macvlanModeOf = map[string]netlink.MacvlanMode{
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "private": netlink.MACVLAN_MODE_PRIVATE,
	"vepa": netlink.MACVLAN_MODE_VEPA, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
}

// newLink builds the link "ip link add" asks for; release frees what must
// stay open until the link is made (a veth's peer namespace).
func (a *linkAdd) newLink(x *execCtx) (l netlink.Link, release func(), err error) {
	release = func() {}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = a.Name
	switch a.Kind {
	case "bridge":
		l = &netlink.Bridge{LinkAttrs: attrs}
	case "veth":
		v := &netlink.Veth{LinkAttrs: attrs, PeerName: a.Peer}
		if a.PeerNetns != "" {
			o, err := x.other(a.PeerNetns)
			if err != nil {
				return nil, release, err
			}
			fd, err := openNS(o.node.Path)
			if err != nil {
				return nil, release, err
			}
			release = func() { unix.Close(fd) }
			v.PeerNamespace = netlink.NsFd(fd)
		} else if _, err := x.h.LinkByName(a.Peer); err == nil {
			return nil, release, errors.New("RTNETLINK answers: File exists")
		}
		l = v
	case "vxlan":
		v := &netlink.Vxlan{LinkAttrs: attrs, VxlanId: a.Vxlan.ID, Port: a.Vxlan.Port, Learning: true,
			SrcAddr: a.Vxlan.Local, Group: a.Vxlan.Remote}
		if a.Vxlan.Group != nil {
			v.Group = a.Vxlan.Group
		}
		if a.Vxlan.Dev != "" {
			d, err := x.link(a.Vxlan.Dev)
			if err != nil {
				return nil, release, err
			}
			v.VtepDevIndex = d.Attrs().Index
		}
		l = v
	case "macvlan":
		p, err := x.link(a.Parent)
		if err != nil {
			return nil, release, err
		}
		attrs.ParentIndex = p.Attrs().Index
		l = &netlink.Macvlan{LinkAttrs: attrs, Mode: macvlanModeOf[a.Mode]}
	}
	return l, release, nil
}

// snapKind records the details of l's kind: a veth's peer and a vxlan's
// or macvlan's parent, named from the links of the node they live in.
func snapKind(ls *LinkSnap, l netlink.Link, node string, nsids map[int]string, names map[string]map[int]string) {
	at := l.Attrs()
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
}

// kindWords are the details of the link's kind in its comparable line.
func (l LinkSnap) kindWords() []string {
	var parts []string
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
	return parts
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
