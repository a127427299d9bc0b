package cmdline

import "strings"

// parseTcpdump reads "tcpdump -i IFACE [-n] [-v] [-e] [FILTER]" into a
// Capture.
func parseTcpdump(cmd *Command, w *words, _ bool) error {
	a := &Capture{}
	var filter []string
	for w.more() {
		t := w.next()
		var err error
		switch {
		case t.s == "-i":
			if a.Iface, a.IfaceCol, err = w.ifName("an interface after -i"); err != nil {
				return err
			}
		case strings.HasPrefix(t.s, "-i") && len(t.s) > 2:
			it := token{s: t.s[2:], col: t.col + 2}
			if a.Iface, err = parseIfName(it); err != nil {
				return err
			}
			a.IfaceCol = it.col
		case strings.HasPrefix(t.s, "-") && strings.Trim(t.s[1:], "nvleq") == "":
			if strings.Contains(t.s, "e") {
				a.LinkLevel = true
			}
			a.Verbose = min(a.Verbose+strings.Count(t.s, "v"), 2)
		case strings.HasPrefix(t.s, "-"):
			return errAt(t, "unsupported tcpdump option %q (netlab knows -i, -n, -v, -e, -l)", t.s)
		default:
			filter = append(filter, t.s)
		}
	}
	if a.Iface == "" {
		_, err := w.need("\"-i IFACE\"")
		return err
	}
	a.Filter = strings.Join(filter, " ")
	cmd.add(a)
	return nil
}
