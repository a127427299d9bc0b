package engine

// This file holds the route as a kernel object: the IPv4 routes of a
// node's main table. "ip route add|del" adds or removes one and checks
// that it did. A snapshot records each as "ip route" prints it; undo
// removes the routes a step added and adds back the ones it removed.

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

// routeOp runs "ip route add|del".
type routeOp struct{ cmdline.Route }

// decides: the route to its destination.
func (a *routeOp) decides(node string) []string { return []string{node + ":route " + a.dstText()} }

// dstText is the destination as "ip route" prints it.
func (a *routeOp) dstText() string {
	if a.Dst == nil {
		return "default"
	}
	return a.Dst.String()
}

// route is the netlink route the command names.
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
	if a.OnLink {
		r.Flags = int(netlink.FLAG_ONLINK)
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
	case errors.Is(err, unix.ENETUNREACH), a.OnLink && errors.Is(err, unix.EINVAL):
		return "", errors.New("Error: Nexthop has invalid gateway.")
	case errors.Is(err, unix.ENETDOWN):
		return "", errors.New("Error: Nexthop device is not up.")
	case errors.Is(err, unix.ESRCH):
		return "", errors.New("RTNETLINK answers: No such process")
	}
	return "", fmt.Errorf("RTNETLINK answers: %w", err)
}

// present reports whether the node has a route the command names.
func (a *routeOp) present(x *execCtx) (bool, error) {
	routes, err := x.routeList(nil, netlink.FAMILY_V4)
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
		if a.Add && a.OnLink && r.Flags&unix.RTNH_F_ONLINK == 0 {
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
	if a.OnLink {
		desc += " onlink"
	}
	if a.Add && !ok {
		return problem("check.route.missing", "{{.Node}} has no route {{.Route}}", "Node", x.node.Name, "Route", desc)
	}
	if !a.Add && ok {
		return problem("check.route.still", "{{.Node}} still has the route {{.Route}}", "Node", x.node.Name, "Route", desc)
	}
	return nil
}

// ipnetString is a destination as "ip route" prints it ("default" for
// none or 0.0.0.0/0).
func ipnetString(n *net.IPNet) string {
	if isDefault(n) {
		return "default"
	}
	return n.String()
}

// isDefault reports whether n is the default destination.
func isDefault(n *net.IPNet) bool {
	if n == nil {
		return true
	}
	ones, _ := n.Mask.Size()
	return ones == 0 && n.IP.IsUnspecified()
}

// routeObject is a node's IPv4 routes.
type routeObject struct{}

func (routeObject) kind() string { return "route" }

func (routeObject) read(r *nodeReader, ns *NodeSnap) error {
	routes, err := r.routeList()
	if err != nil {
		return err
	}
	for _, rt := range routes {
		ns.Routes = append(ns.Routes, routeSnap(rt, r.names[r.node.Name]))
	}
	sort.Slice(ns.Routes, func(i, j int) bool { return ns.Routes[i].Text < ns.Routes[j].Text })
	return nil
}

func (routeObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	for _, r := range n.Routes {
		fs = append(fs, fact{node, "route", r.Text, r.Text, ""})
	}
	return fs
}

func (routeObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	if err := setRoutes(x, w); err != nil {
		rc.fail(fmt.Errorf("%s: %w", name, err))
	}
	return nil
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
	rs.OnLink = r.Flags&unix.RTNH_F_ONLINK != 0
	return rs
}

// setRoutes makes the node's routes w's. Routes the kernel makes for an
// address (proto kernel) follow their address, set just before.
func setRoutes(x *execCtx, w *NodeSnap) error {
	routes, err := x.routeList(nil, netlink.FAMILY_V4)
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
		if r.OnLink {
			route.Flags = int(netlink.FLAG_ONLINK)
		}
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
