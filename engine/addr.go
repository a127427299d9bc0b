package engine

import (
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// addrOp is "ip addr add|del A/P dev NAME" and ifconfig's address form.
type addrOp struct {
	add     bool
	cidr    *net.IPNet
	dev     string
	brd     net.IP
	primary bool // ifconfig: replace the interface's primary IPv4 address
}

func (a *addrOp) mutating() bool { return true }

func (a *addrOp) run(x *execCtx) (string, error) {
	l, err := x.link(a.dev)
	if err != nil {
		return "", err
	}
	if !a.add {
		addrs, err := x.h.AddrList(l, familyOf(a.cidr.IP))
		if err != nil {
			return "", err
		}
		for _, ad := range addrs {
			ones, _ := a.cidr.Mask.Size()
			got, _ := ad.Mask.Size()
			if ad.IP.Equal(a.cidr.IP) && (ones == got || ones == 32) {
				if err := x.h.AddrDel(l, &ad); err != nil {
					return "", fmt.Errorf("RTNETLINK answers: %w", err)
				}
				return "", nil
			}
		}
		return "", errors.New("RTNETLINK answers: Cannot assign requested address")
	}
	if a.primary {
		addrs, err := x.h.AddrList(l, netlink.FAMILY_V4)
		if err != nil {
			return "", err
		}
		if len(addrs) > 0 {
			if err := x.h.AddrDel(l, &addrs[0]); err != nil {
				return "", fmt.Errorf("SIOCSIFADDR: %w", err)
			}
		}
	}
	addr := &netlink.Addr{IPNet: a.cidr, Broadcast: a.brd}
	if err := x.h.AddrAdd(l, addr); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return "", errors.New("Error: ipv4: Address already assigned.")
		}
		return "", fmt.Errorf("RTNETLINK answers: %w", err)
	}
	return "", nil
}

func (a *addrOp) check(x *execCtx) error {
	l, err := x.h.LinkByName(a.dev)
	if err != nil {
		return fmt.Errorf("interface %s does not exist on %s", a.dev, x.node.Name)
	}
	addrs, err := x.h.AddrList(l, familyOf(a.cidr.IP))
	if err != nil {
		return err
	}
	for _, ad := range addrs {
		if ad.IP.Equal(a.cidr.IP) && (!a.add || ad.Mask.String() == a.cidr.Mask.String()) {
			if a.add {
				return nil
			}
			return fmt.Errorf("%s still has address %s", a.dev, ad.IPNet)
		}
	}
	if a.add {
		return fmt.Errorf("%s on %s does not have address %s", a.dev, x.node.Name, a.cidr)
	}
	return nil
}

func familyOf(ip net.IP) int {
	if ip.To4() != nil {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

// routeOp is "ip route add|del".
type routeOp struct {
	add bool
	dst *net.IPNet // nil: default
	via net.IP
	dev string
}

func (a *routeOp) mutating() bool { return true }

func (a *routeOp) dstText() string {
	if a.dst == nil {
		return "default"
	}
	return a.dst.String()
}

func (a *routeOp) route(x *execCtx) (*netlink.Route, error) {
	r := &netlink.Route{Dst: a.dst, Gw: a.via}
	if a.dev != "" {
		l, err := x.link(a.dev)
		if err != nil {
			return nil, err
		}
		r.LinkIndex = l.Attrs().Index
	}
	if a.via == nil {
		r.Scope = netlink.SCOPE_LINK
	}
	return r, nil
}

func (a *routeOp) run(x *execCtx) (string, error) {
	r, err := a.route(x)
	if err != nil {
		return "", err
	}
	if a.add {
		err = x.h.RouteAdd(r)
	} else {
		r.Scope = netlink.SCOPE_NOWHERE
		err = x.h.RouteDel(r)
	}
	switch {
	case err == nil:
		return "", nil
	case errors.Is(err, unix.EEXIST):
		return "", errors.New("RTNETLINK answers: File exists")
	case errors.Is(err, unix.ENETUNREACH):
		return "", errors.New("Error: Nexthop has invalid gateway.")
	case errors.Is(err, unix.ESRCH):
		return "", errors.New("RTNETLINK answers: No such process")
	}
	return "", fmt.Errorf("RTNETLINK answers: %w", err)
}

func (a *routeOp) present(x *execCtx) (bool, error) {
	routes, err := x.h.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return false, err
	}
	for _, r := range routes {
		if ipnetString(r.Dst) != a.dstText() && !(a.dst == nil && isDefault(r.Dst)) {
			continue
		}
		if a.via != nil && !r.Gw.Equal(a.via) {
			continue
		}
		if a.dev != "" {
			l, err := x.h.LinkByIndex(r.LinkIndex)
			if err != nil || l.Attrs().Name != a.dev {
				continue
			}
		}
		return true, nil
	}
	return false, nil
}

func (a *routeOp) check(x *execCtx) error {
	ok, err := a.present(x)
	if err != nil {
		return err
	}
	desc := a.dstText()
	if a.via != nil {
		desc += " via " + a.via.String()
	}
	if a.dev != "" {
		desc += " dev " + a.dev
	}
	if a.add && !ok {
		return fmt.Errorf("%s has no route %s", x.node.Name, desc)
	}
	if !a.add && ok {
		return fmt.Errorf("%s still has the route %s", x.node.Name, desc)
	}
	return nil
}

func ipnetString(n *net.IPNet) string {
	if isDefault(n) {
		return "default"
	}
	return n.String()
}

func isDefault(n *net.IPNet) bool {
	if n == nil {
		return true
	}
	ones, _ := n.Mask.Size()
	return ones == 0 && n.IP.IsUnspecified()
}
