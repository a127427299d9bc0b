package cmdline

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Value checkers for iptables options: each reads one word and returns it
// as netlab renders it for iptables.

// iptAddr reads an IPv4 address or network (A, A/N or A/MASK).
func iptAddr(v token) (string, error) {
	s := v.s
	if a, m, ok := strings.Cut(s, "/"); ok && strings.Contains(m, ".") {
		ip, mask := net.ParseIP(a), net.ParseIP(m)
		if ip == nil || ip.To4() == nil || mask == nil || mask.To4() == nil {
			return "", errAt(v, "%q is not an IPv4 address with a netmask", s)
		}
		ones, bits := net.IPMask(mask.To4()).Size()
		if bits == 0 {
			return "", errAt(v, "%q has a netmask that is not contiguous", s)
		}
		return fmt.Sprintf("%s/%d", ip.To4(), ones), nil
	}
	n, err := parseCIDR(v, true)
	if err != nil {
		return "", err
	}
	if n.IP.To4() == nil {
		return "", errAt(v, "%q is an IPv6 address; netlab's iptables is IPv4 only", s)
	}
	ones, _ := n.Mask.Size()
	if !strings.Contains(s, "/") {
		return n.IP.String(), nil
	}
	return fmt.Sprintf("%s/%d", n.IP, ones), nil
}

// iptAddrList reads one address or a comma-separated list of them.
func iptAddrList(v token) (string, error) {
	var out []string
	for _, part := range splitTok(v, ",") {
		r, err := iptAddr(part)
		if err != nil {
			return "", err
		}
		out = append(out, r)
	}
	return strings.Join(out, ","), nil
}

// splitTok splits a word at sep, keeping each part's column.
func splitTok(v token, sep string) []token {
	var out []token
	col := v.col
	for _, s := range strings.Split(v.s, sep) {
		out = append(out, token{s: s, col: col})
		col += len([]rune(s)) + len(sep)
	}
	return out
}

var iptProtos = []string{"tcp", "udp", "icmp", "all"}

func iptProto(v token) (string, error) {
	for _, p := range iptProtos {
		if v.s == p {
			return p, nil
		}
	}
	return "", errAt(v, "unsupported protocol %q (tcp, udp, icmp or all)", v.s)
}

// iptIface reads an interface name, optionally ending in "+" (any
// interface whose name starts so).
func iptIface(v token) (string, error) {
	if v.s == "+" {
		return v.s, nil
	}
	name := strings.TrimSuffix(v.s, "+")
	if _, err := parseIfName(token{s: name, col: v.col}); err != nil || len(v.s) > 15 {
		return "", errAt(v, "%q is not a valid interface name (1-15 characters, no '/', ':', spaces or control characters; a final '+' matches a prefix)", v.s)
	}
	return v.s, nil
}

func iptPort(v token) (int, error) {
	n, err := strconv.Atoi(v.s)
	if err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != v.s {
		return 0, errAt(v, "%q is not a port number (0-65535)", v.s)
	}
	return n, nil
}

// iptPortRangeSep reads PORT or PORT<sep>PORT with the first not above the second.
func iptPortRangeSep(v token, sep string) (string, error) {
	parts := splitTok(v, sep)
	if len(parts) > 2 {
		return "", errAt(v, "%q is not a port or a port range (80 or 8000%s8080)", v.s, sep)
	}
	var ns []int
	for _, p := range parts {
		n, err := iptPort(p)
		if err != nil {
			return "", err
		}
		ns = append(ns, n)
	}
	if len(ns) == 2 && ns[0] > ns[1] {
		return "", errAt(v, "port range %q goes backwards", v.s)
	}
	return v.s, nil
}

func iptPortRange(v token) (string, error)     { return iptPortRangeSep(v, ":") }
func iptPortRangeDash(v token) (string, error) { return iptPortRangeSep(v, "-") }

// iptPortList reads multiport's list: up to 15 ports, a range counting two.
func iptPortList(v token) (string, error) {
	count := 0
	for _, p := range splitTok(v, ",") {
		if _, err := iptPortRange(p); err != nil {
			return "", err
		}
		count++
		if strings.Contains(p.s, ":") {
			count++
		}
	}
	if count > 15 {
		return "", errAt(v, "multiport takes at most 15 ports (a range counts as two)")
	}
	return v.s, nil
}

var tcpFlags = []string{"SYN", "ACK", "FIN", "RST", "URG", "PSH", "ALL", "NONE"}

func iptTCPFlags(v token) (string, error) {
	for _, p := range splitTok(v, ",") {
		if !containsStr(tcpFlags, p.s) {
			return "", errAt(p, "unknown TCP flag %q (%s)", p.s, strings.Join(tcpFlags, ", "))
		}
	}
	return v.s, nil
}

var icmpTypes = []string{"any", "echo-reply", "destination-unreachable", "network-unreachable", "host-unreachable",
	"protocol-unreachable", "port-unreachable", "fragmentation-needed", "source-route-failed", "network-unknown",
	"host-unknown", "network-prohibited", "host-prohibited", "communication-prohibited", "source-quench",
	"redirect", "echo-request", "router-advertisement", "router-solicitation", "time-exceeded", "ttl-exceeded",
	"ttl-zero-during-transit", "ttl-zero-during-reassembly", "parameter-problem", "timestamp-request",
	"timestamp-reply", "address-mask-request", "address-mask-reply"}

// iptICMPType reads an ICMP type name, TYPE or TYPE/CODE.
func iptICMPType(v token) (string, error) {
	if containsStr(icmpTypes, v.s) {
		return v.s, nil
	}
	typ, code, hasCode := strings.Cut(v.s, "/")
	if _, err := parseUint(token{s: typ, col: v.col}, "ICMP type", 255); err == nil {
		if !hasCode {
			return v.s, nil
		}
		if _, err := parseUint(token{s: code, col: v.col}, "ICMP code", 255); err == nil {
			return v.s, nil
		}
	}
	return "", errAt(v, "%q is not an ICMP type (a name such as echo-request, a number, or TYPE/CODE)", v.s)
}

// iptWordList returns a checker for a comma-separated list of the given words.
func iptWordList(what string, allowed ...string) func(token) (string, error) {
	return func(v token) (string, error) {
		for _, p := range splitTok(v, ",") {
			if !containsStr(allowed, p.s) {
				return "", errAt(p, "unknown %s %q (%s)", what, p.s, strings.Join(allowed, ", "))
			}
		}
		return v.s, nil
	}
}

// iptWord returns a checker for one of the given words.
func iptWord(what string, allowed ...string) func(token) (string, error) {
	return func(v token) (string, error) {
		if !containsStr(allowed, v.s) {
			return "", errAt(v, "unknown %s %q (%s)", what, v.s, strings.Join(allowed, ", "))
		}
		return v.s, nil
	}
}

var iptAddrTypes = iptWordList("address type", "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST",
	"MULTICAST", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE")

// iptText checks free text (a comment, a log prefix): printable, bounded.
func iptText(v token, what string, max int) (string, error) {
	if len(v.s) > max {
		return "", errAt(v, "a %s is at most %d bytes (this one has %d)", what, max, len(v.s))
	}
	for _, r := range v.s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "", errAt(v, "a %s may not contain control characters", what)
		}
	}
	return v.s, nil
}

func iptComment(v token) (string, error)   { return iptText(v, "comment", 255) }
func iptLogPrefix(v token) (string, error) { return iptText(v, "log prefix", 29) }

var logLevels = []string{"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"}

func iptLogLevel(v token) (string, error) {
	if containsStr(logLevels, v.s) {
		return v.s, nil
	}
	if _, err := parseUint(v, "log level", 7); err == nil {
		return v.s, nil
	}
	return "", errAt(v, "%q is not a log level (0-7 or %s)", v.s, strings.Join(logLevels, ", "))
}

// iptMark reads VALUE[/MASK], each a decimal or 0x number of 32 bits.
func iptMark(v token) (string, error) {
	val, mask, hasMask := strings.Cut(v.s, "/")
	ok := isMark(val) && (!hasMask || isMark(mask))
	if !ok {
		return "", errAt(v, "%q is not a mark (VALUE or VALUE/MASK, 32-bit numbers)", v.s)
	}
	return v.s, nil
}

func isMark(s string) bool {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return false
	}
	_, err := strconv.ParseUint(s, 0, 32)
	return err == nil
}

// iptNATAddr reads SNAT/DNAT's ADDR[-ADDR][:PORT[-PORT]].
func iptNATAddr(v token) (string, error) {
	addrs, ports, hasPorts := strings.Cut(v.s, ":")
	for _, a := range strings.Split(addrs, "-") {
		if _, err := parseIP4(token{s: a, col: v.col}); err != nil {
			return "", errAt(v, "%q is not ADDRESS[-ADDRESS][:PORT[-PORT]] (bad address %q)", v.s, a)
		}
	}
	if hasPorts {
		if _, err := iptPortRangeDash(token{s: ports, col: v.col}); err != nil {
			return "", errAt(v, "%q is not ADDRESS[-ADDRESS][:PORT[-PORT]] (bad port %q)", v.s, ports)
		}
	}
	return v.s, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
