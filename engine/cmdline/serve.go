package cmdline

import (
	"net"
	"strings"
)

// This file holds the grammars of the servers: "nc -l", "busybox httpd"
// and "python3 -m http.server". Each becomes a Serve.

// parseNc reads nc: a line with -l (alone or among combined letters,
// "-lk") is a server, any other a client (parseNcConnect).
func parseNc(cmd *Command, w *words, _ bool) error {
	for _, t := range w.toks[w.i:] {
		if len(t.s) > 1 && t.s[0] == '-' && t.s[1] != '-' && strings.ContainsRune(t.s[1:], 'l') {
			return parseNcListen(cmd, w)
		}
	}
	return parseNcConnect(cmd, w)
}

// parseNcListen reads "nc -l [-k] [-u] [-v] [-n] [-p] PORT", letters
// apart or combined ("-lkp 80"), the port after -p or alone.
func parseNcListen(cmd *Command, w *words) error {
	s := &Serve{Kind: ServeNc, Proto: "tcp"}
	var portTok *token
	for w.more() {
		t := w.next()
		if !strings.HasPrefix(t.s, "-") || len(t.s) < 2 {
			if portTok != nil {
				return errAt(t, "unexpected %q: nc -l takes one port", t.s)
			}
			tt := t
			portTok = &tt
			continue
		}
		letters := t.s[1:]
		for i, c := range letters {
			switch c {
			case 'l', 'n', 'v':
			case 'k':
				s.Keep = true
			case 'u':
				s.Proto = "udp"
			case 'p':
				if i != len(letters)-1 {
					v := token{s: letters[i+1:], col: t.col + 2 + i}
					portTok = &v
				} else {
					v, err := w.need("a port after -p")
					if err != nil {
						return err
					}
					portTok = &v
				}
			default:
				return errAt(t, "unsupported nc option -%c (netlab's nc -l knows -l, -k, -u, -p, -v, -n)", c)
			}
			if c == 'p' {
				break
			}
		}
	}
	if s.Proto == "udp" && s.Keep {
		return errAt(w.end, "nc: -k cannot be used with -u (every datagram is received without it)")
	}
	return s.finish(cmd, portTok, w, "nc -l")
}

// parseBusybox reads "busybox httpd [-f] [-v] -p [ADDR:]PORT", the
// stand-in for the tutorials' web server containers.
func parseBusybox(cmd *Command, w *words, _ bool) error {
	applet, err := w.need("an applet after busybox (netlab runs busybox httpd)")
	if err != nil {
		return err
	}
	if applet.s != "httpd" {
		return errAt(applet, "unsupported busybox applet %q: netlab runs busybox httpd -f -p PORT", applet.s)
	}
	s := &Serve{Kind: ServeHttpd, Proto: "tcp", Keep: true}
	var portTok *token
	for w.more() {
		t := w.next()
		switch t.s {
		case "-f", "-v", "-vv":
		case "-p":
			v, err := w.need("a port after -p")
			if err != nil {
				return err
			}
			if i := strings.LastIndexByte(v.s, ':'); i >= 0 {
				ip := net.ParseIP(v.s[:i]).To4()
				if ip == nil {
					return errAt(v, "%q is not an IPv4 address and port", v.s)
				}
				s.Bind = ip
				v = token{s: v.s[i+1:], col: v.col + i + 1}
			}
			portTok = &v
		default:
			return errAt(t, "unsupported busybox httpd option %q (netlab knows -f, -v, -p PORT)", t.s)
		}
	}
	if portTok == nil {
		return errAt(w.end, "missing -p PORT: netlab's busybox httpd needs the port it listens on")
	}
	return s.finish(cmd, portTok, w, "busybox httpd")
}

// parsePython reads "python3 -m http.server [PORT] [-b|--bind ADDR]"; the
// port is 8000 when none is given, as in Python.
func parsePython(cmd *Command, w *words, _ bool) error {
	m, err := w.need("-m http.server (netlab runs python3 only as -m http.server)")
	if err != nil {
		return err
	}
	if m.s != "-m" {
		return errAt(m, "unsupported python3 use %q: netlab runs python3 -m http.server [PORT]", m.s)
	}
	mod, err := w.need("http.server after -m")
	if err != nil {
		return err
	}
	if mod.s != "http.server" {
		return errAt(mod, "unsupported python3 module %q: netlab runs python3 -m http.server [PORT]", mod.s)
	}
	s := &Serve{Kind: ServePython, Proto: "tcp", Keep: true}
	var portTok *token
	for w.more() {
		t := w.next()
		switch {
		case t.s == "-b" || t.s == "--bind":
			v, err := w.need("an address after " + t.s)
			if err != nil {
				return err
			}
			ip := net.ParseIP(v.s).To4()
			if ip == nil {
				return errAt(v, "%q is not an IPv4 address", v.s)
			}
			s.Bind = ip
		case strings.HasPrefix(t.s, "-"):
			return errAt(t, "unsupported http.server option %q (netlab knows PORT and -b ADDR)", t.s)
		case portTok != nil:
			return errAt(t, "unexpected %q: http.server takes one port", t.s)
		default:
			tt := t
			portTok = &tt
		}
	}
	if portTok == nil {
		portTok = &token{s: "8000"}
	}
	return s.finish(cmd, portTok, w, "http.server")
}

// finish checks the port and adds the server to the command.
func (s *Serve) finish(cmd *Command, portTok *token, w *words, what string) error {
	if portTok == nil {
		return errAt(w.end, "missing the port %s listens on", what)
	}
	p, err := parseUint(*portTok, "port", 65535)
	if err != nil {
		return err
	}
	if p == 0 {
		return errAt(*portTok, "port 0 is not a port a server can be reached on")
	}
	s.Port, s.PortCol = p, portTok.col
	cmd.add(s)
	return nil
}
