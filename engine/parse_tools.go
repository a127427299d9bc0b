package engine

import (
	"net"
	"strings"
)

func parseBrctl(cmd *Command, w *words) error {
	verb, err := w.need("a brctl command (addbr, delbr, addif, delif, show)")
	if err != nil {
		return err
	}
	switch verb.s {
	case "addbr", "delbr":
		t, err := w.need("a bridge name")
		if err != nil {
			return err
		}
		br, err := parseIfName(t)
		if err != nil {
			return err
		}
		if verb.s == "addbr" {
			cmd.Actions = append(cmd.Actions, &linkAdd{name: br, kind: "bridge"})
		} else {
			cmd.Actions = append(cmd.Actions, &linkDel{dev: br, bridgeOnly: true})
		}
		return trailing(w)
	case "addif", "delif":
		t, err := w.need("a bridge name")
		if err != nil {
			return err
		}
		br, err := parseIfName(t)
		if err != nil {
			return err
		}
		if !w.more() {
			_, err := w.need("an interface to " + map[string]string{"addif": "attach", "delif": "detach"}[verb.s])
			return err
		}
		for w.more() {
			it, err := parseIfName(w.next())
			if err != nil {
				return err
			}
			if verb.s == "addif" {
				m := br
				cmd.Actions = append(cmd.Actions, &linkSet{dev: it, master: &m})
			} else {
				cmd.Actions = append(cmd.Actions, &linkSet{dev: it, master: new(string), fromBridge: br})
			}
		}
		return nil
	case "show":
		a := &brShow{}
		if w.more() {
			if a.br, err = parseIfName(w.next()); err != nil {
				return err
			}
		}
		cmd.Actions = append(cmd.Actions, a)
		return trailing(w)
	}
	return errAt(verb, "unknown brctl command %q (addbr, delbr, addif, delif, show)", verb.s)
}

func parseIfconfig(cmd *Command, w *words) error {
	if !w.more() || w.peek().s == "-a" {
		all := w.more()
		if all {
			w.next()
		}
		cmd.Actions = append(cmd.Actions, &ifconfigShow{all: all})
		return trailing(w)
	}
	dev, err := parseIfName(w.next())
	if err != nil {
		return err
	}
	if !w.more() {
		cmd.Actions = append(cmd.Actions, &ifconfigShow{dev: dev})
		return nil
	}
	var addr *addrOp
	set := &linkSet{dev: dev}
	var maskTok token
	for w.more() {
		t := w.next()
		switch t.s {
		case "up", "down":
			up := t.s == "up"
			set.up = &up
		case "promisc", "-promisc":
			on := t.s == "promisc"
			set.promisc = &on
		case "mtu":
			v, err := w.need("an MTU")
			if err != nil {
				return err
			}
			if set.mtu, err = parseUint(v, "MTU", 65535); err != nil {
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
			addr.cidr.Mask = net.CIDRMask(ones, 32)
			addr.brd = broadcastOf(addr.cidr)
			maskTok = v
		case "broadcast":
			v, err := w.need("a broadcast address")
			if err != nil {
				return err
			}
			if addr == nil {
				return errAt(t, "broadcast needs an address before it")
			}
			if addr.brd, err = parseIP4(v); err != nil {
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
			v, err := w.need("a MAC address")
			if err != nil {
				return err
			}
			if set.mac, err = net.ParseMAC(v.s); err != nil || len(set.mac) != 6 {
				return errAt(v, "%q is not a valid MAC address", v.s)
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
			addr = &addrOp{add: true, cidr: cidr, dev: dev, brd: broadcastOf(cidr), primary: true}
		}
	}
	_ = maskTok
	if addr != nil {
		cmd.Actions = append(cmd.Actions, addr)
	}
	if set.up != nil || set.promisc != nil || set.mtu != 0 || set.mac != nil {
		cmd.Actions = append(cmd.Actions, set)
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

func parseSysctl(cmd *Command, w *words) error {
	write, quiet := false, false
	for w.more() && strings.HasPrefix(w.peek().s, "-") {
		t := w.next()
		switch t.s {
		case "-w", "--write":
			write = true
		case "-n", "--values":
			quiet = true
		case "-q", "--quiet":
		default:
			return errAt(t, "unsupported sysctl option %q (netlab knows -w and -n)", t.s)
		}
	}
	t, err := w.need("a key like net.ipv4.ip_forward")
	if err != nil {
		return err
	}
	key, value, isSet := strings.Cut(t.s, "=")
	if write && !isSet {
		return errAt(t, "sysctl -w needs KEY=VALUE, not %q", t.s)
	}
	kt := token{s: key, col: t.col}
	if key, err = sysctlKey(kt); err != nil {
		return err
	}
	if isSet {
		if value == "" {
			return errAt(t, "missing the value after %q", kt.s+"=")
		}
		cmd.Actions = append(cmd.Actions, &sysctlSet{key: key, value: value})
	} else {
		cmd.Actions = append(cmd.Actions, &sysctlGet{key: key, quiet: quiet})
	}
	return trailing(w)
}

// sysctlKey normalises a key (dots or slashes) and keeps it inside the
// network namespace: only net.* keys exist per namespace, so only they can
// be changed without touching the machine.
func sysctlKey(t token) (string, error) {
	key := strings.ReplaceAll(strings.Trim(t.s, "/"), "/", ".")
	if !strings.HasPrefix(key, "net.") {
		return "", errAt(t, "%q is not a network sysctl: netlab only changes net.* keys, which belong to the lab's own namespace", t.s)
	}
	for _, part := range strings.Split(key, ".") {
		if part == "" || part == ".." {
			return "", errAt(t, "%q is not a valid sysctl key", t.s)
		}
	}
	return key, nil
}

func parseEcho(cmd *Command, w *words) error {
	v, err := w.need("a value")
	if err != nil {
		return err
	}
	r, err := w.need("\"> /proc/sys/...\" (netlab runs echo only to write a sysctl)")
	if err != nil {
		return err
	}
	if r.s != ">" {
		return errAt(r, "netlab runs echo only as \"echo VALUE > /proc/sys/...\"")
	}
	p, err := w.need("a /proc/sys path")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(p.s, "/proc/sys/") {
		return errAt(p, "%q is not under /proc/sys/: netlab writes only sysctls", p.s)
	}
	key, err := sysctlKey(token{s: strings.TrimPrefix(p.s, "/proc/sys/"), col: p.col})
	if err != nil {
		return err
	}
	cmd.Actions = append(cmd.Actions, &sysctlSet{key: key, value: v.s, quiet: true})
	return trailing(w)
}

func parseArp(cmd *Command, w *words) error {
	for w.more() {
		t := w.next()
		if t.s != "-n" && t.s != "-a" && t.s != "-an" && t.s != "-na" && t.s != "-e" {
			return errAt(t, "unsupported arp option %q (netlab shows the table: arp [-n])", t.s)
		}
	}
	cmd.Actions = append(cmd.Actions, &showAction{what: "arp"})
	return nil
}

// CaptureRequest is what a "tcpdump -i IFACE [FILTER]" line asks for. The
// engine does not capture; a runner that sees this action hands it to the
// capture pane or lab step instead.
type CaptureRequest struct {
	Iface     string // the interface to listen on
	Filter    string // the filter words after the options, joined by spaces
	LinkLevel bool   // -e
	Verbose   int    // how many -v: 1 for -v, 2 for -vv (-vvv counts as -vv)
}

// Capture returns the capture a "tcpdump" command asks for, or nil.
func (c *Command) Capture() *CaptureRequest {
	for _, a := range c.Actions {
		if t, ok := a.(*tcpdumpAction); ok {
			r := t.req
			return &r
		}
	}
	return nil
}

func parseTcpdump(cmd *Command, w *words) error {
	a := &tcpdumpAction{}
	var filter []string
	for w.more() {
		t := w.next()
		switch {
		case t.s == "-i":
			v, err := w.need("an interface after -i")
			if err != nil {
				return err
			}
			if a.req.Iface, err = parseIfName(v); err != nil {
				return err
			}
		case strings.HasPrefix(t.s, "-i") && len(t.s) > 2:
			var err error
			if a.req.Iface, err = parseIfName(token{s: t.s[2:], col: t.col + 2}); err != nil {
				return err
			}
		case strings.HasPrefix(t.s, "-") && strings.Trim(t.s[1:], "nvleq") == "":
			if strings.Contains(t.s, "e") {
				a.req.LinkLevel = true
			}
			a.req.Verbose = min(a.req.Verbose+strings.Count(t.s, "v"), 2)
		case strings.HasPrefix(t.s, "-"):
			return errAt(t, "unsupported tcpdump option %q (netlab knows -i, -n, -v, -e, -l)", t.s)
		default:
			filter = append(filter, t.s)
		}
	}
	if a.req.Iface == "" {
		_, err := w.need("\"-i IFACE\"")
		return err
	}
	a.req.Filter = strings.Join(filter, " ")
	cmd.Actions = append(cmd.Actions, a)
	return nil
}
