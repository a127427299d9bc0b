package cmdline

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// words is a cursor over a command's tokens.
type words struct {
	toks []token
	i    int
	end  token // a virtual token just past the line, for "missing X" errors
}

func newWords(toks []token, line string) *words {
	return &words{toks: toks, end: token{s: "", col: utf8.RuneCountInString(line) + 1}}
}

func (w *words) more() bool { return w.i < len(w.toks) }

func (w *words) peek() token {
	if w.i < len(w.toks) {
		return w.toks[w.i]
	}
	return w.end
}

func (w *words) next() token {
	t := w.peek()
	if w.i < len(w.toks) {
		w.i++
	}
	return t
}

// need takes the next word or fails naming what was expected after prev.
func (w *words) need(what string) (token, error) {
	if !w.more() {
		return w.end, &ParseError{Col: w.end.col, Msg: fmt.Sprintf("missing %s", what)}
	}
	return w.next(), nil
}

// matches reports whether word is an abbreviation (at least min
// characters) of full, the way ip(8) accepts "a" for "address".
func matches(word, full string, min int) bool {
	return len(word) >= min && len(word) <= len(full) && strings.HasPrefix(full, word)
}

// trailing refuses any word left over.
func (w *words) trailing() error {
	if w.more() {
		t := w.next()
		return errAt(t, "unexpected %q", t.s)
	}
	return nil
}

// ifName takes the next word as an interface name, with its column; what
// says what was expected when the line ends.
func (w *words) ifName(what string) (string, int, error) {
	t, err := w.need(what)
	if err != nil {
		return "", 0, err
	}
	name, err := parseIfName(t)
	return name, t.col, err
}

// nsName takes the next word as a namespace name, with its column.
func (w *words) nsName(what string) (string, int, error) {
	t, err := w.need(what)
	if err != nil {
		return "", 0, err
	}
	name, err := parseNsName(t)
	return name, t.col, err
}

// devArg reads "[dev] NAME".
func (w *words) devArg() (string, int, error) {
	if w.more() && w.peek().s == "dev" {
		w.next()
		return w.ifName("an interface name after \"dev\"")
	}
	return w.ifName("an interface name")
}

// ip4 takes the next word as an IPv4 address.
func (w *words) ip4(what string) (net.IP, token, error) {
	t, err := w.need(what)
	if err != nil {
		return nil, t, err
	}
	ip, err := parseIP4(t)
	return ip, t, err
}

// cidr takes the next word as A/P (or a bare address as /32 when bare).
func (w *words) cidr(what string, bare bool) (*net.IPNet, token, error) {
	t, err := w.need(what)
	if err != nil {
		return nil, t, err
	}
	n, err := parseCIDR(t, bare)
	return n, t, err
}

// mac takes the next word as an Ethernet (6-byte) MAC address.
func (w *words) mac(what string) (net.HardwareAddr, error) {
	t, err := w.need(what)
	if err != nil {
		return nil, err
	}
	mac, err := net.ParseMAC(t.s)
	if err != nil || len(mac) != 6 {
		return nil, errAt(t, "%q is not a valid MAC address", t.s)
	}
	return mac, nil
}

// uint takes the next word as a number from 0 to max; label names it in
// errors ("MTU", "UDP port").
func (w *words) uint(what, label string, max int) (int, token, error) {
	t, err := w.need(what)
	if err != nil {
		return 0, t, err
	}
	n, err := parseUint(t, label, max)
	return n, t, err
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
