package cmdline

// parseAddr reads "ip addr [add|del|show] ...".
func parseAddr(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.add(&Show{What: "addr", Brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add" || verb.s == "del" || verb.s == "delete":
		cidr, _, err := w.cidr("an address like 192.168.88.1/24", verb.s != "add")
		if err != nil {
			return err
		}
		a := &Addr{Add: verb.s == "add", CIDR: cidr}
		for w.more() {
			o := w.next()
			switch o.s {
			case "dev":
				if a.Dev, a.DevCol, err = w.ifName("an interface after dev"); err != nil {
					return err
				}
			case "brd", "broadcast":
				v, err := w.need("a broadcast address or +")
				if err != nil {
					return err
				}
				if v.s == "+" {
					a.Brd = broadcastOf(cidr)
				} else if a.Brd, err = parseIP4(v); err != nil {
					return err
				}
			default:
				return errAt(o, "unknown ip addr option %q (dev, brd)", o.s)
			}
		}
		if a.Dev == "" {
			_, err := w.need("\"dev NAME\"")
			return err
		}
		cmd.add(a)
		return nil
	case isShow(verb.s):
		return parseShowTail(cmd, w, "addr", brief)
	}
	return errAt(verb, "unknown ip addr command %q (add, del, show)", verb.s)
}
