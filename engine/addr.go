package engine

import (
	"errors"
	"fmt"
	"net"

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
		addrs, err := x.h.AddrList(l, familyOf(a.CIDR.IP))
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
		return fmt.Errorf("interface %s does not exist on %s", a.Dev, x.node.Name)
	}
	addrs, err := x.h.AddrList(l, familyOf(a.CIDR.IP))
	if err != nil {
		return err
	}
	for _, ad := range addrs {
		if ad.IP.Equal(a.CIDR.IP) && (!a.Add || ad.Mask.String() == a.CIDR.Mask.String()) {
			if a.Add {
				return nil
			}
			return fmt.Errorf("%s still has address %s", a.Dev, ad.IPNet)
		}
	}
	if a.Add {
		return fmt.Errorf("%s on %s does not have address %s", a.Dev, x.node.Name, a.CIDR)
	}
	return nil
}

func familyOf(ip net.IP) int {
	if ip.To4() != nil {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

// routeOp runs "ip route add|del".
type routeOp struct{ cmdline.Route }

// decides: the route to its destination.
func (a *routeOp) decides(node string) []string { return []string{node + ":route " + a.dstText()} }

func (a *routeOp) dstText() string {
	if a.Dst == nil {
		return "default"
	}
	return a.Dst.String()
}

func (a *routeOp) route(x *execCtx) (*netlink.Route, error) {
	r := &netlink.Route{Dst: a.Dst, Gw: a.Via}
	if a.Dev != "" {
		l, err := x.link(a.Dev)
		if err != nil {
			return nil, err
		}
		r.LinkIndex = l.Attrs().Index
	}
	if a.Via == nil {
		r.Scope = netlink.SCOPE_LINK
	}
	return r, nil
}

func (a *routeOp) run(x *execCtx) (string, error) {
	r, err := a.route(x)
	if err != nil {
		return "", err
	}
	if a.Add {
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
		if ipnetString(r.Dst) != a.dstText() && !(a.Dst == nil && isDefault(r.Dst)) {
			continue
		}
		if a.Via != nil && !r.Gw.Equal(a.Via) {
			continue
		}
		if a.Dev != "" {
			l, err := x.h.LinkByIndex(r.LinkIndex)
			if err != nil || l.Attrs().Name != a.Dev {
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
	if a.Via != nil {
		desc += " via " + a.Via.String()
	}
	if a.Dev != "" {
		desc += " dev " + a.Dev
	}
	if a.Add && !ok {
		return fmt.Errorf("%s has no route %s", x.node.Name, desc)
	}
	if !a.Add && ok {
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
