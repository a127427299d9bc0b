package engine

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// Command is one parsed command line: the text as written, the namespace an
// "ip netns exec NS" prefix selects, and the actions it performs in order.
type Command struct {
	Text    string   // the line exactly as written
	Netns   string   // namespace from an "ip netns exec" prefix; "" runs on the node itself
	Program string   // the program the line names: ip, brctl, ifconfig, sysctl, echo, iptables, ping, arp, tcpdump
	Actions []Action // what the command does, in order
}

// Mutating reports whether the command changes kernel state (and so has an
// undo and checks), as opposed to a show command or ping.
func (c *Command) Mutating() bool {
	for _, a := range c.Actions {
		if a.mutating() {
			return true
		}
	}
	return false
}

// Action is one typed kernel operation a command performs.
type Action interface {
	// mutating reports whether the action changes kernel state.
	mutating() bool
	// run performs the action in the context's node and returns what the
	// real tool would print.
	run(x *execCtx) (string, error)
	// check tells whether the action's effect is present now: nil when it
	// is, otherwise what is missing in words a student understands.
	check(x *execCtx) error
}

// Families lists the supported command families, for the error an
// unsupported program gets.
var Families = []string{
	"ip netns add|del|list|exec",
	"ip link add|set|del",
	"ip addr add|del",
	"ip route add|del",
	"ip [-br] addr|link|route|neigh [show]",
	"brctl addbr|delbr|addif|delif|show",
	"ifconfig",
	"sysctl [-w]",
	"echo VALUE > /proc/sys/...",
	"iptables",
	"ping",
	"arp [-n]",
	"tcpdump -i IFACE (as a capture)",
}

// Parse turns one command line into a Command. A leading "sudo" is accepted
// and ignored. Shell syntax (pipes, chaining, substitution, globbing,
// redirections other than "echo VALUE > /proc/sys/...") is refused, as is
// any program outside the supported families. Errors are *ParseError,
// pointing at the offending word.
func Parse(line string) (*Command, error) {
	cmd := &Command{Text: line}
	toks, err := tokenizeEcho(line)
	if err != nil {
		return nil, err
	}
	w := newWords(toks, line)
	if w.more() && w.peek().s == "sudo" {
		w.next()
	}
	if !w.more() {
		return nil, &ParseError{Col: w.end.col, Msg: "empty command"}
	}
	if err := parseInto(cmd, w, true); err != nil {
		return nil, err
	}
	return cmd, nil
}

// tokenizeEcho tokenizes a line, allowing the one redirection netlab
// understands: "echo VALUE > /proc/sys/KEY".
func tokenizeEcho(line string) ([]token, error) {
	trimmed := strings.TrimLeft(line, " \t")
	rest := strings.TrimPrefix(trimmed, "sudo ")
	if strings.HasPrefix(strings.TrimLeft(rest, " \t"), "echo ") {
		if i := strings.IndexByte(line, '>'); i > 0 && strings.Count(line, ">") == 1 {
			left, err := tokenize(line[:i])
			if err != nil {
				return nil, err
			}
			col := utf8.RuneCountInString(line[:i]) + 1
			right, err := tokenizeAt(line[i+1:], col)
			if err != nil {
				return nil, err
			}
			toks := append(left, token{s: ">", col: col})
			return append(toks, right...), nil
		}
	}
	return tokenize(line)
}

func parseInto(cmd *Command, w *words, top bool) error {
	prog := w.next()
	cmd.Program = prog.s
	switch prog.s {
	case "ip":
		return parseIP(cmd, w, top)
	case "brctl":
		return parseBrctl(cmd, w)
	case "ifconfig":
		return parseIfconfig(cmd, w)
	case "sysctl":
		return parseSysctl(cmd, w)
	case "echo":
		return parseEcho(cmd, w)
	case "iptables":
		return parseIptables(cmd, w)
	case "ping":
		return parsePing(cmd, w)
	case "arp":
		return parseArp(cmd, w)
	case "tcpdump":
		return parseTcpdump(cmd, w)
	case "sudo":
		return errAt(prog, "\"sudo\" may only start a line")
	}
	return errAt(prog, "unsupported command %q: netlab runs only these command families: %s", prog.s, strings.Join(Families, "; "))
}

// parseCIDR reads A/P (or a bare address, as /32 when bare is allowed).
func parseCIDR(t token, bare bool) (*net.IPNet, error) {
	s := t.s
	if !strings.Contains(s, "/") {
		if !bare {
			return nil, errAt(t, "%q is not an address with a prefix length (like 192.168.88.1/24)", s)
		}
		ip := net.ParseIP(s)
		if ip == nil || ip.To4() == nil {
			return nil, errAt(t, "%q is not a valid IPv4 address", s)
		}
		return &net.IPNet{IP: ip.To4(), Mask: net.CIDRMask(32, 32)}, nil
	}
	addr, plen, _ := strings.Cut(s, "/")
	ip := net.ParseIP(addr)
	if ip == nil {
		return nil, errAt(t, "%q is not a valid IP address", addr)
	}
	bits := 128
	if ip.To4() != nil {
		ip, bits = ip.To4(), 32
	}
	var n int
	if _, err := fmt.Sscanf(plen, "%d", &n); err != nil || n < 0 || n > bits || fmt.Sprint(n) != plen {
		return nil, errAt(t, "%q has an invalid prefix length %q (0-%d)", s, plen, bits)
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(n, bits)}, nil
}

// parseIP4 reads one IPv4 address.
func parseIP4(t token) (net.IP, error) {
	ip := net.ParseIP(t.s)
	if ip == nil || ip.To4() == nil {
		return nil, errAt(t, "%q is not a valid IPv4 address", t.s)
	}
	return ip.To4(), nil
}

// parseIfName checks an interface name the way the kernel's dev_valid_name
// does (1-15 bytes, not "." or "..", no '/', ':' or white space), and
// further refuses control and non-ASCII characters: a name is printed in
// terminals and lab output, so a BEL or an escape sequence is never one.
func parseIfName(t token) (string, error) {
	ok := t.s != "" && len(t.s) <= 15 && t.s != "." && t.s != ".."
	for i := 0; ok && i < len(t.s); i++ {
		c := t.s[i]
		ok = c > ' ' && c < 0x7f && c != '/' && c != ':'
	}
	if !ok {
		return "", errAt(t, "%q is not a valid interface name (1-15 characters, printable ASCII, no '/', ':' or spaces, not \".\" or \"..\")", t.s)
	}
	return t.s, nil
}

// parseNsName checks a namespace name the way ip netns would.
func parseNsName(t token) (string, error) {
	if t.s == "" || strings.ContainsAny(t.s, "/") || t.s == "." || t.s == ".." || strings.HasPrefix(t.s, "-") {
		return "", errAt(t, "%q is not a valid namespace name", t.s)
	}
	return t.s, nil
}

func parseUint(t token, what string, max int) (int, error) {
	var n int
	if _, err := fmt.Sscanf(t.s, "%d", &n); err != nil || n < 0 || n > max || fmt.Sprint(n) != t.s {
		return 0, errAt(t, "%q is not a valid %s (0-%d)", t.s, what, max)
	}
	return n, nil
}

func trailing(w *words) error {
	if w.more() {
		t := w.next()
		return errAt(t, "unexpected %q", t.s)
	}
	return nil
}
