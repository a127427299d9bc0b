package cmdline

// parseNetns reads "ip netns add|del|list|exec ...". top is false inside
// "ip netns exec", where a second exec is refused.
func parseNetns(cmd *Command, w *words, top bool) error {
	if !w.more() {
		cmd.add(&NetnsList{})
		return nil
	}
	verb := w.next()
	switch verb.s {
	case "list", "ls", "show":
		cmd.add(&NetnsList{})
		return w.trailing()
	case "add", "del", "delete":
		name, col, err := w.nsName("a namespace name")
		if err != nil {
			return err
		}
		if verb.s == "add" {
			cmd.add(&NetnsAdd{Name: name, NameCol: col})
		} else {
			cmd.add(&NetnsDel{Name: name, NameCol: col})
		}
		return w.trailing()
	case "exec":
		if !top {
			return errAt(verb, "\"ip netns exec\" cannot be nested")
		}
		var err error
		if cmd.Netns, cmd.NetnsCol, err = w.nsName("a namespace name"); err != nil {
			return err
		}
		if !w.more() {
			_, err := w.need("a command to run in namespace " + cmd.Netns)
			return err
		}
		return parseInto(cmd, w, false)
	}
	return errAt(verb, "unknown ip netns command %q (add, del, list, exec)", verb.s)
}
