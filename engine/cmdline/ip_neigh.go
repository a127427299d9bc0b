package cmdline

// neighStates are the nud words netlab accepts, as iproute2 spells them.
var neighStates = map[string]bool{"permanent": true, "reachable": true, "stale": true, "noarp": true}

// parseNeigh reads "ip neigh [add|replace|change|del|show] ...":
//
//	ip neigh add|replace|change ADDR lladdr MAC [nud STATE] dev DEV
//	ip neigh del ADDR dev DEV
//	ip neigh flush dev DEV|all [nud STATE|all]
//	ip neigh [show] [[dev] DEV]
//
// As in iproute2, an entry added without nud is permanent, and flush
// leaves permanent and noarp entries alone unless nud asks for them.
func parseNeigh(cmd *Command, w *words, brief bool) error {
	if !w.more() || isShow(w.peek().s) {
		return parseShowTail(cmd, w, "neigh", brief)
	}
	if w.peek().s == "dev" {
		return parseShowTail(cmd, w, "neigh", brief)
	}
	verb := w.peek()
	var n *Neigh
	switch verb.s {
	case "add", "replace", "change":
		n = &Neigh{Verb: verb.s, State: "permanent"}
	case "del", "delete":
		n = &Neigh{Verb: "del"}
	case "flush":
		w.next()
		return parseNeighFlush(cmd, w, verb)
	default:
		// "ip neigh br01" shows br01's neighbours, as before.
		return parseShowTail(cmd, w, "neigh", brief)
	}
	w.next()
	var err error
	var addr token
	if n.Addr, addr, err = w.ip4("a neighbour's IPv4 address"); err != nil {
		return err
	}
	for w.more() {
		o := w.next()
		switch {
		case o.s == "lladdr" && n.Verb != "del":
			if n.LLAddr, err = w.mac("a MAC address after lladdr"); err != nil {
				return err
			}
		case o.s == "nud" && n.Verb != "del":
			t, err := w.need("a state after nud (permanent, reachable, stale or noarp)")
			if err != nil {
				return err
			}
			if !neighStates[t.s] {
				return errAt(t, "unknown neighbour state %q (permanent, reachable, stale, noarp)", t.s)
			}
			n.State = t.s
		case o.s == "dev":
			if n.Dev, n.DevCol, err = w.ifName("an interface after dev"); err != nil {
				return err
			}
		default:
			if n.Verb == "del" {
				return errAt(o, "unknown ip neigh del option %q (dev)", o.s)
			}
			return errAt(o, "unknown ip neigh option %q (lladdr, nud, dev)", o.s)
		}
	}
	if n.Dev == "" {
		_, err := w.need("\"dev NAME\": the interface the entry belongs to")
		return err
	}
	if n.Verb != "del" && n.LLAddr == nil && n.State != "noarp" {
		return errAt(addr, "ip neigh %s %s needs \"lladdr MAC\"", n.Verb, n.Addr)
	}
	cmd.add(n)
	return nil
}

// parseNeighFlush reads what follows "ip neigh flush": a device or "all"
// (iproute2's prefix that matches every address), and at most one nud.
func parseNeighFlush(cmd *Command, w *words, verb token) error {
	if !w.more() {
		return errAt(verb, "ip neigh flush needs arguments: \"dev NAME\" or \"all\"")
	}
	n := &Neigh{Verb: "flush"}
	all := false
	for w.more() {
		o := w.next()
		switch {
		case o.s == "dev" && n.Dev == "":
			var err error
			if n.Dev, n.DevCol, err = w.ifName("an interface after dev"); err != nil {
				return err
			}
		case o.s == "all" && !all:
			all = true
		case o.s == "nud" && n.State == "":
			t, err := w.need("a state after nud (permanent, reachable, stale, noarp or all)")
			if err != nil {
				return err
			}
			if !neighStates[t.s] && t.s != "all" {
				return errAt(t, "unknown neighbour state %q (permanent, reachable, stale, noarp, all)", t.s)
			}
			n.State = t.s
		default:
			return errAt(o, "unknown ip neigh flush option %q (dev, all, nud)", o.s)
		}
	}
	if n.Dev == "" && !all {
		return errAt(verb, "ip neigh flush needs \"dev NAME\" or \"all\"")
	}
	cmd.add(n)
	return nil
}
