package cmdline

import (
	"sort"
	"strings"
)

// conntrackLongOpts are the long options conntrack-tools 1.4.7 knows
// before a protocol is named, with the short option each stands for
// ("" for those netlab does not take). getopt accepts any unambiguous
// prefix of one, so netlab resolves prefixes against the whole list, as
// conntrack does.
var conntrackLongOpts = map[string]string{
	"dump": "-L", "create": "-I", "add": "-A", "delete": "-D", "update": "-U",
	"get": "-G", "flush": "-F", "event": "-E", "counter": "-C", "stats": "-S",
	"version": "-V", "help": "-h",
	"orig-src": "-s", "src": "-s", "orig-dst": "-d", "dst": "-d",
	"reply-src": "-r", "reply-dst": "-q", "protonum": "-p",
	"src-nat": "-n", "dst-nat": "-g", "any-nat": "-j",
	"timeout": "", "status": "", "zero": "", "event-mask": "", "tuple-src": "",
	"tuple-dst": "", "mask-src": "", "mask-dst": "", "nat-range": "", "mark": "",
	"secmark": "", "id": "", "family": "", "output": "", "buffer-size": "",
	"zone": "", "label": "", "label-add": "", "label-del": "", "orig-zone": "",
	"reply-zone": "",
}

// conntrackPortOpts are the long options "-p tcp" and "-p udp" add.
var conntrackPortOpts = map[string]string{
	"sport": "--sport", "orig-port-src": "--sport", "dport": "--dport", "orig-port-dst": "--dport",
	"reply-port-src": "", "reply-port-dst": "", "mask-port-src": "", "mask-port-dst": "",
	"tuple-port-src": "", "tuple-port-dst": "",
}

// conntrackCommands are conntrack's commands other than -L, which change
// or watch the table or show something else: out of netlab's scope.
var conntrackCommands = map[string]string{
	"-I": "creates a flow", "-A": "adds a flow", "-D": "deletes flows", "-U": "updates flows",
	"-F": "flushes the table", "-E": "watches events", "-G": "gets one flow",
	"-C": "counts flows", "-S": "shows statistics", "-V": "prints the version", "-h": "prints help",
}

// conntrackUsage is what an unsupported word of a conntrack line is told.
const conntrackUsage = "netlab's conntrack lists the table: conntrack -L [-p tcp|udp|icmp] [-s ADDR] [-d ADDR] [-r ADDR] [-q ADDR] [--sport P] [--dport P] [-n|-g|-j]"

// parseConntrack reads "conntrack -L [conntrack] [options]" in any order,
// as getopt takes them, except that the port options follow "-p tcp" or
// "-p udp": conntrack knows them only once the protocol is named.
// Commands that change or watch the table (-F, -D, -E, -U, -I, ...) are
// refused.
func parseConntrack(cmd *Command, w *words, _ bool) error {
	a := &ConntrackList{}
	listed := false
	for w.more() {
		t := w.next()
		opt, val, hasVal, err := conntrackOpt(t, a.Proto)
		if err != nil {
			return err
		}
		// value takes an option's argument: attached after "=" or the next word.
		value := func(what string) (token, error) {
			if hasVal {
				return token{s: val, col: t.col + strings.IndexByte(t.s, '=') + 1}, nil
			}
			return w.need(what + " after " + t.s)
		}
		switch opt {
		case "-L":
			if listed {
				return errAt(t, "conntrack takes one command and -L is already given (conntrack says \"Invalid commands combination\")")
			}
			if hasVal {
				return errAt(t, "%q: name the table as a word of its own (conntrack -L conntrack)", t.s)
			}
			listed = true
			if w.more() && !strings.HasPrefix(w.peek().s, "-") {
				if err := conntrackTable(w.next()); err != nil {
					return err
				}
			}
		case "-p":
			v, err := value("a protocol")
			if err != nil {
				return err
			}
			switch p := strings.ToLower(v.s); p {
			case "tcp", "udp", "icmp":
				a.Proto = p
			case "6", "17", "1":
				a.Proto = map[string]string{"6": "tcp", "17": "udp", "1": "icmp"}[p]
			default:
				return errAt(v, "unsupported protocol %q: netlab's conntrack filters tcp, udp or icmp", v.s)
			}
		case "-s", "-d":
			v, err := value("an address")
			if err != nil {
				return err
			}
			n, err := parseCIDR(v, true)
			if err != nil {
				return err
			}
			if opt == "-s" {
				a.Src = n
			} else {
				a.Dst = n
			}
		case "-r", "-q":
			v, err := value("an address")
			if err != nil {
				return err
			}
			if strings.Contains(v.s, "/") {
				return errAt(v, "%q: conntrack takes no prefix with %s (\"CIDR notation unavailable\"), only an address", v.s, t.s)
			}
			ip, err := parseIP4(v)
			if err != nil {
				return err
			}
			if opt == "-r" {
				a.ReplySrc = ip
			} else {
				a.ReplyDst = ip
			}
		case "--sport", "--dport":
			v, err := value("a port")
			if err != nil {
				return err
			}
			port, err := parseUint(v, "port", 65535)
			if err != nil {
				return err
			}
			if port == 0 {
				return errAt(v, "port 0 matches no flow a lab makes: name a port from 1 to 65535")
			}
			if opt == "--sport" {
				a.Sport = port
			} else {
				a.Dport = port
			}
		case "-n", "-g", "-j":
			if hasVal || (w.more() && !strings.HasPrefix(w.peek().s, "-")) {
				v := w.peek()
				if hasVal {
					v = token{s: val, col: t.col + strings.IndexByte(t.s, '=') + 1}
				}
				return errAt(v, "%q: netlab's conntrack takes %s without an address (it lists every flow NAT changed)", v.s, t.s)
			}
			switch opt {
			case "-n":
				a.SrcNAT = true
			case "-g":
				a.DstNAT = true
			default:
				a.AnyNAT = true
			}
			if a.AnyNAT && (a.SrcNAT || a.DstNAT) {
				return errAt(t, "conntrack cannot take --src-nat or --dst-nat with --any-nat")
			}
		}
	}
	if !listed {
		_, err := w.need("-L: " + conntrackUsage)
		return err
	}
	cmd.add(a)
	return nil
}

// conntrackOpt names an option word by its short form ("-L", "-p", ...)
// or, for the port options, "--sport"/"--dport", with the value attached
// to a long option by "=". Anything netlab does not take is an error
// naming the word.
func conntrackOpt(t token, proto string) (opt, val string, hasVal bool, err error) {
	s := t.s
	switch {
	case strings.HasPrefix(s, "--") && len(s) > 2:
		name := s[2:]
		if i := strings.IndexByte(name, '='); i >= 0 {
			name, val, hasVal = name[:i], name[i+1:], true
		}
		known := map[string]string{}
		for k, v := range conntrackLongOpts {
			known[k] = v
		}
		if proto == "tcp" || proto == "udp" {
			for k, v := range conntrackPortOpts {
				known[k] = v
			}
		}
		full, ok := resolveLong(name, known)
		if !ok {
			if _, port := conntrackPortOpts[name]; port && proto == "" {
				return "", "", false, errAt(t, "%q needs \"-p tcp\" or \"-p udp\" before it: conntrack knows the port options only once the protocol is named", s)
			}
			if _, port := conntrackPortOpts[name]; port {
				return "", "", false, errAt(t, "%q: %s flows have no ports (conntrack knows port options after -p tcp or -p udp)", s, proto)
			}
			return "", "", false, errAt(t, "unknown conntrack option %q; %s", s, conntrackUsage)
		}
		opt = known[full]
		if opt == "" {
			return "", "", false, errAt(t, "unsupported conntrack option %q; %s", s, conntrackUsage)
		}
	case len(s) == 2 && s[0] == '-':
		opt = s
	default:
		return "", "", false, errAt(t, "unexpected %q; %s", s, conntrackUsage)
	}
	if what, ok := conntrackCommands[opt]; ok {
		return "", "", false, errAt(t, "conntrack %s %s: netlab's conntrack only lists the table (conntrack -L)", s, what)
	}
	switch opt {
	case "-L", "-p", "-s", "-d", "-r", "-q", "-n", "-g", "-j", "--sport", "--dport":
		return opt, val, hasVal, nil
	}
	return "", "", false, errAt(t, "unsupported conntrack option %q; %s", s, conntrackUsage)
}

// resolveLong finds a long option by its name or, as getopt_long does,
// by an unambiguous prefix of it: one option, or several that stand for
// the same thing (--orig-s for --orig-src).
func resolveLong(name string, known map[string]string) (string, bool) {
	if _, ok := known[name]; ok {
		return name, true
	}
	var match []string
	for k := range known {
		if strings.HasPrefix(k, name) {
			match = append(match, k)
		}
	}
	if len(match) == 0 {
		return "", false
	}
	sort.Strings(match)
	for _, m := range match[1:] {
		if known[m] != known[match[0]] {
			return "", false
		}
	}
	return match[0], true
}

// conntrackTable checks the table word after -L: conntrack takes any
// prefix of a table's name; netlab lists the conntrack table only.
func conntrackTable(t token) error {
	switch {
	case strings.HasPrefix("expect", t.s):
		return errAt(t, "netlab's conntrack lists the conntrack table only, not the expectation table %q", t.s)
	case strings.HasPrefix("conntrack", t.s):
		return nil
	case strings.HasPrefix("dying", t.s), strings.HasPrefix("unconfirmed", t.s):
		return errAt(t, "netlab's conntrack lists the conntrack table only, not the %q list", t.s)
	}
	return errAt(t, "unknown conntrack table %q (conntrack -L lists the table \"conntrack\")", t.s)
}
