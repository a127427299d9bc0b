package cmdline

import "strings"

// parseNcConnect reads the client form of nc, "nc [-u] [-v] [-n] [-z]
// [-N] [-w S] HOST PORT", letters apart or combined ("-zv", "-w3"); parseNc
// hands it every line without -l.
func parseNcConnect(cmd *Command, w *words) error {
	c := &NcConnect{}
	var args []token
	for w.more() {
		t := w.next()
		if !strings.HasPrefix(t.s, "-") || len(t.s) < 2 {
			if len(args) == 2 {
				return errAt(t, "unexpected %q: nc connects to one HOST PORT", t.s)
			}
			args = append(args, t)
			continue
		}
		letters := t.s[1:]
	group:
		for i := 0; i < len(letters); i++ {
			switch letters[i] {
			case 'u':
				c.UDP = true
			case 'v':
				c.Verbose = true
			case 'n':
				c.Numeric = true
			case 'z':
				c.Zero = true
			case 'N':
			case 'k':
				return errAt(t, "nc: -k needs -l (only a server goes on accepting)")
			case 'w':
				v := token{s: letters[i+1:], col: t.col + 2 + i}
				if v.s == "" {
					var err error
					if v, err = w.need("a number of seconds after -w"); err != nil {
						return err
					}
				}
				d, err := seconds(v, true)
				if err != nil {
					return err
				}
				c.Wait = d
				break group
			default:
				return errAt(t, "unsupported nc option -%c (netlab's nc knows -u, -v, -n, -z, -N, -w S, and -l for a server)", letters[i])
			}
		}
	}
	if len(args) < 2 {
		what := "the host to connect to"
		if len(args) == 1 {
			what = "the port to connect to (nc HOST PORT)"
		}
		return errAt(w.end, "missing %s", what)
	}
	if err := checkHost(args[0]); err != nil {
		return err
	}
	p, err := parseUint(args[1], "port", 65535)
	if err != nil {
		return err
	}
	if p == 0 {
		return errAt(args[1], "port 0 is not a port a server can be reached on")
	}
	c.Host, c.HostCol, c.Port = args[0].s, args[0].col, p
	cmd.add(c)
	return nil
}
