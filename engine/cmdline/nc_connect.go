package cmdline

// parseNcConnect reads the client form of nc, "nc [-u] [-v] [-z] [-w S]
// HOST PORT" (parseNc hands it every line without -l).
func parseNcConnect(cmd *Command, w *words) error {
	return errAt(w.peek(), "nc as a client is not supported yet")
}
