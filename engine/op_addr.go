package engine

// This file holds the address as a kernel object. "ip addr add|del" and
// ifconfig's address form add or remove one and check that they did. A
// snapshot keeps IPv4 and global IPv6 addresses, and the IPv6 link-local
// ones the kernel makes itself, under their link (LinkSnap.Addrs,
// LinkLocal), read with the links in one go (see settledLinks); undo
// removes and adds them link by link.

import (
	"errors"
	"fmt"
	"net"
	"sort"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// addrOp runs "ip addr add|del A/P dev NAME" and ifconfig's address form.
type addrOp struct{ cmdline.Addr }

// decides: the address on its link.
func (a *addrOp) decides(node string) []string {
	return []string{node + "/" + a.Dev + ":addr " + a.CIDR.IP.String()}
}

func (a *addrOp) run(x *execCtx) (string, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return "", err
	}
	if !a.Add {
		addrs, err := x.addrList(l, familyOf(a.CIDR.IP))
		if err != nil {
			return "", err
		}
		for _, ad := range addrs {
			ones, _ := a.CIDR.Mask.Size()
			got, _ := ad.Mask.Size()
			if ad.IP.Equal(a.CIDR.IP) && (ones == got || ones == 32) {
				if err := x.h.AddrDel(l, &ad); err != nil {
					return "", fmt.Errorf("RTNETLINK answers: %w", err)
				}
				return "", nil
			}
		}
		return "", errors.New("RTNETLINK answers: Cannot assign requested address")
	}
	if a.Primary {
		addrs, err := x.addrList(l, netlink.FAMILY_V4)
		if err != nil {
			return "", err
		}
		if len(addrs) > 0 {
			if err := x.h.AddrDel(l, &addrs[0]); err != nil {
				return "", fmt.Errorf("SIOCSIFADDR: %w", err)
			}
		}
	}
	addr := &netlink.Addr{IPNet: a.CIDR, Broadcast: a.Brd}
	if err := x.h.AddrAdd(l, addr); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return "", errors.New("Error: ipv4: Address already assigned.")
		}
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *addrOp) check(x *execCtx) error {
	l, err := x.h.LinkByName(a.Dev)
	if err != nil {
		return problem("check.iface.missing", "interface {{.Dev}} does not exist on {{.Node}}", "Dev", a.Dev, "Node", x.node.Name)
	}
	addrs, err := x.addrList(l, familyOf(a.CIDR.IP))
	if err != nil {
		return err
	}
	for _, ad := range addrs {
		if ad.IP.Equal(a.CIDR.IP) && (!a.Add || ad.Mask.String() == a.CIDR.Mask.String()) {
			if a.Add {
				return nil
			}
			return problem("check.addr.still", "{{.Dev}} still has address {{.Addr}}", "Dev", a.Dev, "Addr", ad.IPNet)
		}
	}
	if a.Add {
		return problem("check.addr.missing", "{{.Dev}} on {{.Node}} does not have address {{.Addr}}", "Dev", a.Dev, "Node", x.node.Name, "Addr", a.CIDR)
	}
	return nil
}

// familyOf is the netlink address family of ip.
func familyOf(ip net.IP) int {
	if ip.To4() != nil {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

// addrObject is the addresses of a node's links.
type addrObject struct{}

func (addrObject) kind() string { return "addr" }

// read files the addresses read with the links under each link.
func (addrObject) read(r *nodeReader, ns *NodeSnap) error {
	index := map[string]int{}
	for _, l := range r.links.links {
		index[l.Attrs().Name] = l.Attrs().Index
	}
	for i := range ns.Links {
		l := &ns.Links[i]
		l.Addrs, l.LinkLocal = addrSnaps(r.links.addrs[index[l.Name]])
	}
	return nil
}

// facts is empty: a link's addresses are listed right after the link
// itself, as "ip addr" shows them, so linkObject.facts lists them (with
// addrFacts).
func (addrObject) facts(node string, n *NodeSnap, learned bool) []fact { return nil }

// addrFacts lists a link's addresses, with learned its link-local ones
// first; random says the link's MAC, and so its link-local address, is
// one the kernel picked at random (see randomMAC).
func addrFacts(node string, l LinkSnap, learned, random bool) []fact {
	var fs []fact
	if learned {
		for i, a := range l.LinkLocal {
			f := fact{node, "addr", fmt.Sprintf("%s link-local %d", l.Name, i), a + " scope link dev " + l.Name, ""}
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
		fs = append(fs, fact{node, "addr", l.Name + " " + a.CIDR, v + " dev " + l.Name, ""})
	}
	return fs
}

// restoreNode first lets carrier and operstate catch up with the links
// just set up (when want records them), so the kernel's own link-local
// addresses are there to compare.
func (addrObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	if rc.want.Learned {
		if _, err := x.settledLinks(); err != nil {
			return err
		}
	}
	if err := setAddrs(x, w, rc.want.Learned); err != nil {
		rc.fail(fmt.Errorf("%s: %w", name, err))
	}
	return nil
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

// setAddrs puts back each link's addresses; with linkLocal also the IPv6
// link-local ones a step removed or added (the kernel's own are normally
// there already, made from the restored MAC when the link came up).
func setAddrs(x *execCtx, w *NodeSnap, linkLocal bool) error {
	for _, l := range w.Links {
		link, err := x.h.LinkByName(l.Name)
		if err != nil {
			return err
		}
		as, err := x.addrList(link, netlink.FAMILY_ALL)
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
		as, err := x.addrList(link, netlink.FAMILY_V6)
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
