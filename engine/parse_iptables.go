package engine

import (
	"strings"
)

var iptablesTables = map[string]bool{"filter": true, "nat": true, "mangle": true, "raw": true, "security": true}

// iptablesLong maps iptables' own long options to their short form, so
// that unambiguous abbreviations (--line-number, --dest) work as in the
// real tool. Match and target options pass through to iptables itself.
var iptablesLong = map[string]string{
	"--append": "-A", "--insert": "-I", "--delete": "-D", "--replace": "-R",
	"--check": "-C", "--new-chain": "-N", "--delete-chain": "-X", "--flush": "-F",
	"--policy": "-P", "--list-rules": "-S", "--list": "-L", "--table": "-t",
	"--numeric": "-n", "--verbose": "-v", "--line-numbers": "--line-numbers",
	"--wait": "-w", "--exact": "-x", "--source": "-s", "--src": "-s",
	"--destination": "-d", "--dst": "-d", "--protocol": "-p",
	"--in-interface": "-i", "--out-interface": "-o", "--jump": "-j",
	"--goto": "-g", "--match": "-m", "--fragment": "-f",
}

// iptablesExtLong are common match and target options, only used to expand
// unambiguous abbreviations before the rule reaches iptables.
var iptablesExtLong = []string{
	"--dport", "--sport", "--dports", "--sports", "--to-destination", "--to-source",
	"--to-ports", "--comment", "--state", "--ctstate", "--icmp-type", "--reject-with",
	"--log-prefix", "--set-mark", "--mark", "--tcp-flags", "--syn", "--random", "--random-fully",
}

func expandLong(s string) string {
	if !strings.HasPrefix(s, "--") {
		return s
	}
	var found []string
	for full := range iptablesLong {
		if full == s {
			return iptablesLong[full]
		}
		if strings.HasPrefix(full, s) && len(s) > 3 {
			found = append(found, iptablesLong[full])
		}
	}
	for _, full := range iptablesExtLong {
		if full == s {
			return s
		}
		if strings.HasPrefix(full, s) && len(s) > 3 {
			found = append(found, full)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return s
}

// iptablesCmdNeeds says whether a command letter takes a chain (1 required,
// 0 optional) and a rule.
var iptablesCmds = map[string]struct {
	chain    int // 1 required, 0 optional
	rule     bool
	mutating bool
}{
	"-A": {1, true, true}, "-I": {1, true, true}, "-D": {1, true, true}, "-R": {1, true, true},
	"-C": {1, true, false}, "-N": {1, false, true}, "-X": {0, false, true}, "-F": {0, false, true},
	"-P": {1, false, true}, "-S": {0, false, false}, "-L": {0, false, false},
}

func parseIptables(cmd *Command, w *words) error {
	a := &iptablesAction{table: "filter"}
	var verbTok token
	var rest []token
	// Expand combined short flags such as -nL or -nvL.
	var toks []token
	for w.more() {
		t := w.next()
		if len(t.s) > 2 && t.s[0] == '-' && t.s[1] != '-' && strings.Trim(t.s[1:], "nvxLSFXZ") == "" {
			for i, c := range t.s[1:] {
				toks = append(toks, token{s: "-" + string(c), col: t.col + 1 + i})
			}
			continue
		}
		toks = append(toks, token{s: expandLong(t.s), col: t.col})
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		arg := func(what string) (token, error) {
			if i+1 >= len(toks) {
				return w.end, &ParseError{Col: w.end.col, Msg: "missing " + what + " after " + t.s}
			}
			i++
			return toks[i], nil
		}
		switch {
		case t.s == "-t":
			v, err := arg("a table")
			if err != nil {
				return err
			}
			if !iptablesTables[v.s] {
				return errAt(v, "unknown iptables table %q (filter, nat, mangle, raw, security)", v.s)
			}
			a.table = v.s
		case t.s == "-n":
			a.numeric = true
		case t.s == "-v":
			a.verbose = true
		case t.s == "-x" || t.s == "-w":
		case t.s == "--line-numbers":
			a.lineNumbers = true
		case isIptablesCmd(t.s):
			if a.verb != "" {
				return errAt(t, "iptables takes one command; %q comes after %s", t.s, a.verb)
			}
			a.verb, verbTok = t.s, t
			spec := iptablesCmds[t.s]
			if i+1 < len(toks) && !strings.HasPrefix(toks[i+1].s, "-") {
				i++
				a.chain = toks[i].s
			} else if spec.chain == 1 {
				if i+1 < len(toks) {
					return errAt(toks[i+1], "missing a chain after %s (found %q)", t.s, toks[i+1].s)
				}
				_, err := arg("a chain")
				return err
			}
			switch t.s {
			case "-I", "-R", "-D":
				if i+1 < len(toks) && isNumber(toks[i+1].s) {
					i++
					n, err := parseUint(toks[i], "rule number", 1<<20)
					if err != nil {
						return err
					}
					if n == 0 {
						return errAt(toks[i], "rule numbers start at 1")
					}
					a.pos = n
				} else if t.s == "-R" {
					if i+1 < len(toks) {
						return errAt(toks[i+1], "iptables -R needs a rule number before the rule")
					}
					_, err := arg("a rule number")
					return err
				}
			case "-P":
				v, err := arg("a policy (ACCEPT or DROP)")
				if err != nil {
					return err
				}
				if v.s != "ACCEPT" && v.s != "DROP" {
					return errAt(v, "a chain policy is ACCEPT or DROP, not %q", v.s)
				}
				a.policy = v.s
			}
		default:
			rest = append(rest, t)
		}
	}
	if a.verb == "" {
		return &ParseError{Col: w.end.col, Msg: "missing an iptables command (-A, -I, -D, -R, -N, -X, -F, -P, -S, -L)"}
	}
	spec := iptablesCmds[a.verb]
	if !spec.rule && len(rest) > 0 {
		return errAt(rest[0], "unexpected %q after iptables %s", rest[0].s, a.verb)
	}
	if spec.rule {
		if a.verb == "-D" && a.pos > 0 {
			if len(rest) > 0 {
				return errAt(rest[0], "unexpected %q: iptables -D takes a rule number or a rule, not both", rest[0].s)
			}
		} else if len(rest) == 0 {
			return errAt(verbTok, "iptables %s needs a rule (for example -s 192.168.88.0/24 -j MASQUERADE)", a.verb)
		}
		if err := checkRuleSpec(rest); err != nil {
			return err
		}
		for _, t := range rest {
			a.rule = append(a.rule, t.s)
		}
	}
	if a.chain != "" && (len(a.chain) > 28 || strings.ContainsAny(a.chain, " !")) {
		return errAt(verbTok, "%q is not a valid chain name", a.chain)
	}
	cmd.Actions = append(cmd.Actions, a)
	return nil
}

// checkRuleSpec catches the mistakes iptables itself would reject, so that
// lint points at the word before anything runs.
func checkRuleSpec(rest []token) error {
	for i := 0; i < len(rest); i++ {
		t := rest[i]
		name, _, _ := strings.Cut(t.s, "=")
		if t.s == "-M" || (len(name) >= 5 && strings.HasPrefix("--modprobe", name)) {
			// libxtables runs the named program as root to load modules.
			return errAt(t, "%q is refused: it makes iptables run a program of your choice", t.s)
		}
		if (t.s == "-m" || t.s == "--match") && i+1 < len(rest) && rest[i+1].s == "physdev" {
			return errAt(rest[i+1], "the physdev match is refused: it loads br_netfilter, which changes how the whole machine filters bridged traffic")
		}
		switch t.s {
		case "-s", "-d":
			if i+1 >= len(rest) {
				return errAt(t, "missing an address after %s", t.s)
			}
			v := rest[i+1]
			if v.s == "!" {
				continue
			}
			if _, err := parseCIDR(v, true); err != nil {
				return err
			}
			i++
		case "-p":
			if i+1 >= len(rest) {
				return errAt(t, "missing a protocol after -p")
			}
			i++
		case "-j", "-g":
			if i+1 >= len(rest) {
				return errAt(t, "missing a target after %s", t.s)
			}
			i++
		case "-i", "-o":
			if i+1 >= len(rest) {
				return errAt(t, "missing an interface after %s", t.s)
			}
			i++
		}
	}
	return nil
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

func isIptablesCmd(s string) bool {
	_, ok := iptablesCmds[s]
	return ok
}
