package cmdline

// parseArp reads "arp [-n]": the neighbour table, in arp's format.
func parseArp(cmd *Command, w *words, _ bool) error {
	for w.more() {
		t := w.next()
		if t.s != "-n" && t.s != "-a" && t.s != "-an" && t.s != "-na" && t.s != "-e" {
			return errAt(t, "unsupported arp option %q (netlab shows the table: arp [-n])", t.s)
		}
	}
	cmd.add(&Show{What: "arp"})
	return nil
}
