package engine

import (
	"net"
)

// parseIP handles "ip [-br] OBJECT ...". top is false inside "ip netns
// exec", where a second exec is refused.
func parseIP(cmd *Command, w *words, top bool) error {
	brief := false
	for w.more() && len(w.peek().s) > 1 && w.peek().s[0] == '-' {
		t := w.next()
		switch t.s {
		case "-br", "-brief", "--brief":
			brief = true
		case "-4":
		default:
			return errAt(t, "unsupported ip option %q (netlab knows -br and -4)", t.s)
		}
	}
	obj, err := w.need("an object: netns, link, addr, route or neigh")
	if err != nil {
		return err
	}
	switch {
	case obj.s == "netns":
		return parseNetns(cmd, w, top)
	case matches(obj.s, "link", 1):
		return parseLink(cmd, w, brief)
	case matches(obj.s, "address", 1) || obj.s == "addr":
		return parseAddr(cmd, w, brief)
	case matches(obj.s, "route", 1):
		return parseRoute(cmd, w, brief)
	case matches(obj.s, "neighbour", 1) || matches(obj.s, "neighbor", 5):
		return parseShowTail(cmd, w, "neigh", brief)
	}
	return errAt(obj, "unknown ip object %q (netlab knows netns, link, addr, route, neigh)", obj.s)
}

func parseNetns(cmd *Command, w *words, top bool) error {
	if !w.more() {
		cmd.Actions = append(cmd.Actions, &netnsList{})
		return nil
	}
	verb := w.next()
	switch verb.s {
	case "list", "ls", "show":
		cmd.Actions = append(cmd.Actions, &netnsList{})
		return trailing(w)
	case "add", "del", "delete":
		t, err := w.need("a namespace name")
		if err != nil {
			return err
		}
		name, err := parseNsName(t)
		if err != nil {
			return err
		}
		if verb.s == "add" {
			cmd.Actions = append(cmd.Actions, &netnsAdd{name: name})
		} else {
			cmd.Actions = append(cmd.Actions, &netnsDel{name: name})
		}
		return trailing(w)
	case "exec":
		if !top {
			return errAt(verb, "\"ip netns exec\" cannot be nested")
		}
		t, err := w.need("a namespace name")
		if err != nil {
			return err
		}
		if cmd.Netns, err = parseNsName(t); err != nil {
			return err
		}
		if !w.more() {
			_, err := w.need("a command to run in namespace " + cmd.Netns)
			return err
		}
		return parseInto(cmd, w, false)
	}
	return errAt(verb, "unknown ip netns command %q (add, del, list, exec)", verb.s)
}

func parseLink(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.Actions = append(cmd.Actions, &showAction{what: "link", brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add":
		return parseLinkAdd(cmd, w)
	case verb.s == "set":
		return parseLinkSet(cmd, w)
	case verb.s == "del" || verb.s == "delete":
		dev, err := devArg(w)
		if err != nil {
			return err
		}
		cmd.Actions = append(cmd.Actions, &linkDel{dev: dev})
		if w.more() && w.peek().s == "type" {
			w.next()
			if _, err := w.need("a link type"); err != nil {
				return err
			}
		}
		return trailing(w)
	case matches(verb.s, "show", 1) || verb.s == "list" || verb.s == "ls":
		return parseShowTail(cmd, w, "link", brief)
	}
	return errAt(verb, "unknown ip link command %q (add, set, del, show)", verb.s)
}

// devArg reads "[dev] NAME".
func devArg(w *words) (string, error) {
	t, err := w.need("an interface name")
	if err != nil {
		return "", err
	}
	if t.s == "dev" {
		if t, err = w.need("an interface name after \"dev\""); err != nil {
			return "", err
		}
	}
	return parseIfName(t)
}

var macvlanModes = map[string]bool{"bridge": true, "private": true, "vepa": true, "passthru": true}

func parseLinkAdd(cmd *Command, w *words) error {
	a := &linkAdd{}
	var nameTok token
	for w.more() && w.peek().s != "type" {
		t := w.next()
		switch t.s {
		case "link":
			p, err := w.need("a parent interface after \"link\"")
			if err != nil {
				return err
			}
			if a.parent, err = parseIfName(p); err != nil {
				return err
			}
		case "name", "dev":
			n, err := w.need("an interface name after " + `"` + t.s + `"`)
			if err != nil {
				return err
			}
			if a.name, err = parseIfName(n); err != nil {
				return err
			}
			nameTok = n
		default:
			if a.name != "" {
				return errAt(t, "unexpected %q (expected \"type\")", t.s)
			}
			var err error
			if a.name, err = parseIfName(t); err != nil {
				return err
			}
			nameTok = t
		}
	}
	if a.name == "" {
		return &ParseError{Col: w.peek().col, Word: clip(w.peek().s), Msg: "missing the new interface's name"}
	}
	_ = nameTok
	if _, err := w.need("\"type bridge|veth|vxlan|macvlan\""); err != nil {
		return err
	}
	kt, err := w.need("a link type (bridge, veth, vxlan, macvlan)")
	if err != nil {
		return err
	}
	a.kind = kt.s
	switch kt.s {
	case "bridge":
	case "veth":
		if err := parseVethPeer(a, w); err != nil {
			return err
		}
	case "vxlan":
		if err := parseVxlan(a, w, kt); err != nil {
			return err
		}
	case "macvlan":
		if a.parent == "" {
			return errAt(kt, "a macvlan needs its parent: ip link add link PARENT name NAME type macvlan mode bridge")
		}
		a.mode = "vepa"
		if w.more() {
			m := w.next()
			if m.s != "mode" {
				return errAt(m, "unexpected %q (expected \"mode\")", m.s)
			}
			mt, err := w.need("a macvlan mode (bridge, private, vepa, passthru)")
			if err != nil {
				return err
			}
			if !macvlanModes[mt.s] {
				return errAt(mt, "unknown macvlan mode %q (bridge, private, vepa, passthru)", mt.s)
			}
			a.mode = mt.s
		}
	default:
		return errAt(kt, "unsupported link type %q (netlab knows bridge, veth, vxlan, macvlan)", kt.s)
	}
	if a.parent != "" && a.kind != "macvlan" {
		return errAt(kt, "\"link PARENT\" is only used with type macvlan")
	}
	cmd.Actions = append(cmd.Actions, a)
	return trailing(w)
}

func parseVethPeer(a *linkAdd, w *words) error {
	p, err := w.need("\"peer name PEER\"")
	if err != nil {
		return err
	}
	if p.s != "peer" {
		return errAt(p, "unexpected %q (expected \"peer name PEER\")", p.s)
	}
	t, err := w.need("\"name PEER\" after \"peer\"")
	if err != nil {
		return err
	}
	if t.s == "name" {
		if t, err = w.need("the peer's name after \"name\""); err != nil {
			return err
		}
	} else if w.more() && w.peek().s != "netns" {
		return errAt(t, "unexpected %q (expected \"name\")", t.s)
	}
	if a.peer, err = parseIfName(t); err != nil {
		return err
	}
	if w.more() && w.peek().s == "netns" {
		w.next()
		n, err := w.need("a namespace after \"netns\"")
		if err != nil {
			return err
		}
		if a.peerNetns, err = parseNsName(n); err != nil {
			return err
		}
	}
	if a.peer == a.name && a.peerNetns == "" {
		return errAt(t, "the peer needs a name different from %q (or \"netns NS\" to put it in another namespace)", a.name)
	}
	return nil
}

func parseVxlan(a *linkAdd, w *words, kt token) error {
	a.vxlan = &vxlanSpec{port: 8472}
	haveID := false
	for w.more() {
		t := w.next()
		switch t.s {
		case "id", "vni":
			v, err := w.need("a VXLAN id")
			if err != nil {
				return err
			}
			if a.vxlan.id, err = parseUint(v, "VXLAN id", 1<<24-1); err != nil {
				return err
			}
			haveID = true
		case "dstport":
			v, err := w.need("a UDP port")
			if err != nil {
				return err
			}
			if a.vxlan.port, err = parseUint(v, "UDP port", 65535); err != nil {
				return err
			}
		case "local", "remote", "group":
			v, err := w.need("an IPv4 address after " + t.s)
			if err != nil {
				return err
			}
			ip, err := parseIP4(v)
			if err != nil {
				return err
			}
			switch t.s {
			case "local":
				a.vxlan.local = ip
			case "remote":
				a.vxlan.remote = ip
			default:
				if !ip.IsMulticast() {
					return errAt(v, "%q is not a multicast group address", v.s)
				}
				a.vxlan.group = ip
			}
		case "dev":
			v, err := w.need("an interface after dev")
			if err != nil {
				return err
			}
			if a.vxlan.dev, err = parseIfName(v); err != nil {
				return err
			}
		default:
			return errAt(t, "unknown vxlan option %q (id, dstport, local, remote, group, dev)", t.s)
		}
	}
	if !haveID {
		return errAt(kt, "a vxlan link needs \"id N\"")
	}
	if a.vxlan.remote != nil && a.vxlan.group != nil {
		return errAt(kt, "a vxlan link takes remote or group, not both")
	}
	return nil
}

func parseLinkSet(cmd *Command, w *words) error {
	dev, err := devArg(w)
	if err != nil {
		return err
	}
	a := &linkSet{dev: dev}
	if !w.more() {
		_, err := w.need("what to set (up, down, master BR, nomaster, netns NS, promisc on|off, name NEW, mtu N, address MAC)")
		return err
	}
	for w.more() {
		t := w.next()
		switch t.s {
		case "up", "down":
			up := t.s == "up"
			a.up = &up
		case "master":
			v, err := w.need("a bridge after master")
			if err != nil {
				return err
			}
			m, err := parseIfName(v)
			if err != nil {
				return err
			}
			a.master = &m
		case "nomaster":
			none := ""
			a.master = &none
		case "netns":
			v, err := w.need("a namespace after netns")
			if err != nil {
				return err
			}
			if a.netns, err = parseNsName(v); err != nil {
				return err
			}
		case "promisc":
			v, err := w.need("on or off after promisc")
			if err != nil {
				return err
			}
			if v.s != "on" && v.s != "off" {
				return errAt(v, "promisc takes on or off, not %q", v.s)
			}
			on := v.s == "on"
			a.promisc = &on
		case "name":
			v, err := w.need("a new name")
			if err != nil {
				return err
			}
			if a.newName, err = parseIfName(v); err != nil {
				return err
			}
		case "mtu":
			v, err := w.need("an MTU")
			if err != nil {
				return err
			}
			if a.mtu, err = parseUint(v, "MTU", 65535); err != nil {
				return err
			}
			if a.mtu < 68 {
				return errAt(v, "MTU %d is below the minimum of 68", a.mtu)
			}
		case "address":
			v, err := w.need("a MAC address")
			if err != nil {
				return err
			}
			mac, err := net.ParseMAC(v.s)
			if err != nil || len(mac) != 6 {
				return errAt(v, "%q is not a valid MAC address", v.s)
			}
			a.mac = mac
		default:
			return errAt(t, "unknown ip link set option %q (up, down, master, nomaster, netns, promisc, name, mtu, address)", t.s)
		}
	}
	cmd.Actions = append(cmd.Actions, a)
	return nil
}

func parseAddr(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.Actions = append(cmd.Actions, &showAction{what: "addr", brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add" || verb.s == "del" || verb.s == "delete":
		t, err := w.need("an address like 192.168.88.1/24")
		if err != nil {
			return err
		}
		cidr, err := parseCIDR(t, verb.s != "add")
		if err != nil {
			return err
		}
		a := &addrOp{add: verb.s == "add", cidr: cidr}
		for w.more() {
			o := w.next()
			switch o.s {
			case "dev":
				v, err := w.need("an interface after dev")
				if err != nil {
					return err
				}
				if a.dev, err = parseIfName(v); err != nil {
					return err
				}
			case "brd", "broadcast":
				v, err := w.need("a broadcast address or +")
				if err != nil {
					return err
				}
				if v.s == "+" {
					a.brd = broadcastOf(cidr)
				} else if a.brd, err = parseIP4(v); err != nil {
					return err
				}
			default:
				return errAt(o, "unknown ip addr option %q (dev, brd)", o.s)
			}
		}
		if a.dev == "" {
			_, err := w.need("\"dev NAME\"")
			return err
		}
		cmd.Actions = append(cmd.Actions, a)
		return nil
	case matches(verb.s, "show", 1) || verb.s == "list" || verb.s == "ls":
		return parseShowTail(cmd, w, "addr", brief)
	}
	return errAt(verb, "unknown ip addr command %q (add, del, show)", verb.s)
}

func parseRoute(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.Actions = append(cmd.Actions, &showAction{what: "route", brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add" || verb.s == "del" || verb.s == "delete":
		t, err := w.need("a destination (default or a prefix like 10.0.0.0/24)")
		if err != nil {
			return err
		}
		a := &routeOp{add: verb.s == "add"}
		if t.s != "default" {
			if a.dst, err = parseCIDR(t, true); err != nil {
				return err
			}
			if a.dst.IP.To4() == nil {
				return errAt(t, "netlab routes IPv4 only; %q is not IPv4", t.s)
			}
			if !a.dst.IP.Equal(a.dst.IP.Mask(a.dst.Mask)) {
				return errAt(t, "%q has host bits set; did you mean %s?", t.s, (&net.IPNet{IP: a.dst.IP.Mask(a.dst.Mask), Mask: a.dst.Mask}).String())
			}
		}
		for w.more() {
			o := w.next()
			switch o.s {
			case "via":
				v, err := w.need("a gateway address after via")
				if err != nil {
					return err
				}
				if a.via, err = parseIP4(v); err != nil {
					return err
				}
			case "dev":
				v, err := w.need("an interface after dev")
				if err != nil {
					return err
				}
				if a.dev, err = parseIfName(v); err != nil {
					return err
				}
			default:
				return errAt(o, "unknown ip route option %q (via, dev)", o.s)
			}
		}
		if a.add && a.via == nil && a.dev == "" {
			_, err := w.need("\"via GATEWAY\" or \"dev NAME\"")
			return err
		}
		cmd.Actions = append(cmd.Actions, a)
		return nil
	case matches(verb.s, "show", 1) || verb.s == "list" || verb.s == "ls":
		return parseShowTail(cmd, w, "route", brief)
	}
	return errAt(verb, "unknown ip route command %q (add, del, show)", verb.s)
}

// parseShowTail reads "[show] [dev] [X]" after a show verb.
func parseShowTail(cmd *Command, w *words, what string, brief bool) error {
	a := &showAction{what: what, brief: brief}
	if w.more() && (matches(w.peek().s, "show", 1) || w.peek().s == "list") {
		w.next()
	}
	if w.more() {
		dev, err := devArg(w)
		if err != nil {
			return err
		}
		a.dev = dev
	}
	cmd.Actions = append(cmd.Actions, a)
	return trailing(w)
}

// broadcastOf returns the directed broadcast address of an IPv4 prefix.
func broadcastOf(n *net.IPNet) net.IP {
	ip := n.IP.To4()
	if ip == nil {
		return nil
	}
	b := make(net.IP, 4)
	for i := range b {
		b[i] = ip[i] | ^n.Mask[i]
	}
	return b
}
