package cmdline

import (
	"net"
	"strings"
)

// parseLink reads "ip link [add|set|del|show] ...".
func parseLink(cmd *Command, w *words, brief bool) error {
	if !w.more() {
		cmd.add(&Show{What: "link", Brief: brief})
		return nil
	}
	verb := w.next()
	switch {
	case verb.s == "add":
		return parseLinkAdd(cmd, w)
	case verb.s == "set":
		return parseLinkSet(cmd, w)
	case verb.s == "del" || verb.s == "delete":
		dev, col, err := w.devArg()
		if err != nil {
			return err
		}
		cmd.add(&LinkDel{Dev: dev, DevCol: col})
		if w.more() && w.peek().s == "type" {
			w.next()
			if _, err := w.need("a link type"); err != nil {
				return err
			}
		}
		return w.trailing()
	case isShow(verb.s):
		return parseShowTail(cmd, w, "link", brief)
	}
	return errAt(verb, "unknown ip link command %q (add, set, del, show)", verb.s)
}

var macvlanModes = map[string]bool{"bridge": true, "private": true, "vepa": true, "passthru": true}

// parseLinkAdd reads "ip link add [link P] [name] NAME type KIND ...".
func parseLinkAdd(cmd *Command, w *words) error {
	a := &LinkAdd{}
	for w.more() && w.peek().s != "type" {
		t := w.next()
		var err error
		switch t.s {
		case "link":
			a.Parent, a.ParentCol, err = w.ifName("a parent interface after \"link\"")
		case "name", "dev":
			a.Name, a.NameCol, err = w.ifName("an interface name after " + `"` + t.s + `"`)
		default:
			if a.Name != "" {
				return errAt(t, "unexpected %q (expected \"type\")", t.s)
			}
			a.Name, a.NameCol = t.s, t.col
			_, err = parseIfName(t)
		}
		if err != nil {
			return err
		}
	}
	if a.Name == "" {
		return &ParseError{Col: w.peek().col, Word: clip(w.peek().s), Msg: "missing the new interface's name"}
	}
	if _, err := w.need("\"type bridge|veth|vxlan|macvlan|vlan\""); err != nil {
		return err
	}
	kt, err := w.need("a link type (bridge, veth, vxlan, macvlan, vlan)")
	if err != nil {
		return err
	}
	a.Kind = kt.s
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
		if err := parseMacvlan(a, w, kt); err != nil {
			return err
		}
	case "vlan":
		if err := parseVlan(a, w, kt); err != nil {
			return err
		}
	default:
		return errAt(kt, "unsupported link type %q (netlab knows bridge, veth, vxlan, macvlan, vlan)", kt.s)
	}
	if a.Parent != "" && a.Kind != "macvlan" && a.Kind != "vlan" {
		return errAt(kt, "\"link PARENT\" is only used with type macvlan or vlan")
	}
	cmd.add(a)
	return w.trailing()
}

// parseVethPeer reads "peer [name] PEER [netns NS]".
func parseVethPeer(a *LinkAdd, w *words) error {
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
	if a.Peer, err = parseIfName(t); err != nil {
		return err
	}
	a.PeerCol = t.col
	if w.more() && w.peek().s == "netns" {
		w.next()
		if a.PeerNetns, a.PeerNetnsCol, err = w.nsName("a namespace after \"netns\""); err != nil {
			return err
		}
	}
	if a.Peer == a.Name && a.PeerNetns == "" {
		return errAt(t, "the peer needs a name different from %q (or \"netns NS\" to put it in another namespace)", a.Name)
	}
	return nil
}

// parseMacvlan reads "[mode MODE]"; the parent came before "type".
func parseMacvlan(a *LinkAdd, w *words, kt token) error {
	if a.Parent == "" {
		return errAt(kt, "a macvlan needs its parent: ip link add link PARENT name NAME type macvlan mode bridge")
	}
	a.Mode = "vepa"
	if !w.more() {
		return nil
	}
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
	a.Mode = mt.s
	return nil
}

// parseVlan reads "id N" of an 802.1Q sub-interface; the parent came
// before "type".
func parseVlan(a *LinkAdd, w *words, kt token) error {
	if a.Parent == "" {
		return errAt(kt, "a vlan needs its parent: ip link add link PARENT name NAME type vlan id N")
	}
	t, err := w.need("\"id N\" (the VLAN id)")
	if err != nil {
		return err
	}
	if t.s != "id" {
		return errAt(t, "unexpected %q (expected \"id N\")", t.s)
	}
	if a.VlanID, _, err = w.uint("a VLAN id", "VLAN id", 4094); err != nil {
		return err
	}
	return nil
}

// vxlanFlags are the on/off options of "type vxlan", each with its "no"
// form, as iproute2 reads them.
var vxlanFlags = map[string]func(v *Vxlan, on bool){
	"learning": func(v *Vxlan, on bool) { v.NoLearning = !on },
	"proxy":    func(v *Vxlan, on bool) { v.Proxy = on },
	"l2miss":   func(v *Vxlan, on bool) { v.L2miss = on },
	"l3miss":   func(v *Vxlan, on bool) { v.L3miss = on },
}

// parseVxlan reads the options of "type vxlan".
func parseVxlan(a *LinkAdd, w *words, kt token) error {
	v := &Vxlan{Port: 8472}
	a.Vxlan = v
	haveID := false
	for w.more() {
		t := w.next()
		var err error
		switch t.s {
		case "id", "vni":
			v.ID, _, err = w.uint("a VXLAN id", "VXLAN id", 1<<24-1)
			haveID = true
		case "dstport":
			v.Port, _, err = w.uint("a UDP port", "UDP port", 65535)
		case "local", "remote", "group":
			var ip net.IP
			var at token
			if ip, at, err = w.ip4("an IPv4 address after " + t.s); err != nil {
				return err
			}
			switch t.s {
			case "local":
				v.Local = ip
			case "remote":
				v.Remote = ip
			default:
				if !ip.IsMulticast() {
					return errAt(at, "%q is not a multicast group address", at.s)
				}
				v.Group = ip
			}
		case "dev":
			v.Dev, v.DevCol, err = w.ifName("an interface after dev")
		case "ttl", "hoplimit":
			err = parseVxlanTTL(v, w)
		case "port", "srcport":
			err = parseVxlanPorts(v, w)
		default:
			if set, ok := vxlanFlags[strings.TrimPrefix(t.s, "no")]; ok {
				set(v, !strings.HasPrefix(t.s, "no"))
				break
			}
			return errAt(t, "unknown vxlan option %q (id, dstport, srcport, local, remote, group, dev, ttl, [no]learning, [no]proxy, [no]l2miss, [no]l3miss)", t.s)
		}
		if err != nil {
			return err
		}
	}
	if !haveID {
		return errAt(kt, "a vxlan link needs \"id N\"")
	}
	if v.Remote != nil && v.Group != nil {
		return errAt(kt, "a vxlan link takes remote or group, not both")
	}
	return nil
}

// parseVxlanTTL reads "ttl N|auto|inherit".
func parseVxlanTTL(v *Vxlan, w *words) error {
	t, err := w.need("a TTL (1-255, auto or inherit)")
	if err != nil {
		return err
	}
	v.TTL, v.TTLInherit = 0, false
	switch t.s {
	case "inherit":
		v.TTLInherit = true
	case "auto":
	default:
		v.TTL, err = parseUint(t, "TTL", 255)
	}
	return err
}

// parseVxlanPorts reads "srcport MIN MAX" (or its old spelling, "port").
func parseVxlanPorts(v *Vxlan, w *words) error {
	var err error
	if v.PortLow, _, err = w.uint("the lowest UDP source port", "UDP port", 65535); err != nil {
		return err
	}
	var hi token
	if v.PortHigh, hi, err = w.uint("the highest UDP source port", "UDP port", 65535); err != nil {
		return err
	}
	if v.PortHigh < v.PortLow {
		return errAt(hi, "invalid source port range %d-%d (the highest is below the lowest)", v.PortLow, v.PortHigh)
	}
	return nil
}

// parseLinkSet reads "ip link set [dev] X SETTING...".
func parseLinkSet(cmd *Command, w *words) error {
	dev, col, err := w.devArg()
	if err != nil {
		return err
	}
	a := &LinkSet{Dev: dev, DevCol: col}
	if !w.more() {
		_, err := w.need("what to set (up, down, master BR, nomaster, netns NS, promisc on|off, name NEW, mtu N, address MAC)")
		return err
	}
	for w.more() {
		t := w.next()
		switch t.s {
		case "up", "down":
			up := t.s == "up"
			a.Up = &up
		case "master":
			m, col, err := w.ifName("a bridge after master")
			if err != nil {
				return err
			}
			a.Master, a.MasterCol = &m, col
		case "nomaster":
			none := ""
			a.Master = &none
		case "netns":
			if a.Netns, a.NetnsCol, err = w.nsName("a namespace after netns"); err != nil {
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
			a.Promisc = &on
		case "name":
			if a.NewName, a.NewNameCol, err = w.ifName("a new name"); err != nil {
				return err
			}
		case "mtu":
			var v token
			if a.MTU, v, err = w.uint("an MTU", "MTU", 65535); err != nil {
				return err
			}
			if a.MTU < 68 {
				return errAt(v, "MTU %d is below the minimum of 68", a.MTU)
			}
		case "address":
			if a.MAC, err = w.mac("a MAC address"); err != nil {
				return err
			}
		default:
			return errAt(t, "unknown ip link set option %q (up, down, master, nomaster, netns, promisc, name, mtu, address)", t.s)
		}
	}
	cmd.add(a)
	return nil
}
