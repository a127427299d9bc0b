package cmdline

import (
	"net"
	"strings"
)

// parseIfconfig reads "ifconfig [-a]", "ifconfig DEV" and
// "ifconfig DEV [ADDR[/N]] [netmask M] [broadcast B] [up|down] ...": an
// address and link settings, in ifconfig's grammar.
func parseIfconfig(cmd *Command, w *words, _ bool) error {
	if !w.more() || w.peek().s == "-a" {
		all := w.more()
		if all {
			w.next()
		}
		cmd.add(&IfconfigShow{All: all})
		return w.trailing()
	}
	dt := w.next()
	dev, err := parseIfName(dt)
	if err != nil {
		return err
	}
	if !w.more() {
		cmd.add(&IfconfigShow{Dev: dev, DevCol: dt.col})
		return nil
	}
	var addr *Addr
	set := &LinkSet{Dev: dev, DevCol: dt.col}
	for w.more() {
		t := w.next()
		switch t.s {
		case "up", "down":
			up := t.s == "up"
			set.Up = &up
		case "promisc", "-promisc":
			on := t.s == "promisc"
			set.Promisc = &on
		case "mtu":
			if set.MTU, _, err = w.uint("an MTU", "MTU", 65535); err != nil {
				return err
			}
		case "netmask":
			v, err := w.need("a netmask like 255.255.255.0")
			if err != nil {
				return err
			}
			if addr == nil {
				return errAt(t, "netmask needs an address before it")
			}
			m := net.ParseIP(v.s).To4()
			ones, bits := net.IPMask(m).Size()
			if m == nil || bits != 32 {
				return errAt(v, "%q is not a valid netmask", v.s)
			}
			addr.CIDR.Mask = net.CIDRMask(ones, 32)
			addr.Brd = broadcastOf(addr.CIDR)
		case "broadcast":
			v, err := w.need("a broadcast address")
			if err != nil {
				return err
			}
			if addr == nil {
				return errAt(t, "broadcast needs an address before it")
			}
			if addr.Brd, err = parseIP4(v); err != nil {
				return err
			}
		case "hw":
			c, err := w.need("ether")
			if err != nil {
				return err
			}
			if c.s != "ether" {
				return errAt(c, "only \"hw ether MAC\" is supported")
			}
			if set.MAC, err = w.mac("a MAC address"); err != nil {
				return err
			}
		default:
			if addr != nil {
				return errAt(t, "unexpected %q", t.s)
			}
			cidr, err := parseCIDR(t, true)
			if err != nil {
				return err
			}
			if cidr.IP.To4() == nil {
				return errAt(t, "ifconfig here sets IPv4 addresses only")
			}
			if !strings.Contains(t.s, "/") {
				cidr.Mask = classfulMask(cidr.IP)
			}
			addr = &Addr{Add: true, CIDR: cidr, Dev: dev, Brd: broadcastOf(cidr), Primary: true, DevCol: dt.col}
		}
	}
	if addr != nil {
		cmd.add(addr)
	}
	if set.Up != nil || set.Promisc != nil || set.MTU != 0 || set.MAC != nil {
		cmd.add(set)
	}
	return nil
}

// classfulMask is the mask ifconfig assumes for an address given without one.
func classfulMask(ip net.IP) net.IPMask {
	switch ip4 := ip.To4(); {
	case ip4[0] < 128:
		return net.CIDRMask(8, 32)
	case ip4[0] < 192:
		return net.CIDRMask(16, 32)
	}
	return net.CIDRMask(24, 32)
}
