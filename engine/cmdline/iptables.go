package cmdline

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The iptables parser is an allow-list: every word of an iptables line is
// read here, option by option, the way iptables' own getopt_long and
// libxtables would read it (attached values, "--opt=value", unambiguous
// abbreviations of long options, combined short flags, "!" before an
// option). Anything not listed is refused at its column. What reaches the
// iptables program is re-rendered from the parsed form (see
// IptablesRule.Argv), never the lab's own words: an option iptables
// knows but netlab does not (--modprobe runs a program as root) can never
// slip through.

var iptablesTables = map[string]bool{"filter": true, "nat": true, "mangle": true, "raw": true}

// iptOpt is one option iptables understands.
type iptOpt struct {
	long  string   // canonical long name, without "--"
	alias []string // other long spellings (src for source)
	short byte     // short letter, 0 when none
	nargs int      // values it takes: 0, 1, 2, or optArg (optional, -w)
	neg   bool     // whether "!" may precede it
	// val checks one value and returns it as netlab renders it.
	val func(v token) (string, error)
}

// optArg marks an option whose value is optional (-w [SECONDS]).
const optArg = -1

// key is the option as netlab renders it: the short form for iptables'
// own options, the canonical long form for match and target options.
func (o *iptOpt) key() string {
	if o.short != 0 {
		return "-" + string(o.short)
	}
	return "--" + o.long
}

// iptMainOpts are iptables' own options, as its getopt_long table lists
// them, including the ones netlab refuses: a refused option must still be
// known so that its abbreviations are recognised (--mo is --modprobe).
var iptMainOpts = []*iptOpt{
	{long: "append", short: 'A', nargs: 1}, {long: "delete", short: 'D', nargs: 1},
	{long: "check", short: 'C', nargs: 1}, {long: "insert", short: 'I', nargs: 1},
	{long: "replace", short: 'R', nargs: 1}, {long: "list", short: 'L'},
	{long: "list-rules", short: 'S'}, {long: "flush", short: 'F'}, {long: "zero", short: 'Z'},
	{long: "new-chain", short: 'N', nargs: 1}, {long: "delete-chain", short: 'X'},
	{long: "rename-chain", short: 'E', nargs: 1}, {long: "policy", short: 'P', nargs: 1},
	{long: "source", alias: []string{"src"}, short: 's', nargs: 1, neg: true, val: iptAddrList},
	{long: "destination", alias: []string{"dst"}, short: 'd', nargs: 1, neg: true, val: iptAddrList},
	{long: "protocol", short: 'p', nargs: 1, neg: true, val: iptProto},
	{long: "in-interface", short: 'i', nargs: 1, neg: true, val: iptIface},
	{long: "out-interface", short: 'o', nargs: 1, neg: true, val: iptIface},
	{long: "jump", short: 'j', nargs: 1}, {long: "goto", short: 'g', nargs: 1},
	{long: "table", short: 't', nargs: 1}, {long: "match", short: 'm', nargs: 1},
	{long: "numeric", short: 'n'}, {long: "verbose", short: 'v'}, {long: "exact", short: 'x'},
	{long: "line-numbers"}, {long: "wait", short: 'w', nargs: optArg},
	{long: "wait-interval", short: 'W', nargs: 1}, {long: "fragment", short: 'f', neg: true},
	{long: "version", short: 'V'}, {long: "help", short: 'h'}, {long: "modprobe", short: 'M', nargs: 1},
	{long: "set-counters", short: 'c', nargs: 1}, {long: "ipv4", short: '4'}, {long: "ipv6", short: '6'},
}

// iptRefused are iptables options netlab knows and refuses, with why.
var iptRefused = map[string]string{
	"modprobe":      "it makes iptables run a program of your choice as root",
	"rename-chain":  "netlab does not support renaming chains",
	"wait-interval": "netlab waits for the xtables lock itself",
	"version":       "it is not a lab command",
	"help":          "it is not a lab command",
	"set-counters":  "netlab does not set counters",
	"ipv4":          "netlab's iptables is IPv4 only; leave it out",
	"ipv6":          "netlab does not support ip6tables rules",
}

// iptMatches are the matches (-m NAME) netlab allows, with their options.
// A protocol given with -p tcp/udp/icmp loads its match implicitly, as in
// iptables.
var iptMatches = map[string][]*iptOpt{
	"tcp": {
		{long: "sport", alias: []string{"source-port"}, nargs: 1, neg: true, val: iptPortRange},
		{long: "dport", alias: []string{"destination-port"}, nargs: 1, neg: true, val: iptPortRange},
		{long: "tcp-flags", nargs: 2, neg: true, val: iptTCPFlags},
		{long: "syn", neg: true},
	},
	"udp": {
		{long: "sport", alias: []string{"source-port"}, nargs: 1, neg: true, val: iptPortRange},
		{long: "dport", alias: []string{"destination-port"}, nargs: 1, neg: true, val: iptPortRange},
	},
	"icmp": {{long: "icmp-type", nargs: 1, neg: true, val: iptICMPType}},
	"multiport": {
		{long: "sports", alias: []string{"source-ports"}, nargs: 1, neg: true, val: iptPortList},
		{long: "dports", alias: []string{"destination-ports"}, nargs: 1, neg: true, val: iptPortList},
		{long: "ports", nargs: 1, neg: true, val: iptPortList},
	},
	"conntrack": {
		{long: "ctstate", nargs: 1, neg: true, val: iptWordList("conntrack state", "INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED", "SNAT", "DNAT")},
		{long: "ctproto", nargs: 1, neg: true, val: iptProto},
		{long: "ctorigsrc", nargs: 1, neg: true, val: iptAddr},
		{long: "ctorigdst", nargs: 1, neg: true, val: iptAddr},
		{long: "ctreplsrc", nargs: 1, neg: true, val: iptAddr},
		{long: "ctrepldst", nargs: 1, neg: true, val: iptAddr},
		{long: "ctorigsrcport", nargs: 1, neg: true, val: iptPortRange},
		{long: "ctorigdstport", nargs: 1, neg: true, val: iptPortRange},
		{long: "ctreplsrcport", nargs: 1, neg: true, val: iptPortRange},
		{long: "ctrepldstport", nargs: 1, neg: true, val: iptPortRange},
		{long: "ctstatus", nargs: 1, neg: true, val: iptWordList("conntrack status", "NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED")},
		{long: "ctdir", nargs: 1, val: iptWordList("conntrack direction", "ORIGINAL", "REPLY")},
	},
	"state": {{long: "state", nargs: 1, neg: true, val: iptWordList("state", "INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED")}},
	"addrtype": {
		{long: "src-type", nargs: 1, neg: true, val: iptAddrTypes},
		{long: "dst-type", nargs: 1, neg: true, val: iptAddrTypes},
		{long: "limit-iface-in"}, {long: "limit-iface-out"},
	},
	"comment": {{long: "comment", nargs: 1, val: iptComment}},
	"mark":    {{long: "mark", nargs: 1, neg: true, val: iptMark}},
}

// iptRefusedMatches are matches refused with a reason of their own.
var iptRefusedMatches = map[string]string{
	"physdev": "the physdev match is refused: it loads br_netfilter, which changes how the whole machine filters bridged traffic",
}

// iptTargets are the targets netlab allows, with their options and the
// table they belong to ("" for any).
var iptTargets = map[string]struct {
	table string
	opts  []*iptOpt
}{
	"ACCEPT": {}, "DROP": {}, "RETURN": {},
	"REJECT": {opts: []*iptOpt{{long: "reject-with", nargs: 1, val: iptWord("reject type",
		"icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable", "icmp-proto-unreachable",
		"icmp-net-prohibited", "icmp-host-prohibited", "icmp-admin-prohibited", "tcp-reset")}}},
	"MASQUERADE": {table: "nat", opts: []*iptOpt{{long: "to-ports", nargs: 1, val: iptPortRangeDash},
		{long: "random"}, {long: "random-fully"}}},
	"SNAT": {table: "nat", opts: []*iptOpt{{long: "to-source", nargs: 1, val: iptNATAddr},
		{long: "random"}, {long: "random-fully"}, {long: "persistent"}}},
	"DNAT": {table: "nat", opts: []*iptOpt{{long: "to-destination", nargs: 1, val: iptNATAddr},
		{long: "random"}, {long: "persistent"}}},
	"LOG": {opts: []*iptOpt{{long: "log-prefix", nargs: 1, val: iptLogPrefix},
		{long: "log-level", nargs: 1, val: iptLogLevel},
		{long: "log-tcp-sequence"}, {long: "log-tcp-options"}, {long: "log-ip-options"}, {long: "log-uid"}}},
}

// iptExtensionTargets are targets iptables would load as extensions when
// named by -j: netlab refuses them rather than take them for a user chain.
var iptExtensionTargets = strings.Fields("AUDIT CHECKSUM CLASSIFY CLUSTERIP CONNMARK CONNSECMARK CT DNPT DSCP ECN " +
	"ERROR HL HMARK IDLETIMER LED MARK MIRROR NAT NETMAP NFLOG NFQUEUE NOTRACK QUEUE RATEEST REDIRECT SAME " +
	"SECMARK SET SNPT STANDARD SYNPROXY TCPMSS TCPOPTSTRIP TEE TOS TPROXY TRACE TTL ULOG")

// iptablesCmds says what each command (by its letter) takes.
var iptablesCmds = map[byte]struct {
	chain    int  // 1 required, 0 optional
	rule     bool // takes a rule specification
	mutating bool
}{
	'A': {1, true, true}, 'I': {1, true, true}, 'D': {1, true, true}, 'R': {1, true, true},
	'C': {1, true, false}, 'N': {1, false, true}, 'X': {0, false, true}, 'F': {0, false, true},
	'P': {1, false, true}, 'S': {0, false, false}, 'L': {0, false, false}, 'Z': {0, false, false},
}

// iptParser holds the state of one iptables line being read.
type iptParser struct {
	toks   []token
	i      int
	end    token
	a      *IptablesRule
	loaded [][]*iptOpt // option sets of the matches and target loaded so far
	verbT  token
	ruleT  *token // the first word of the rule, for "unexpected rule" errors
	target string
	tgtT   token
	seen   map[string]bool // options given, for duplicates and required ones
	proto  string          // the protocol -p gave, "" when none
}

// parseIptables reads an iptables line through the allow-list above.
func parseIptables(cmd *Command, w *words, _ bool) error {
	p := &iptParser{toks: w.toks[w.i:], end: w.end, a: &IptablesRule{Table: "filter"}, seen: map[string]bool{}}
	w.i = len(w.toks)
	if err := p.parse(); err != nil {
		return err
	}
	cmd.add(p.a)
	return nil
}

func (p *iptParser) more() bool { return p.i < len(p.toks) }

// ruleNumber reads the rule number at the parser's position into a.Pos.
func (p *iptParser) ruleNumber(a *IptablesRule) error {
	n, err := parseUint(p.toks[p.i], "rule number", 1<<20)
	if err != nil {
		return err
	}
	if n == 0 {
		return errAt(p.toks[p.i], "rule numbers start at 1")
	}
	a.Pos = n
	p.i++
	return nil
}

// value takes an option's value: the rest of the word when attached,
// else the next word.
func (p *iptParser) value(opt token, attached *token, what string) (token, error) {
	if attached != nil {
		return *attached, nil
	}
	if !p.more() {
		return p.end, &ParseError{Col: p.end.col, Msg: "missing " + what + " after " + clip(opt.s)}
	}
	p.i++
	return p.toks[p.i-1], nil
}

func (p *iptParser) parse() error {
	var neg *token
	for p.more() {
		t := p.toks[p.i]
		p.i++
		if t.s == "!" {
			if neg != nil {
				return errAt(t, "only one \"!\" may precede an option")
			}
			neg = &t
			continue
		}
		if !strings.HasPrefix(t.s, "-") || t.s == "-" {
			if neg != nil {
				return errAt(t, "\"!\" must be followed by an option, not %q", t.s)
			}
			if t.s == "-" {
				return errAt(t, "unexpected %q", t.s)
			}
			return errAt(t, "unexpected %q (an option or a chain in the wrong place?)", t.s)
		}
		if strings.HasPrefix(t.s, "--") {
			name, val, hasVal := strings.Cut(t.s[2:], "=")
			o, err := p.lookupLong(t, name)
			if err != nil {
				return err
			}
			var att *token
			if hasVal {
				if o.nargs == 0 {
					return errAt(t, "option --%s takes no value", o.long)
				}
				att = &token{s: val, col: t.col + 3 + utf8.RuneCountInString(name)}
			}
			if err := p.option(o, t, att, neg); err != nil {
				return err
			}
			neg = nil
			continue
		}
		// One or more short options in one word: -nvL, -tnat, -mcomment.
		// The first letter is reported at the word's "-", later ones at
		// their own column.
		col := t.col + 1
		rest := t.s[1:]
		for rest != "" {
			c := rest[0]
			ct := token{s: "-" + string(c), col: col}
			if col == t.col+1 {
				ct.col = t.col
			}
			if c >= utf8.RuneSelf {
				_, n := utf8.DecodeRuneInString(rest)
				return errAt(token{s: rest[:n], col: col}, "unknown iptables option %q", "-"+rest[:n])
			}
			o := iptShort(c)
			if o == nil {
				return errAt(ct, "unknown iptables option %q", ct.s)
			}
			rest = rest[1:]
			col++
			var att *token
			if o.nargs != 0 && rest != "" {
				att = &token{s: rest, col: col}
				rest = ""
			}
			if err := p.option(o, ct, att, neg); err != nil {
				return err
			}
			neg = nil
		}
	}
	if neg != nil {
		return errAt(*neg, "\"!\" must be followed by an option")
	}
	return p.finish()
}

func iptShort(c byte) *iptOpt {
	for _, o := range iptMainOpts {
		if o.short == c {
			return o
		}
	}
	return nil
}

// lookupLong resolves a long option as getopt_long does: an exact name, or
// a prefix of exactly one option (aliases of one option count once) among
// iptables' options and those of the matches and target loaded so far.
func (p *iptParser) lookupLong(t token, name string) (*iptOpt, error) {
	if name == "" {
		return nil, errAt(t, "unexpected %q", t.s)
	}
	sets := append([][]*iptOpt{iptMainOpts}, p.loaded...)
	var found []*iptOpt
	for _, set := range sets {
		for _, o := range set {
			for _, n := range append([]string{o.long}, o.alias...) {
				if n == name {
					return o, nil
				}
				if strings.HasPrefix(n, name) && !containsOpt(found, o) {
					found = append(found, o)
				}
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		var names []string
		for _, o := range found {
			names = append(names, "--"+o.long)
		}
		return nil, errAt(t, "option %q is ambiguous (%s)", "--"+name, strings.Join(names, ", "))
	}
	return nil, errAt(t, "unknown iptables option %q (netlab allows only the options labs need; a match or target option comes after its -m or -j)", "--"+name)
}

func containsOpt(list []*iptOpt, o *iptOpt) bool {
	for _, x := range list {
		// Options of different matches with one name (tcp and udp --dport)
		// are the same to the reader.
		if x == o || x.long == o.long {
			return true
		}
	}
	return false
}

// addRule appends rendered words to the rule, remembering where it began.
func (p *iptParser) addRule(t token, neg *token, words ...string) {
	if p.ruleT == nil {
		first := t
		if neg != nil {
			first = *neg
		}
		p.ruleT = &first
	}
	if neg != nil {
		p.a.Rule = append(p.a.Rule, "!")
	}
	p.a.Rule = append(p.a.Rule, words...)
}

// option applies one option; t is the option word (or letter), att its
// attached value if any.
func (p *iptParser) option(o *iptOpt, t token, att *token, neg *token) error {
	if why, ok := iptRefused[o.long]; ok {
		return errAt(t, "iptables option %s is refused: %s", clip(t.s), why)
	}
	if neg != nil && !o.neg {
		return errAt(*neg, "%s cannot be negated with \"!\"", o.key())
	}
	a := p.a
	if o.short != 0 {
		if _, isCmd := iptablesCmds[o.short]; isCmd {
			return p.command(o, t, att)
		}
	}
	switch o.short {
	case 't':
		v, err := p.value(t, att, "a table")
		if err != nil {
			return err
		}
		if !iptablesTables[v.s] {
			return errAt(v, "unknown iptables table %q (filter, nat, mangle, raw)", v.s)
		}
		a.Table = v.s
		return nil
	case 'n':
		a.Numeric = true
		return nil
	case 'v':
		a.Verbose = true
		return nil
	case 'x':
		a.Exact = true
		return nil
	case 'w':
		// An optional number of seconds, attached or as the next word;
		// go-iptables always waits for the lock, so it is not passed on.
		if att != nil {
			_, err := parseUint(*att, "number of seconds", 3600)
			return err
		}
		if p.more() && isNumber(p.toks[p.i].s) {
			if _, err := parseUint(p.toks[p.i], "number of seconds", 3600); err != nil {
				return err
			}
			p.i++
		}
		return nil
	case 'm':
		v, err := p.value(t, att, "a match name")
		if err != nil {
			return err
		}
		if why, ok := iptRefusedMatches[v.s]; ok {
			return errAt(v, "%s", why)
		}
		opts, ok := iptMatches[v.s]
		if !ok {
			return errAt(v, "unsupported iptables match %q (netlab allows %s)", v.s, strings.Join(sortedKeys(iptMatches), ", "))
		}
		if (v.s == "multiport" && p.proto != "tcp" && p.proto != "udp") || ((v.s == "tcp" || v.s == "udp" || v.s == "icmp") && p.proto != v.s) {
			return errAt(v, "-m %s needs -p %s before it", v.s, map[bool]string{true: "tcp or -p udp", false: v.s}[v.s == "multiport"])
		}
		p.loaded = append(p.loaded, opts)
		p.addRule(t, nil, "-m", v.s)
		return nil
	case 'p':
		if p.seen["protocol"] {
			return errAt(t, "-p is given twice")
		}
		p.seen["protocol"] = true
		v, err := p.value(t, att, "a protocol")
		if err != nil {
			return err
		}
		r, err := o.val(v)
		if err != nil {
			return err
		}
		if opts, ok := iptMatches[r]; ok && neg == nil {
			p.loaded = append(p.loaded, opts) // the implicit protocol match
			p.proto = r
		}
		p.addRule(t, neg, "-p", r)
		return nil
	case 'j', 'g':
		if p.target != "" {
			return errAt(t, "a rule has one target; %s comes after -j %s", clip(t.s), p.target)
		}
		v, err := p.value(t, att, "a target")
		if err != nil {
			return err
		}
		if err := p.targetWord(o, v); err != nil {
			return err
		}
		p.addRule(t, nil, o.key(), v.s)
		return nil
	case 0:
		if o.long == "line-numbers" {
			a.LineNumbers = true
			return nil
		}
	}
	// A rule option of iptables itself (-s, -d, -i, -o, -f) or of a match
	// or target. iptables refuses one given twice.
	if o.short != 0 && p.seen[o.long] {
		return errAt(t, "%s is given twice", o.key())
	}
	words := []string{o.key()}
	if o.nargs == 2 && att != nil {
		return errAt(*att, "--%s takes two words; write them after it, separated by a space", o.long)
	}
	for k := 0; k < o.nargs; k++ {
		v, err := p.value(t, att, "a value")
		if err != nil {
			return err
		}
		r, err := o.val(v)
		if err != nil {
			return err
		}
		words = append(words, r)
	}
	p.seen[o.long] = true
	p.addRule(t, neg, words...)
	return nil
}

// targetWord checks the word after -j or -g and loads a target's options.
func (p *iptParser) targetWord(o *iptOpt, v token) error {
	if tg, ok := iptTargets[v.s]; ok {
		if o.short == 'g' {
			return errAt(v, "-g goes to a user chain, not to %s", v.s)
		}
		if tg.table != "" && tg.table != p.a.Table {
			return errAt(v, "target %s belongs to the %s table (add -t %s before the command)", v.s, tg.table, tg.table)
		}
		p.target, p.tgtT = v.s, v
		p.loaded = append(p.loaded, tg.opts)
		return nil
	}
	for _, e := range iptExtensionTargets {
		if strings.EqualFold(e, v.s) {
			return errAt(v, "unsupported iptables target %q (netlab allows ACCEPT, DROP, RETURN, REJECT, MASQUERADE, SNAT, DNAT, LOG and user chains)", v.s)
		}
	}
	if err := checkChainName(v); err != nil {
		return err
	}
	p.target, p.tgtT = v.s, v
	return nil
}

// command reads a command and the chain, rule number or policy it takes.
func (p *iptParser) command(o *iptOpt, t token, att *token) error {
	a := p.a
	if a.Verb != "" {
		return errAt(t, "iptables takes one command; %s comes after %s", clip(t.s), a.Verb)
	}
	a.Verb, p.verbT = "-"+string(o.short), t
	spec := iptablesCmds[o.short]
	// The chain: the option's value (required) or, when optional, the next
	// word unless it is an option.
	var chain *token
	switch {
	case att != nil:
		chain = att
	case spec.chain == 1:
		v, err := p.value(t, nil, "a chain")
		if err != nil {
			return err
		}
		chain = &v
	case p.more() && !strings.HasPrefix(p.toks[p.i].s, "-") && p.toks[p.i].s != "!":
		chain = &p.toks[p.i]
		p.i++
	}
	if chain != nil {
		if err := checkChainName(*chain); err != nil {
			return err
		}
		a.Chain = chain.s
		if o.short == 'N' {
			if _, ok := iptTargets[chain.s]; ok || isBuiltinAnywhere(chain.s) {
				return errAt(*chain, "%q is a built-in chain or target; a new chain needs another name", chain.s)
			}
		}
	}
	nextPlain := p.more() && !strings.HasPrefix(p.toks[p.i].s, "-") && p.toks[p.i].s != "!"
	switch o.short {
	case 'I', 'D':
		if nextPlain {
			return p.ruleNumber(a)
		}
	case 'R':
		if !nextPlain {
			if p.more() {
				return errAt(p.toks[p.i], "iptables -R needs a rule number before the rule")
			}
			_, err := p.value(t, nil, "a rule number")
			return err
		}
		return p.ruleNumber(a)
	case 'P':
		v, err := p.value(t, nil, "a policy (ACCEPT or DROP)")
		if err != nil {
			return err
		}
		if v.s != "ACCEPT" && v.s != "DROP" {
			return errAt(v, "a chain policy is ACCEPT or DROP, not %q", v.s)
		}
		if !IsBuiltinChain(a.Table, a.Chain) {
			return errAt(*chain, "only built-in chains have a policy; %q is not one of the %s table", a.Chain, a.Table)
		}
		a.Policy = v.s
	}
	return nil
}

// finish checks the line as a whole.
func (p *iptParser) finish() error {
	a := p.a
	if a.Verb == "" {
		return &ParseError{Col: p.end.col, Msg: "missing an iptables command (-A, -I, -D, -R, -C, -N, -X, -F, -Z, -P, -S, -L)"}
	}
	spec := iptablesCmds[a.Verb[1]]
	if !spec.rule && p.ruleT != nil {
		return errAt(*p.ruleT, "unexpected %q: iptables %s takes no rule", clip(p.ruleT.s), a.Verb)
	}
	if spec.rule {
		if a.Verb == "-D" && a.Pos > 0 {
			if p.ruleT != nil {
				return errAt(*p.ruleT, "unexpected %q: iptables -D takes a rule number or a rule, not both", clip(p.ruleT.s))
			}
		} else if len(a.Rule) == 0 {
			return errAt(p.verbT, "iptables %s needs a rule (for example -s 192.168.88.0/24 -j MASQUERADE)", a.Verb)
		}
	}
	if a.Chain != "" && !IsBuiltinChain(a.Table, a.Chain) && isBuiltinAnywhere(a.Chain) {
		return errAt(p.verbT, "the %s table has no chain %s", a.Table, a.Chain)
	}
	if (a.Numeric || a.Exact || a.LineNumbers) && a.Verb != "-L" {
		return errAt(p.verbT, "-n, -x and --line-numbers go with -L, not with %s", a.Verb)
	}
	switch p.target {
	case "REJECT":
		if p.seen["reject-with"] && p.proto != "tcp" && strings.Contains(strings.Join(a.Rule, " "), "tcp-reset") {
			return errAt(p.tgtT, "--reject-with tcp-reset needs -p tcp")
		}
	case "SNAT":
		if !p.seen["to-source"] {
			return errAt(p.tgtT, "SNAT needs --to-source ADDRESS")
		}
	case "DNAT":
		if !p.seen["to-destination"] {
			return errAt(p.tgtT, "DNAT needs --to-destination ADDRESS[:PORT]")
		}
	}
	return nil
}

// checkChainName accepts a chain name as netlab allows it: letters,
// digits, '_', '.', '-', at most 28 characters, not starting with '-'.
func checkChainName(t token) error {
	ok := t.s != "" && len(t.s) <= 28 && t.s[0] != '-'
	for _, c := range t.s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			ok = false
		}
	}
	if !ok {
		return errAt(t, "%q is not a valid chain name (1-28 letters, digits, '_', '.' or '-')", t.s)
	}
	return nil
}

func isBuiltinAnywhere(chain string) bool {
	for table := range BuiltinChains {
		if IsBuiltinChain(table, chain) {
			return true
		}
	}
	return false
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// BuiltinChains are the chains each table has from the start.
var BuiltinChains = map[string][]string{
	"filter":   {"INPUT", "FORWARD", "OUTPUT"},
	"nat":      {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"},
	"mangle":   {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"},
	"raw":      {"PREROUTING", "OUTPUT"},
	"security": {"INPUT", "FORWARD", "OUTPUT"},
}

// IsBuiltinChain reports whether chain is one of table's built-in chains.
func IsBuiltinChain(table, chain string) bool {
	for _, c := range BuiltinChains[table] {
		if c == chain {
			return true
		}
	}
	return false
}

// Argv is the whole argument list of the parsed command, as the iptables
// program receives it (go-iptables adds only --wait).
func (a *IptablesRule) Argv() []string {
	args := []string{"-t", a.Table, a.Verb}
	if a.Chain != "" {
		args = append(args, a.Chain)
	}
	if a.Pos > 0 {
		args = append(args, fmt.Sprint(a.Pos))
	}
	args = append(args, a.Rule...)
	if a.Policy != "" {
		args = append(args, a.Policy)
	}
	for _, f := range []struct {
		on   bool
		flag string
	}{{a.Numeric, "-n"}, {a.Verbose, "-v"}, {a.Exact, "-x"}, {a.LineNumbers, "--line-numbers"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	return args
}
