package cmdline

// fdbStates are the state words "bridge fdb add" takes, as iproute2
// spells them; "local" and "temp" are its older names for two of them.
var fdbStates = map[string]string{"permanent": "permanent", "local": "permanent", "static": "static", "temp": "static", "dynamic": "dynamic"}

// parseBridge reads the bridge program's two objects:
//
//	bridge fdb add|append|del|replace ADDR dev DEV [dst IP] [self] [master]
//	           [permanent|static|dynamic] [vni N] [port P] [via DEV]
//	bridge fdb [show] [dev DEV] [br BRIDGE]
//	bridge link [show] [dev DEV]
func parseBridge(cmd *Command, w *words, _ bool) error {
	obj, err := w.need("a bridge object (fdb or link)")
	if err != nil {
		return err
	}
	switch obj.s {
	case "fdb":
		return parseFdb(cmd, w)
	case "link":
		if w.more() && isShow(w.peek().s) {
			w.next()
		}
		a := &BridgeLinkShow{}
		for w.more() {
			o := w.next()
			if o.s != "dev" {
				return errAt(o, "unknown bridge link show option %q (dev)", o.s)
			}
			if a.Dev, a.DevCol, err = w.ifName("an interface after dev"); err != nil {
				return err
			}
		}
		cmd.add(a)
		return nil
	}
	return errAt(obj, "unknown bridge object %q (fdb, link)", obj.s)
}

// parseFdb reads "bridge fdb ..." after the object's name. As in
// iproute2, an entry goes in the device's own table (self) unless master
// says otherwise, and is permanent unless static or dynamic says
// otherwise.
func parseFdb(cmd *Command, w *words) error {
	if !w.more() || isShow(w.peek().s) {
		if w.more() {
			w.next()
		}
		return parseFdbShow(cmd, w)
	}
	verb := w.next()
	f := &Fdb{Verb: verb.s, State: "permanent"}
	switch verb.s {
	case "add", "append", "replace":
	case "del", "delete":
		f.Verb = "del"
	default:
		return errAt(verb, "unknown bridge fdb command %q (add, append, del, replace, show)", verb.s)
	}
	var err error
	stated := false
	for w.more() {
		o := w.next()
		switch o.s {
		case "dev":
			if f.Dev, f.DevCol, err = w.ifName("an interface after dev"); err != nil {
				return err
			}
		case "dst":
			if f.Dst != nil {
				return errAt(o, "dst given twice")
			}
			if f.Dst, _, err = w.ip4("the remote's IPv4 address after dst"); err != nil {
				return err
			}
		case "via":
			if f.Via, f.ViaCol, err = w.ifName("an interface after via"); err != nil {
				return err
			}
		case "self":
			f.Self = true
		case "master":
			f.Master = true
		case "permanent", "local", "static", "temp", "dynamic":
			if stated {
				return errAt(o, "a second state %q (one of permanent, static, dynamic)", o.s)
			}
			f.State, stated = fdbStates[o.s], true
		case "vni":
			if f.VNI, _, err = w.uint("a VNI after vni", "VNI", 1<<24-1); err != nil {
				return err
			}
			if f.VNI == 0 {
				return errAt(w.toks[w.i-1], "VNI 0 is not supported here (1 to 16777215)")
			}
		case "port":
			if f.Port, _, err = w.uint("a UDP port after port", "UDP port", 65535); err != nil {
				return err
			}
			if f.Port == 0 {
				return errAt(w.toks[w.i-1], "port 0 is not a UDP port")
			}
		default:
			if o.s == "to" {
				if o, err = w.need("a MAC address after to"); err != nil {
					return err
				}
			}
			if f.MAC != nil {
				return errAt(o, "unknown bridge fdb option %q (dev, dst, self, master, permanent, static, dynamic, vni, port, via)", o.s)
			}
			w.i--
			if f.MAC, err = w.mac("a MAC address"); err != nil {
				return errAt(o, "%q is not a MAC address nor a bridge fdb option (dev, dst, self, master, permanent, static, dynamic, vni, port, via)", o.s)
			}
		}
	}
	if f.MAC == nil {
		_, err := w.need("the entry's MAC address")
		return err
	}
	if f.Dev == "" {
		_, err := w.need("\"dev NAME\": the interface the entry belongs to")
		return err
	}
	if !f.Self && !f.Master {
		f.Self = true
	}
	cmd.add(f)
	return nil
}

// parseFdbShow reads "bridge fdb show [dev DEV] [br BRIDGE]".
func parseFdbShow(cmd *Command, w *words) error {
	a := &FdbShow{}
	var err error
	for w.more() {
		o := w.next()
		switch o.s {
		case "dev", "brport":
			if a.Dev, a.DevCol, err = w.ifName("an interface after " + o.s); err != nil {
				return err
			}
		case "br":
			if a.Bridge, a.BridgeCol, err = w.ifName("a bridge after br"); err != nil {
				return err
			}
		default:
			return errAt(o, "unknown bridge fdb show option %q (dev, br)", o.s)
		}
	}
	cmd.add(a)
	return nil
}
