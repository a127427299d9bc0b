package cmdline

import "net"

// parseRoute reads "ip route [add|del|show] ...":
//
//	ip route add|del default|PREFIX [via GATEWAY] [dev NAME] [onlink]
func parseRoute(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.add(&Show{What: "route", Brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add" || verb.s == "del" || verb.s == "delete":
		t, err := w.need("a destination (default or a prefix like 10.0.0.0/24)")
		if err != nil {
			return err
		}
		a := &Route{Add: verb.s == "add"}
		if t.s != "default" {
			if a.Dst, err = parseCIDR(t, true); err != nil {
				return err
			}
			if a.Dst.IP.To4() == nil {
				return errAt(t, "netlab routes IPv4 only; %q is not IPv4", t.s)
			}
			if !a.Dst.IP.Equal(a.Dst.IP.Mask(a.Dst.Mask)) {
				return errAt(t, "%q has host bits set; did you mean %s?", t.s, (&net.IPNet{IP: a.Dst.IP.Mask(a.Dst.Mask), Mask: a.Dst.Mask}).String())
			}
		}
		for w.more() {
			o := w.next()
			switch o.s {
			case "via":
				if a.Via, _, err = w.ip4("a gateway address after via"); err != nil {
					return err
				}
			case "dev":
				if a.Dev, a.DevCol, err = w.ifName("an interface after dev"); err != nil {
					return err
				}
			case "onlink":
				a.OnLink = true
			default:
				return errAt(o, "unknown ip route option %q (via, dev, onlink)", o.s)
			}
		}
		if a.Add && a.Via == nil && a.Dev == "" {
			_, err := w.need("\"via GATEWAY\" or \"dev NAME\"")
			return err
		}
		cmd.add(a)
		return nil
	case isShow(verb.s):
		return parseShowTail(cmd, w, "route", brief)
	}
	return errAt(verb, "unknown ip route command %q (add, del, show)", verb.s)
}
