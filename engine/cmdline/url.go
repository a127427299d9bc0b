package cmdline

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// This file reads the URL curl and wget fetch: "http://HOST[:PORT][/PATH]",
// or the same without the scheme, as both tools accept.

// parseURL reads a URL word into a fetch: host, port, path and the column
// of the host within the line.
func parseURL(t token, g *HTTPGet) error {
	rest, col := t.s, t.col
	if i := strings.Index(rest, "://"); i >= 0 {
		scheme := strings.ToLower(rest[:i])
		switch scheme {
		case "http":
		case "https":
			return errAt(t, "%q: netlab's %s speaks plain HTTP only (http://), not HTTPS", t.s, g.Tool)
		default:
			return errAt(t, "%q: unsupported scheme %q (netlab's %s fetches http:// URLs)", t.s, scheme, g.Tool)
		}
		rest, col = rest[i+3:], col+i+3
	}
	hostport, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostport, path = rest[:i], rest[i:]
	}
	host, port := hostport, 80
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host = hostport[:i]
		p, err := parseUint(token{s: hostport[i+1:], col: col + i + 1}, "port", 65535)
		if err != nil {
			return err
		}
		if p == 0 {
			return errAt(token{s: hostport[i+1:], col: col + i + 1}, "port 0 is not a port a server can be reached on")
		}
		port = p
	}
	if err := checkHost(token{s: host, col: col}); err != nil {
		return err
	}
	for _, c := range path {
		if c <= ' ' || c == 0x7f {
			return errAt(t, "%q has a control character or space in its path", t.s)
		}
	}
	g.Host, g.Port, g.Path, g.HostCol = host, port, path, col
	return nil
}

// checkHost accepts an IPv4 address or a host name (letters, digits, '-'
// and '.', as DNS names are written).
func checkHost(t token) error {
	if t.s == "" {
		return errAt(t, "missing the host name or address")
	}
	if ip := net.ParseIP(t.s); ip != nil {
		if ip.To4() == nil {
			return errAt(t, "%q is an IPv6 address: netlab's labs are IPv4", t.s)
		}
		return nil
	}
	ok := len(t.s) <= 253 && t.s[0] != '-' && t.s[0] != '.'
	for i := 0; ok && i < len(t.s); i++ {
		c := t.s[i]
		ok = c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	if !ok {
		return errAt(t, "%q is not a host name or IPv4 address", t.s)
	}
	return nil
}

// parseSeconds reads a timeout in seconds (decimals allowed, as curl
// takes them), above 0 and at most 600: a lesson must end.
func parseSeconds(t token, integer bool) (float64, error) {
	var secs float64
	ok := true
	if integer {
		n, err := parseUint(t, "number of seconds", 600)
		secs, ok = float64(n), err == nil
	} else {
		var err error
		secs, err = parseFloat(t.s)
		ok = err == nil
	}
	if !ok || secs <= 0 || secs > 600 {
		what := "number"
		if integer {
			what = "whole number"
		}
		return 0, errAt(t, "%q is not a valid %s of seconds (above 0, at most 600)", t.s, what)
	}
	return secs, nil
}

// parseFloat reads a plain decimal number ("1", "0.5"), refusing the
// exponents, signs, infinities and NaN strconv would take.
func parseFloat(s string) (float64, error) {
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 || s == "." {
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(s, 64)
}
