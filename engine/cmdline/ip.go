package cmdline

// ipObjects is ip's own table of objects, as in iproute2's ip.c: each
// matches its name (or an abbreviation of it) and reads the rest.
var ipObjects = []struct {
	matches func(word string) bool
	parse   func(cmd *Command, w *words, brief, top bool) error
}{
	{func(s string) bool { return s == "netns" }, func(cmd *Command, w *words, _, top bool) error { return parseNetns(cmd, w, top) }},
	{func(s string) bool { return matches(s, "link", 1) }, func(cmd *Command, w *words, brief, _ bool) error { return parseLink(cmd, w, brief) }},
	{func(s string) bool { return matches(s, "address", 1) || s == "addr" }, func(cmd *Command, w *words, brief, _ bool) error { return parseAddr(cmd, w, brief) }},
	{func(s string) bool { return matches(s, "route", 1) }, func(cmd *Command, w *words, brief, _ bool) error { return parseRoute(cmd, w, brief) }},
	{func(s string) bool { return matches(s, "neighbour", 1) || matches(s, "neighbor", 5) }, func(cmd *Command, w *words, brief, _ bool) error { return parseNeigh(cmd, w, brief) }},
}

// parseIP handles "ip [-br] OBJECT ...".
func parseIP(cmd *Command, w *words, top bool) error {
	brief, details := false, false
	for w.more() && len(w.peek().s) > 1 && w.peek().s[0] == '-' {
		t := w.next()
		switch t.s {
		case "-br", "-brief", "--brief":
			brief = true
		case "-d", "-details", "--details":
			details = true
		case "-4":
		default:
			return errAt(t, "unsupported ip option %q (netlab knows -br, -d and -4)", t.s)
		}
	}
	obj, err := w.need("an object: netns, link, addr, route or neigh")
	if err != nil {
		return err
	}
	for _, o := range ipObjects {
		if o.matches(obj.s) {
			if err := o.parse(cmd, w, brief, top); err != nil {
				return err
			}
			return setDetails(cmd, obj, details)
		}
	}
	return errAt(obj, "unknown ip object %q (netlab knows netns, link, addr, route, neigh)", obj.s)
}

// setDetails marks the link listing "ip -d link" asks for (ip -br
// ignores it); netlab shows no details of other objects, so -d is refused
// there.
func setDetails(cmd *Command, obj token, details bool) error {
	if !details {
		return nil
	}
	for _, o := range cmd.Ops {
		if s, ok := o.(*Show); ok && s.What == "link" {
			s.Details = !s.Brief // ip -br ignores -d
			return nil
		}
	}
	return errAt(obj, "netlab shows details (-d) only for \"ip -d link show\"")
}

// isShow reports whether a verb is show, list or ls (show abbreviated).
func isShow(s string) bool { return matches(s, "show", 1) || s == "list" || s == "ls" }
