package engine

import (
	"bytes"
	"errors"
	"fmt"
	"net"

	"github.com/netlab/netlab/engine/cmdline"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// linkAdd runs "ip link add" (and "brctl addbr").
type linkAdd struct{ cmdline.LinkAdd }

// decides: a new link decides that it exists.
func (a *linkAdd) decides(node string) []string { return []string{node + "/" + a.Name + ":exists"} }

var macvlanModeOf = map[string]netlink.MacvlanMode{
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "private": netlink.MACVLAN_MODE_PRIVATE,
	"vepa": netlink.MACVLAN_MODE_VEPA, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
}

func (a *linkAdd) run(x *execCtx) (string, error) {
	attrs := netlink.NewLinkAttrs()
	attrs.Name = a.Name
	var l netlink.Link
	switch a.Kind {
	case "bridge":
		l = &netlink.Bridge{LinkAttrs: attrs}
	case "veth":
		v := &netlink.Veth{LinkAttrs: attrs, PeerName: a.Peer}
		if a.PeerNetns != "" {
			o, err := x.other(a.PeerNetns)
			if err != nil {
				return "", err
			}
			fd, err := openNS(o.node.Path)
			if err != nil {
				return "", err
			}
			defer unix.Close(fd)
			v.PeerNamespace = netlink.NsFd(fd)
		} else if _, err := x.h.LinkByName(a.Peer); err == nil {
			return "", errors.New("RTNETLINK answers: File exists")
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
				return "", err
			}
			v.VtepDevIndex = d.Attrs().Index
		}
		l = v
	case "macvlan":
		p, err := x.link(a.Parent)
		if err != nil {
			return "", err
		}
		attrs.ParentIndex = p.Attrs().Index
		l = &netlink.Macvlan{LinkAttrs: attrs, Mode: macvlanModeOf[a.Mode]}
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
	l, err := x.h.LinkByName(a.Name)
	if err != nil {
		return fmt.Errorf("interface %s does not exist on %s", a.Name, x.node.Name)
	}
	if l.Type() != a.Kind {
		return fmt.Errorf("interface %s on %s is a %s, not a %s", a.Name, x.node.Name, l.Type(), a.Kind)
	}
	return nil
}

// linkSet runs "ip link set" (and brctl addif/delif, ifconfig flags).
type linkSet struct{ cmdline.LinkSet }

// decides: each attribute set, and the link's whole name when it moves or
// is renamed (it is no longer here under that name).
func (a *linkSet) decides(node string) []string {
	var fs []string
	if a.Netns != "" || a.NewName != "" {
		fs = append(fs, node+"/"+a.Dev)
	}
	for _, f := range a.fields() {
		fs = append(fs, node+"/"+a.Dev+":"+f)
	}
	return fs
}

func (a *linkSet) run(x *execCtx) (string, error) {
	l, err := x.link(a.Dev)
	if err != nil {
		return "", err
	}
	h := x.h
	if a.Netns != "" {
		o, err := x.other(a.Netns)
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
		if l, err = o.h.LinkByName(a.Dev); err != nil {
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
	if a.NewName != "" {
		if err := wrap(h.LinkSetName(l, a.NewName)); err != nil {
			return "", err
		}
	}
	if a.MTU != 0 {
		if err := wrap(h.LinkSetMTU(l, a.MTU)); err != nil {
			return "", err
		}
	}
	if a.MAC != nil {
		if err := wrap(h.LinkSetHardwareAddr(l, a.MAC)); err != nil {
			return "", err
		}
	}
	if a.Promisc != nil {
		f := h.SetPromiscOff
		if *a.Promisc {
			f = h.SetPromiscOn
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	if a.Master != nil {
		if *a.Master == "" {
			if a.FromBridge != "" {
				if err := x.requireBridge(a.FromBridge); err != nil {
					return "", err
				}
				if l.Attrs().MasterIndex == 0 || masterName(h, l) != a.FromBridge {
					return "", fmt.Errorf("device %s is not a slave of %s", a.Dev, a.FromBridge)
				}
			}
			if err := wrap(h.LinkSetNoMaster(l)); err != nil {
				return "", err
			}
		} else {
			br, err := h.LinkByName(*a.Master)
			if err != nil {
				return "", fmt.Errorf("bridge %s does not exist", *a.Master)
			}
			if br.Type() != "bridge" {
				return "", fmt.Errorf("%s is a %s, not a bridge", *a.Master, br.Type())
			}
			if err := wrap(h.LinkSetMasterByIndex(l, br.Attrs().Index)); err != nil {
				return "", err
			}
		}
	}
	if a.Up != nil {
		f := h.LinkSetDown
		if *a.Up {
			f = h.LinkSetUp
		}
		if err := wrap(f(l)); err != nil {
			return "", err
		}
	}
	return "", nil
}

// fields lists which attributes the action sets, as the names of what it decides.
func (a *linkSet) fields() []string {
	var fs []string
	if a.Up != nil {
		fs = append(fs, "up")
	}
	if a.Master != nil {
		fs = append(fs, "master")
	}
	if a.Promisc != nil {
		fs = append(fs, "promisc")
	}
	if a.MTU != 0 {
		fs = append(fs, "mtu")
	}
	if a.MAC != nil {
		fs = append(fs, "mac")
	}
	return fs
}

// clear forgets one attribute, so a check no longer asks for it.
func (a *linkSet) clear(field string) {
	switch field {
	case "up":
		a.Up = nil
	case "master":
		a.Master = nil
	case "promisc":
		a.Promisc = nil
	case "mtu":
		a.MTU = 0
	case "mac":
		a.MAC = nil
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
	if a.Netns != "" {
		o, err := x.other(a.Netns)
		if err != nil {
			return fmt.Errorf("namespace %s does not exist", a.Netns)
		}
		h, where = o.h, a.Netns
	}
	name := a.Dev
	if a.NewName != "" {
		name = a.NewName
	}
	l, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("interface %s is not in %s", name, where)
	}
	at := l.Attrs()
	if a.Up != nil && (at.Flags&net.FlagUp != 0) != *a.Up {
		return fmt.Errorf("interface %s on %s is %s, should be %s", name, where, upDown(at.Flags&net.FlagUp != 0), upDown(*a.Up))
	}
	if a.Master != nil {
		if got := masterName(h, l); got != *a.Master {
			if *a.Master == "" {
				return fmt.Errorf("interface %s on %s is still attached to %s", name, where, got)
			}
			return fmt.Errorf("interface %s on %s is not attached to bridge %s", name, where, *a.Master)
		}
	}
	if a.Promisc != nil && userPromisc(at) != *a.Promisc {
		return fmt.Errorf("promiscuous mode of %s on %s is not %s", name, where, map[bool]string{true: "on", false: "off"}[*a.Promisc])
	}
	if a.MTU != 0 && at.MTU != a.MTU {
		return fmt.Errorf("MTU of %s on %s is %d, not %d", name, where, at.MTU, a.MTU)
	}
	if a.MAC != nil && !bytes.Equal(at.HardwareAddr, a.MAC) {
		return fmt.Errorf("MAC address of %s on %s is %s, not %s", name, where, at.HardwareAddr, a.MAC)
	}
	return nil
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// linkDel runs "ip link del" (and "brctl delbr").
type linkDel struct{ cmdline.LinkDel }

// decides: deleting a link decides everything about it.
func (a *linkDel) decides(node string) []string { return []string{node + "/" + a.Dev} }

func (a *linkDel) run(x *execCtx) (string, error) {
	l, err := x.h.LinkByName(a.Dev)
	if err != nil {
		if a.BridgeOnly {
			return "", fmt.Errorf("bridge %s doesn't exist; can't delete it", a.Dev)
		}
		return "", fmt.Errorf("Cannot find device %q", a.Dev)
	}
	if a.BridgeOnly {
		if l.Type() != "bridge" {
			return "", fmt.Errorf("%s is not a bridge; can't delete it", a.Dev)
		}
		if l.Attrs().Flags&net.FlagUp != 0 {
			return "", fmt.Errorf("bridge %s is still up; can't delete it", a.Dev)
		}
	}
	if err := x.h.LinkDel(l); err != nil {
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *linkDel) check(x *execCtx) error {
	if _, err := x.h.LinkByName(a.Dev); err == nil {
		return fmt.Errorf("interface %s still exists on %s", a.Dev, x.node.Name)
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
