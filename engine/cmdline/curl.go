package cmdline

// parseCurl reads "curl [-s] [-v] [-I] [-m S] [--connect-timeout S] URL".
func parseCurl(cmd *Command, w *words, _ bool) error {
	return errAt(w.peek(), "curl is not supported yet")
}

// parseWget reads "wget -qO- URL".
func parseWget(cmd *Command, w *words, _ bool) error {
	return errAt(w.peek(), "wget is not supported yet")
}
