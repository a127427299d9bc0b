package cmdline

import (
	"strings"
	"unicode/utf8"
)

// Command is one parsed command line: the text as written, the namespace an
// "ip netns exec NS" prefix selects, and the operations it performs in
// order.
type Command struct {
	Text     string // the line exactly as written
	Netns    string // namespace from an "ip netns exec" prefix; "" runs on the node itself
	NetnsCol int    // column of Netns in Text, 0 when there is no prefix
	Program  string // the program the line names, one of the programs table (cmdline/command.go)
	Ops      []Op   // what the command does, in order
}

// Mutating reports whether the command changes kernel state (and so has an
// undo and checks), as opposed to a show command or ping.
func (c *Command) Mutating() bool {
	for _, o := range c.Ops {
		if o.Mutating() {
			return true
		}
	}
	return false
}

// grammar reads the words after a program's name into cmd. top is false
// inside "ip netns exec", where a second exec is refused.
type grammar func(cmd *Command, w *words, top bool) error

// program is one entry of the programs table, like a line of iproute2's
// ip.c cmds[]: the name, the grammar and the forms it takes, for the
// error an unsupported program gets.
type program struct {
	name  string
	parse grammar
	forms []string
}

// programs lists every program netlab runs. It is filled in init because
// the ip grammar reads "ip netns exec" lines through it.
var programs []program

func init() {
	programs = []program{
		{"ip", parseIP, []string{
			"ip netns add|del|list|exec",
			"ip link add|set|del",
			"ip addr add|del",
			"ip route add|del",
			"ip [-br] addr|link|route|neigh [show]",
			"ip neigh add|replace|change|del",
		}},
		{"brctl", parseBrctl, []string{"brctl addbr|delbr|addif|delif|hairpin|show|showmacs"}},
		{"bridge", parseBridge, []string{"bridge fdb add|append|del|replace|show", "bridge link show"}},
		{"ifconfig", parseIfconfig, []string{"ifconfig"}},
		{"sysctl", parseSysctl, []string{"sysctl [-w]"}},
		{"echo", parseEcho, []string{"echo VALUE > /proc/sys/...", "echo \"IP NAME\" >> /etc/hosts"}},
		{"iptables", parseIptables, []string{"iptables"}},
		{"ping", parsePing, []string{"ping"}},
		{"arp", parseArp, []string{"arp [-n]"}},
		{"tcpdump", parseTcpdump, []string{"tcpdump -i IFACE (as a capture)"}},
		{"curl", parseCurl, []string{"curl [-s] [-v] [-I] [-m S] [--connect-timeout S] URL"}},
		{"wget", parseWget, []string{"wget -qO- URL"}},
		{"nc", parseNc, []string{"nc [-u] [-v] [-z] [-w S] HOST PORT", "nc -l [-k] [-u] [-p] PORT"}},
		{"busybox", parseBusybox, []string{"busybox httpd -f -p PORT"}},
		{"python3", parsePython, []string{"python3 -m http.server PORT"}},
		{"conntrack", parseConntrack, []string{"conntrack -L [-p PROTO] [-s|-d ADDR] [--sport|--dport P]"}},
	}
}

// Families lists the supported command families, for the error an
// unsupported program gets.
func Families() []string {
	var out []string
	for _, p := range programs {
		out = append(out, p.forms...)
	}
	return out
}

// Parse turns one command line into a Command. A leading "sudo" is accepted
// and ignored. Shell syntax (pipes, chaining, substitution, globbing,
// redirections other than "echo VALUE > /proc/sys/..." and
// `echo "IP NAME" >> /etc/hosts`) is refused, as is
// any program outside the supported families. Errors are *ParseError,
// pointing at the offending word.
func Parse(line string) (*Command, error) {
	cmd := &Command{Text: line}
	toks, err := tokenizeEcho(line)
	if err != nil {
		return nil, err
	}
	w := newWords(toks, line)
	if w.more() && w.peek().s == "sudo" {
		w.next()
	}
	if !w.more() {
		return nil, &ParseError{Col: w.end.col, Msg: "empty command"}
	}
	if err := parseInto(cmd, w, true); err != nil {
		return nil, err
	}
	return cmd, nil
}

// tokenizeEcho tokenizes a line, allowing the two redirections netlab
// understands on an echo line: "echo VALUE > /proc/sys/KEY" and `echo
// "IP NAME" >> /etc/hosts`. The line must hold that one operator and no
// other '>'; the grammar (echo.go) then checks where it points.
func tokenizeEcho(line string) ([]token, error) {
	trimmed := strings.TrimLeft(line, " \t")
	rest := strings.TrimPrefix(trimmed, "sudo ")
	if strings.HasPrefix(strings.TrimLeft(rest, " \t"), "echo ") {
		op := ""
		switch n := strings.Count(line, ">"); {
		case n == 1:
			op = ">"
		case n == 2 && strings.Contains(line, ">>"):
			op = ">>"
		}
		if i := strings.Index(line, op); op != "" && i > 0 {
			left, err := tokenize(line[:i])
			if err != nil {
				return nil, err
			}
			col := utf8.RuneCountInString(line[:i]) + 1
			right, err := tokenizeAt(line[i+len(op):], col+len(op)-1)
			if err != nil {
				return nil, err
			}
			toks := append(left, token{s: op, col: col})
			return append(toks, right...), nil
		}
	}
	return tokenize(line)
}

// parseInto reads a program's name and hands the rest to its grammar.
func parseInto(cmd *Command, w *words, top bool) error {
	prog := w.next()
	cmd.Program = prog.s
	for _, p := range programs {
		if p.name == prog.s {
			return p.parse(cmd, w, top)
		}
	}
	if prog.s == "sudo" {
		return errAt(prog, "\"sudo\" may only start a line")
	}
	return errAt(prog, "unsupported command %q: netlab runs only these command families: %s", prog.s, strings.Join(Families(), "; "))
}

// add appends operations to the command.
func (c *Command) add(ops ...Op) { c.Ops = append(c.Ops, ops...) }
