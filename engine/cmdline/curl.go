package cmdline

import (
	"strings"
	"time"
)

// parseCurl reads "curl [-s] [-S] [-v] [-I] [-m S] [--max-time S]
// [--connect-timeout S] URL", options before or after the URL, short
// ones alone or combined ("-sv", "-m5").
func parseCurl(cmd *Command, w *words, _ bool) error {
	g := &HTTPGet{Tool: "curl"}
	var urlTok *token
	for w.more() {
		t := w.next()
		switch {
		case strings.HasPrefix(t.s, "--"):
			if err := curlLong(g, t, w); err != nil {
				return err
			}
		case strings.HasPrefix(t.s, "-") && len(t.s) > 1:
			if err := curlShort(g, t, w); err != nil {
				return err
			}
		case urlTok != nil:
			return errAt(t, "unexpected %q: netlab's curl fetches one URL", t.s)
		default:
			tt := t
			urlTok = &tt
		}
	}
	if urlTok == nil {
		_, err := w.need("a URL to fetch (like http://192.168.88.12/)")
		return err
	}
	if err := parseURL(*urlTok, g); err != nil {
		return err
	}
	cmd.add(g)
	return nil
}

// curlLong reads one long option.
func curlLong(g *HTTPGet, t token, w *words) error {
	switch t.s {
	case "--silent":
		g.Silent = true
	case "--show-error":
		g.ShowErrors = true
	case "--verbose":
		g.Verbose = true
	case "--head":
		g.Head = true
	case "--max-time", "--connect-timeout":
		v, err := w.need("a number of seconds after " + t.s)
		if err != nil {
			return err
		}
		d, err := seconds(v, false)
		if err != nil {
			return err
		}
		if t.s == "--max-time" {
			g.MaxTime = d
		} else {
			g.ConnectTimeout = d
		}
	default:
		return errAt(t, "unsupported curl option %q (netlab knows -s, -S, -v, -I, -m, --max-time, --connect-timeout)", t.s)
	}
	return nil
}

// curlShort reads a group of short options; -m takes the rest of the
// group or the next word as its value.
func curlShort(g *HTTPGet, t token, w *words) error {
	letters := t.s[1:]
	for i := 0; i < len(letters); i++ {
		switch letters[i] {
		case 's':
			g.Silent = true
		case 'S':
			g.ShowErrors = true
		case 'v':
			g.Verbose = true
		case 'I':
			g.Head = true
		case 'm':
			v := token{s: letters[i+1:], col: t.col + 2 + i}
			if v.s == "" {
				var err error
				if v, err = w.need("a number of seconds after -m"); err != nil {
					return err
				}
			}
			d, err := seconds(v, false)
			if err != nil {
				return err
			}
			g.MaxTime = d
			return nil
		default:
			return errAt(t, "unsupported curl option -%c (netlab knows -s, -S, -v, -I, -m, --max-time, --connect-timeout)", letters[i])
		}
	}
	return nil
}

// parseWget reads "wget -qO- URL" and its spellings: "-q -O -", "-O- -q",
// "-qO -", "--quiet", "--output-document=-", with "-T S" or "--timeout=S".
// netlab's wget is quiet and writes to standard output only.
func parseWget(cmd *Command, w *words, _ bool) error {
	g := &HTTPGet{Tool: "wget"}
	var urlTok *token
	toStdout := false
	for w.more() {
		t := w.next()
		switch {
		case t.s == "--quiet":
			g.Silent = true
		case strings.HasPrefix(t.s, "--output-document="):
			v := token{s: strings.TrimPrefix(t.s, "--output-document="), col: t.col + len("--output-document=")}
			if v.s != "-" {
				return errAt(v, "netlab's wget writes to standard output only (-O -), not to %q", v.s)
			}
			toStdout = true
		case strings.HasPrefix(t.s, "--timeout="):
			d, err := seconds(token{s: strings.TrimPrefix(t.s, "--timeout="), col: t.col + len("--timeout=")}, false)
			if err != nil {
				return err
			}
			g.ConnectTimeout = d
		case strings.HasPrefix(t.s, "--"):
			return errAt(t, "unsupported wget option %q (netlab runs wget -qO- URL, with -T S)", t.s)
		case strings.HasPrefix(t.s, "-") && len(t.s) > 1:
			out, err := wgetShort(g, t, w)
			if err != nil {
				return err
			}
			toStdout = toStdout || out
		case urlTok != nil:
			return errAt(t, "unexpected %q: netlab's wget fetches one URL", t.s)
		default:
			tt := t
			urlTok = &tt
		}
	}
	if urlTok == nil {
		_, err := w.need("a URL to fetch (like http://192.168.88.12/)")
		return err
	}
	if !g.Silent || !toStdout {
		return errAt(w.end, "netlab runs wget as \"wget -qO- URL\" (quiet, to standard output): add -q and -O-")
	}
	if err := parseURL(*urlTok, g); err != nil {
		return err
	}
	cmd.add(g)
	return nil
}

// wgetShort reads a group of short options; -O and -T take the rest of
// the group or the next word. It reports whether the group held -O -.
func wgetShort(g *HTTPGet, t token, w *words) (bool, error) {
	letters := t.s[1:]
	for i := 0; i < len(letters); i++ {
		c := letters[i]
		switch c {
		case 'q':
			g.Silent = true
			continue
		case 'O', 'T':
		default:
			return false, errAt(t, "unsupported wget option -%c (netlab runs wget -qO- URL, with -T S)", c)
		}
		v := token{s: letters[i+1:], col: t.col + 2 + i}
		if v.s == "" {
			var err error
			if v, err = w.need("a value after -" + string(c)); err != nil {
				return false, err
			}
		}
		if c == 'O' {
			if v.s != "-" {
				return false, errAt(v, "netlab's wget writes to standard output only (-O -), not to %q", v.s)
			}
			return true, nil
		}
		d, err := seconds(v, false)
		if err != nil {
			return false, err
		}
		g.ConnectTimeout = d
		return false, nil
	}
	return false, nil
}

// seconds reads a timeout as a duration.
func seconds(t token, integer bool) (time.Duration, error) {
	secs, err := parseSeconds(t, integer)
	if err != nil {
		return 0, err
	}
	return time.Duration(secs * float64(time.Second)), nil
}
