package cmdline

// parseShowTail reads "[show] [dev] [X]" after a show verb.
func parseShowTail(cmd *Command, w *words, what string, brief bool) error {
	a := &Show{What: what, Brief: brief}
	if w.more() && (matches(w.peek().s, "show", 1) || w.peek().s == "list") {
		w.next()
	}
	if w.more() {
		var err error
		if a.Dev, a.DevCol, err = w.devArg(); err != nil {
			return err
		}
	}
	cmd.add(a)
	return w.trailing()
}
