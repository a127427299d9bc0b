package engine

// This file holds the links that live in one namespace while their lower
// side lives in another: a vxlan made on the host (its UDP socket, and its
// "dev", stay there) and moved into Docker's overlay namespace, a macvlan
// made over the host's eth0 and moved into a container. The kernel calls
// the namespace of the lower side the link's "link net" (IFLA_LINK_NETNSID).
// A snapshot records it as LinkSnap.Net, and names the lower device from
// the links of that namespace; undo makes such a link again where its
// lower side is and moves it in; deleting the namespace that holds one
// deletes it at once, as the kernel does later when it reaps the
// namespace, so nothing of it still sends from the lower side after the
// step.

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// hasLinkNet reports whether l is a link whose lower side may live in
// another namespace. A veth's IFLA_LINK_NETNSID names its peer's
// namespace instead, which LinkSnap.Peer records.
func hasLinkNet(l netlink.Link) bool { return l.Attrs().NetNsID >= 0 && l.Type() != "veth" }

// snapLinkNet records where the lower side of l lives when it is not the
// node itself, and names l's lower device (a vxlan's dev, a macvlan's
// parent) from that node's links rather than from the node's own.
func snapLinkNet(ls *LinkSnap, l netlink.Link, node string, nsids map[int]string, names map[string]map[int]string) {
	if !hasLinkNet(l) {
		return
	}
	lower := nsids[l.Attrs().NetNsID]
	if lower == "" || lower == node {
		return
	}
	ls.Net = lower
	if v, ok := l.(*netlink.Vxlan); ok {
		if ls.VXLAN != nil {
			ls.VXLAN.Dev = ""
			if v.VtepDevIndex > 0 {
				ls.VXLAN.Dev = names[lower][v.VtepDevIndex]
			}
		}
		return
	}
	if ls.Parent != "" || l.Attrs().ParentIndex > 0 {
		ls.Parent = names[lower][l.Attrs().ParentIndex]
	}
}

// sameLink reports whether the recorded link w and the present link h are
// the same link: same kind details (identity) and same link net.
func sameLink(w, h LinkSnap) bool { return w.identity() == h.identity() && w.Net == h.Net }

// createInLinkNet makes l, whose lower side lives in node l.Net, the way
// it was first made: in l.Net, under a passing name so it cannot clash
// with a link there, then moved into x's node and renamed. false means
// its lower device does not exist yet.
func (s *Session) createInLinkNet(x *execCtx, l LinkSnap) (bool, error) {
	lx, err := s.ctx(l.Net)
	if err != nil {
		return false, nil // its node comes back in a later pass, or never
	}
	tmp := l
	tmp.Net = ""
	tmp.Name = passingName()
	ok, err := s.createLink(lx, tmp)
	if !ok || err != nil {
		return ok, err
	}
	made, err := lx.h.LinkByName(tmp.Name)
	if err != nil {
		return false, err
	}
	fd, err := openNS(x.node.Path)
	if err != nil {
		lx.h.LinkDel(made)
		return false, err
	}
	err = lx.h.LinkSetNsFd(made, fd)
	unix.Close(fd)
	if err != nil {
		lx.h.LinkDel(made)
		return false, fmt.Errorf("move into %s: %w", x.node.Name, err)
	}
	moved, err := x.h.LinkByName(tmp.Name)
	if err == nil {
		err = x.h.LinkSetName(moved, l.Name)
		if err != nil {
			x.h.LinkDel(moved)
		}
	}
	if err != nil {
		return false, fmt.Errorf("rename in %s: %w", x.node.Name, err)
	}
	return true, nil
}

// passingName is a link name no lab uses, for a link on its way to
// another namespace.
func passingName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "nlk" + hex.EncodeToString(b)
}

// releaseLinkNet deletes the links of namespace h whose lower side lives
// elsewhere, before the namespace itself is let go. The kernel would
// delete them too, but only when it reaps the namespace, in the
// background: until then a vxlan keeps its VNI and UDP port taken on the
// lower side (so undo could not make it again) and may still send there
// (so a neighbour learned after undo would make it inexact).
func releaseLinkNet(h *netlink.Handle) error {
	links, err := redump(h.LinkList)
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range links {
		if !hasLinkNet(l) {
			continue
		}
		if err := h.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
			errs = append(errs, fmt.Errorf("delete %s: %w", l.Attrs().Name, err))
		}
	}
	return errors.Join(errs...)
}
