package cmdline

// parseBrctl reads "brctl addbr|delbr|addif|delif|hairpin|show|showmacs ...": the same link
// operations as ip link, in brctl's grammar, and two shows.
func parseBrctl(cmd *Command, w *words, _ bool) error {
	verb, err := w.need("a brctl command (addbr, delbr, addif, delif, hairpin, show, showmacs)")
	if err != nil {
		return err
	}
	switch verb.s {
	case "addbr", "delbr":
		br, col, err := w.ifName("a bridge name")
		if err != nil {
			return err
		}
		if verb.s == "addbr" {
			cmd.add(&LinkAdd{Name: br, Kind: "bridge", NameCol: col})
		} else {
			cmd.add(&LinkDel{Dev: br, BridgeOnly: true, DevCol: col})
		}
		return w.trailing()
	case "addif", "delif":
		br, brCol, err := w.ifName("a bridge name")
		if err != nil {
			return err
		}
		if !w.more() {
			_, err := w.need("an interface to " + map[string]string{"addif": "attach", "delif": "detach"}[verb.s])
			return err
		}
		for w.more() {
			t := w.next()
			it, err := parseIfName(t)
			if err != nil {
				return err
			}
			if verb.s == "addif" {
				m := br
				cmd.add(&LinkSet{Dev: it, Master: &m, DevCol: t.col, MasterCol: brCol})
			} else {
				cmd.add(&LinkSet{Dev: it, Master: new(string), FromBridge: br, DevCol: t.col, MasterCol: brCol})
			}
		}
		return nil
	case "hairpin":
		br, brCol, err := w.ifName("a bridge name")
		if err != nil {
			return err
		}
		port, col, err := w.ifName("a port of " + br)
		if err != nil {
			return err
		}
		t, err := w.need("on or off")
		if err != nil {
			return err
		}
		if t.s != "on" && t.s != "off" {
			return errAt(t, "expected on or off, not %q", t.s)
		}
		on := t.s == "on"
		cmd.add(&LinkSet{Dev: port, Hairpin: &on, FromBridge: br, DevCol: col, MasterCol: brCol})
		return w.trailing()
	case "showmacs":
		a := &BridgeMacs{}
		if a.Bridge, a.BridgeCol, err = w.ifName("a bridge name"); err != nil {
			return err
		}
		cmd.add(a)
		return w.trailing()
	case "show":
		a := &BridgeShow{}
		if w.more() {
			t := w.next()
			if a.Bridge, err = parseIfName(t); err != nil {
				return err
			}
			a.BridgeCol = t.col
		}
		cmd.add(a)
		return w.trailing()
	}
	return errAt(verb, "unknown brctl command %q (addbr, delbr, addif, delif, hairpin, show, showmacs)", verb.s)
}
