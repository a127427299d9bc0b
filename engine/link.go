package engine

import (
	"bytes"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// vxlanSpec holds "type vxlan" options.
type vxlanSpec struct {
	id                   int
	port                 int
	local, remote, group net.IP
	dev                  string
}

// linkAdd is "ip link add" (and "brctl addbr").
type linkAdd struct {
	name, kind string
	peer       string // veth
	peerNetns  string // veth: "peer name P netns NS"
	vxlan      *vxlanSpec
	parent     string // macvlan
	mode       string // macvlan
}

func (a *linkAdd) mutating() bool { return true }

var macvlanModeOf = map[string]netlink.MacvlanMode{
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "private": netlink.MACVLAN_MODE_PRIVATE,
	"vepa": netlink.MACVLAN_MODE_VEPA, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
}

func (a *linkAdd) run(x *execCtx) (string, error) {
	attrs := netlink.NewLinkAttrs()
	attrs.Name = a.name
	var l netlink.Link
	switch a.kind {
	case "bridge":
		l = &netlink.Bridge{LinkAttrs: attrs}
	case "veth":
		v := &netlink.Veth{LinkAttrs: attrs, PeerName: a.peer}
		if a.peerNetns != "" {
			o, err := x.other(a.peerNetns)
			if err != nil {
				return "", err
			}
			fd, err := openNS(o.node.Path)
			if err != nil {
				return "", err
			}
			defer unix.Close(fd)
			v.PeerNamespace = netlink.NsFd(fd)
		} else if _, err := x.h.LinkByName(a.peer); err == nil {
			return "", errors.New("RTNETLINK answers: File exists")
		}
		l = v
	case "vxlan":
		v := &netlink.Vxlan{LinkAttrs: attrs, VxlanId: a.vxlan.id, Port: a.vxlan.port, Learning: true,
			SrcAddr: a.vxlan.local, Group: a.vxlan.remote}
		if a.vxlan.group != nil {
			v.Group = a.vxlan.group
		}
		if a.vxlan.dev != "" {
			d, err := x.link(a.vxlan.dev)
			if err != nil {
				return "", err
			}
			v.VtepDevIndex = d.Attrs().Index
		}
		l = v
	case "macvlan":
		p, err := x.link(a.parent)
		if err != nil {
			return "", err
		}
		attrs.ParentIndex = p.Attrs().Index
		l = &netlink.Macvlan{LinkAttrs: attrs, Mode: macvlanModeOf[a.mode]}
	}
	if err := x.h.LinkAdd(l); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return "", errors.New("RTNETLINK answers: File exists")
		}
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *linkAdd) check(x *execCtx) error {
	l, err := x.h.LinkByName(a.name)
	if err != nil {
		return fmt.Errorf("interface %s does not exist on %s", a.name, x.node.Name)
	}
	if l.Type() != a.kind {
		return fmt.Errorf("interface %s on %s is a %s, not a %s", a.name, x.node.Name, l.Type(), a.kind)
	}
	return nil
}

// linkSet is "ip link set" (and brctl addif/delif, ifconfig flags).
type linkSet struct {
	dev        string
	up         *bool
	master     *string // "" = nomaster
	fromBridge string  // brctl delif: the bridge it must be leaving
	netns      string
	promisc    *bool
	newName    string
	mtu        int
	mac        net.HardwareAddr
}

func (a *linkSet) mutating() bool { return true }

func (a *linkSet) run(x *execCtx) (string, error) {
	l, err := x.link(a.dev)
	if err != nil {
		return "", err
	}
	h := x.h
	if a.netns != "" {
		o, err := x.other(a.netns)
		if err != nil {
			return "", err
		}
		fd, err := openNS(o.node.Path)
		if err != nil {
			return "", err
		}
		err = h.LinkSetNsFd(l, fd)
		unix.Close(fd)
		if err != nil {
			return "", fmt.Errorf("RTNETLINK answers: %w", err)
		}
		if l, err = o.h.LinkByName(a.dev); err != nil {
			return "", err
		}
		h = o.h
	}
	wrap := func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("RTNETLINK answers: %w", err)
	}
	if a.newName != "" {
		if err := wrap(h.LinkSetName(l, a.newName)); err != nil {
			return "", err
		}
	}
	if a.mtu != 0 {
		if err := wrap(h.LinkSetMTU(l, a.mtu)); err != nil {
			return "", err
		}
	}
	if a.mac != nil {
		if err := wrap(h.LinkSetHardwareAddr(l, a.mac)); err != nil {
			return "", err
		}
	}
	if a.promisc != nil {
		f := h.SetPromiscOff
		if *a.promisc {
			f = h.SetPromiscOn
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	if a.master != nil {
		if *a.master == "" {
			if a.fromBridge != "" {
				if err := x.requireBridge(a.fromBridge); err != nil {
					return "", err
				}
				if l.Attrs().MasterIndex == 0 || masterName(h, l) != a.fromBridge {
					return "", fmt.Errorf("device %s is not a slave of %s", a.dev, a.fromBridge)
				}
			}
			if err := wrap(h.LinkSetNoMaster(l)); err != nil {
				return "", err
			}
		} else {
			br, err := h.LinkByName(*a.master)
			if err != nil {
				return "", fmt.Errorf("bridge %s does not exist", *a.master)
			}
			if br.Type() != "bridge" {
				return "", fmt.Errorf("%s is a %s, not a bridge", *a.master, br.Type())
			}
			if err := wrap(h.LinkSetMasterByIndex(l, br.Attrs().Index)); err != nil {
				return "", err
			}
		}
	}
	if a.up != nil {
		f := h.LinkSetDown
		if *a.up {
			f = h.LinkSetUp
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	return "", nil
}

// fields lists which attributes the action sets, as facet names.
func (a *linkSet) fields() []string {
	var fs []string
	if a.up != nil {
		fs = append(fs, "up")
	}
	if a.master != nil {
		fs = append(fs, "master")
	}
	if a.promisc != nil {
		fs = append(fs, "promisc")
	}
	if a.mtu != 0 {
		fs = append(fs, "mtu")
	}
	if a.mac != nil {
		fs = append(fs, "mac")
	}
	return fs
}

// clear forgets one attribute, so a check no longer asks for it.
func (a *linkSet) clear(field string) {
	switch field {
	case "up":
		a.up = nil
	case "master":
		a.master = nil
	case "promisc":
		a.promisc = nil
	case "mtu":
		a.mtu = 0
	case "mac":
		a.mac = nil
	}
}

func (x *execCtx) requireBridge(name string) error {
	br, err := x.h.LinkByName(name)
	if err != nil || br.Type() != "bridge" {
		return fmt.Errorf("bridge %s does not exist", name)
	}
	return nil
}

func masterName(h *netlink.Handle, l netlink.Link) string {
	if l.Attrs().MasterIndex == 0 {
		return ""
	}
	m, err := h.LinkByIndex(l.Attrs().MasterIndex)
	if err != nil {
		return ""
	}
	return m.Attrs().Name
}

func (a *linkSet) check(x *execCtx) error {
	h, where := x.h, x.node.Name
	if a.netns != "" {
		o, err := x.other(a.netns)
		if err != nil {
			return fmt.Errorf("namespace %s does not exist", a.netns)
		}
		h, where = o.h, a.netns
	}
	name := a.dev
	if a.newName != "" {
		name = a.newName
	}
	l, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("interface %s is not in %s", name, where)
	}
	at := l.Attrs()
	if a.up != nil && (at.Flags&net.FlagUp != 0) != *a.up {
		return fmt.Errorf("interface %s on %s is %s, should be %s", name, where, upDown(at.Flags&net.FlagUp != 0), upDown(*a.up))
	}
	if a.master != nil {
		if got := masterName(h, l); got != *a.master {
			if *a.master == "" {
				return fmt.Errorf("interface %s on %s is still attached to %s", name, where, got)
			}
			return fmt.Errorf("interface %s on %s is not attached to bridge %s", name, where, *a.master)
		}
	}
	if a.promisc != nil && userPromisc(at) != *a.promisc {
		return fmt.Errorf("promiscuous mode of %s on %s is not %s", name, where, map[bool]string{true: "on", false: "off"}[*a.promisc])
	}
	if a.mtu != 0 && at.MTU != a.mtu {
		return fmt.Errorf("MTU of %s on %s is %d, not %d", name, where, at.MTU, a.mtu)
	}
	if a.mac != nil && !bytes.Equal(at.HardwareAddr, a.mac) {
		return fmt.Errorf("MAC address of %s on %s is %s, not %s", name, where, at.HardwareAddr, a.mac)
	}
	return nil
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// linkDel is "ip link del" (and "brctl delbr").
type linkDel struct {
	dev        string
	bridgeOnly bool
}

func (a *linkDel) mutating() bool { return true }

func (a *linkDel) run(x *execCtx) (string, error) {
	l, err := x.h.LinkByName(a.dev)
	if err != nil {
		if a.bridgeOnly {
			return "", fmt.Errorf("bridge %s doesn't exist; can't delete it", a.dev)
		}
		return "", fmt.Errorf("Cannot find device %q", a.dev)
	}
	if a.bridgeOnly {
		if l.Type() != "bridge" {
			return "", fmt.Errorf("%s is not a bridge; can't delete it", a.dev)
		}
		if l.Attrs().Flags&net.FlagUp != 0 {
			return "", fmt.Errorf("bridge %s is still up; can't delete it", a.dev)
		}
	}
	if err := x.h.LinkDel(l); err != nil {
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *linkDel) check(x *execCtx) error {
	if _, err := x.h.LinkByName(a.dev); err == nil {
		return fmt.Errorf("interface %s still exists on %s", a.dev, x.node.Name)
	}
	return nil
}

func openNS(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open namespace %q: %w", path, err)
	}
	return fd, nil
}

// userPromisc reports promiscuous mode as set by "ip link set promisc on":
// the kernel's interface flags carry that one, while the promiscuity
// counter also counts packet sockets such as a running capture.
func userPromisc(at *netlink.LinkAttrs) bool { return at.RawFlags&unix.IFF_PROMISC != 0 }
