package engine

import "github.com/netlab/netlab/engine/cmdline"

// Command is one parsed command line bound to the engine: the text as
// written, the namespace an "ip netns exec NS" prefix selects, and the
// actions it performs in order.
type Command struct {
	Text    string           // the line exactly as written
	Netns   string           // namespace from an "ip netns exec" prefix; "" runs on the node itself
	Program string           // the program the line names, one of the programs table (cmdline/command.go)
	Actions []Action         // what the command does, in order
	Source  *cmdline.Command // the parse it was bound from
}

// Mutating reports whether the command changes kernel state (and so has an
// undo and checks), as opposed to a show command or ping.
func (c *Command) Mutating() bool {
	for _, a := range c.Actions {
		if a.Mutating() {
			return true
		}
	}
	return false
}

// Action is one typed kernel operation a command performs: a cmdline
// operation (whose Mutating it carries) with the code that runs it.
type Action interface {
	// Mutating reports whether the action changes kernel state.
	Mutating() bool
	// run performs the action in the context's node and returns what the
	// real tool would print.
	run(x *execCtx) (string, error)
	// check tells whether the action's effect is present now: nil when it
	// is, otherwise what is missing in words a student understands.
	check(x *execCtx) error
	// decides names what the action decides about the lab on node, so
	// Check asks only for the last word on each ("node/link:up",
	// "ns:NAME"). Deleting a link or a namespace decides everything about
	// it ("node/link" and "ns:NAME").
	decides(node string) []string
}

// readOnly is embedded by actions that only read the lab: nothing to
// check, nothing decided.
type readOnly struct{}

func (readOnly) check(*execCtx) error    { return nil }
func (readOnly) decides(string) []string { return nil }

// ParseError reports a command the parser rejects; see cmdline.ParseError.
type ParseError = cmdline.ParseError

// Parse turns one command line into a Command bound to the engine's
// actions; see cmdline.Parse for the language. Errors are *ParseError.
func Parse(line string) (*Command, error) {
	c, err := cmdline.Parse(line)
	if err != nil {
		return nil, err
	}
	return Bind(c), nil
}
