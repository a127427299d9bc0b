package cmdline

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// parsePing reads "ping [-c N] [-W S] [-i S] [-w S] [-q] [-n] HOST",
// options before or after the host, values attached or apart. HOST is an
// IPv4 address or a host name, which the engine looks up in the node's
// names table (never in DNS).
func parsePing(cmd *Command, w *words, _ bool) error {
	a := &Ping{Count: DefaultPingCount, Wait: time.Second, Interval: time.Second}
	var addrTok *token
	for w.more() {
		t := w.next()
		if !strings.HasPrefix(t.s, "-") || len(t.s) < 2 {
			if addrTok != nil {
				return errAt(t, "unexpected %q: ping takes one address", t.s)
			}
			tt := t
			addrTok = &tt
			continue
		}
		flag, val := t.s[:2], t.s[2:]
		valTok := token{s: val, col: t.col + 2}
		if flag == "-4" || flag == "-n" || flag == "-q" {
			a.Quiet = a.Quiet || flag == "-q"
			a.Numeric = a.Numeric || flag == "-n"
			continue
		}
		if flag != "-c" && flag != "-W" && flag != "-i" && flag != "-w" {
			return errAt(t, "unsupported ping option %q (netlab knows -c, -W, -i, -w)", t.s)
		}
		if val == "" {
			v, err := w.need("a value after " + flag)
			if err != nil {
				return err
			}
			valTok = v
		}
		switch flag {
		case "-c":
			n, err := parseUint(valTok, "count", 1000)
			if err != nil {
				return err
			}
			if n == 0 {
				return errAt(valTok, "ping -c needs at least 1")
			}
			a.Count = n
		default:
			secs, err := strconv.ParseFloat(valTok.s, 64)
			if err != nil || secs < 0 || secs > 60 {
				return errAt(valTok, "%q is not a valid number of seconds (0-60)", valTok.s)
			}
			d := time.Duration(secs * float64(time.Second))
			switch flag {
			case "-W":
				a.Wait = d
			case "-w":
				a.Deadline = d
			default:
				if d < 10*time.Millisecond {
					return errAt(valTok, "an interval below 0.01 s would flood the lab; use at least 0.01")
				}
				a.Interval = d
			}
		}
	}
	if addrTok == nil {
		_, err := w.need("an address to ping")
		return err
	}
	if ip := net.ParseIP(addrTok.s); ip != nil && ip.To4() != nil {
		a.Addr = ip.To4()
	} else if IsHostName(addrTok.s) {
		a.Host, a.HostCol = addrTok.s, addrTok.col
	} else {
		return errAt(*addrTok, "%q is not an IPv4 address or a host name", addrTok.s)
	}
	cmd.add(a)
	return nil
}
