package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/coreos/go-iptables/iptables"
)

var (
	iptOnce sync.Once
	ipt     *iptables.IPTables
	iptErr  error
	// iptablesProgram is the iptables program netlab runs; a test points
	// it at a wrapper that records the argument lists it receives.
	iptablesProgram = "iptables"
)

// ErrNoIptables explains what to install when the iptables program is missing.
var ErrNoIptables = errors.New("the iptables program is not installed: install the 'iptables' package (apt-get install iptables)")

// iptHandle returns the shared go-iptables handle. It runs the iptables
// program, so which namespace a call acts in is the calling thread's:
// always call it inside execCtx.do.
func iptHandle() (*iptables.IPTables, error) {
	iptOnce.Do(func() {
		path, err := exec.LookPath(iptablesProgram)
		if err != nil {
			iptErr = ErrNoIptables
			return
		}
		ipt, iptErr = iptables.New(iptables.Path(path))
	})
	return ipt, iptErr
}

// iptablesRaw runs an iptables-family program inside the node and returns
// its output; used for -L, iptables-save and iptables-restore, which
// go-iptables does not wrap.
func (x *execCtx) iptablesRaw(stdin string, prog string, args ...string) (string, error) {
	if _, err := exec.LookPath(prog); err != nil {
		return "", ErrNoIptables
	}
	var out, errb bytes.Buffer
	err := x.do(func() error {
		c := exec.Command(prog, args...)
		c.Stdout, c.Stderr = &out, &errb
		if stdin != "" {
			c.Stdin = strings.NewReader(stdin)
		}
		return c.Run()
	})
	if err != nil {
		if msg := strings.TrimSpace(errb.String()); msg != "" {
			return out.String(), errors.New(msg)
		}
		return out.String(), err
	}
	return out.String(), nil
}

var builtinChains = map[string][]string{
	"filter":   {"INPUT", "FORWARD", "OUTPUT"},
	"nat":      {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"},
	"mangle":   {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"},
	"raw":      {"PREROUTING", "OUTPUT"},
	"security": {"INPUT", "FORWARD", "OUTPUT"},
}

func isBuiltin(table, chain string) bool {
	for _, c := range builtinChains[table] {
		if c == chain {
			return true
		}
	}
	return false
}

// iptablesAction is one parsed iptables command. Every field was checked
// by the parser; rule holds the rule re-rendered in netlab's canonical
// spelling, which is all iptables ever receives.
type iptablesAction struct {
	table, verb, chain      string
	pos                     int
	rule                    []string
	policy                  string
	numeric, verbose, exact bool
	lineNumbers             bool
}

func (a *iptablesAction) mutating() bool { return iptablesCmds[a.verb[1]].mutating }

// argv is the whole argument list of the parsed command, as the iptables
// program receives it (go-iptables adds only --wait).
func (a *iptablesAction) argv() []string {
	args := []string{"-t", a.table, a.verb}
	if a.chain != "" {
		args = append(args, a.chain)
	}
	if a.pos > 0 {
		args = append(args, fmt.Sprint(a.pos))
	}
	args = append(args, a.rule...)
	if a.policy != "" {
		args = append(args, a.policy)
	}
	for _, f := range []struct {
		on   bool
		flag string
	}{{a.numeric, "-n"}, {a.verbose, "-v"}, {a.exact, "-x"}, {a.lineNumbers, "--line-numbers"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	return args
}

func (a *iptablesAction) ruleText() string {
	return fmt.Sprintf("-A %s %s", a.chain, strings.Join(a.rule, " "))
}

func iptError(err error) error {
	var e *iptables.Error
	if errors.As(err, &e) {
		msg := strings.TrimSpace(e.Error())
		if i := strings.LastIndex(msg, "exit status"); i > 0 && strings.Contains(msg, ": ") {
			msg = strings.TrimSpace(msg[strings.Index(msg, ": ")+2:])
		}
		return errors.New(msg)
	}
	return err
}

func (a *iptablesAction) run(x *execCtx) (string, error) {
	if a.verb == "-L" || a.verb == "-S" || a.verb == "-Z" {
		// go-iptables wraps neither -L nor -Z, and its -S drops -v's
		// counters; the program itself prints exactly what a student
		// would see.
		return x.iptablesRaw("", iptablesProgram, a.argv()...)
	}
	h, err := iptHandle()
	if err != nil {
		return "", err
	}
	if a.mutating() {
		x.s.st.IptDirty[x.node.Name] = true
	}
	err = x.do(func() error {
		switch a.verb {
		case "-A":
			return h.Append(a.table, a.chain, a.rule...)
		case "-I":
			pos := a.pos
			if pos == 0 {
				pos = 1
			}
			return h.Insert(a.table, a.chain, pos, a.rule...)
		case "-D":
			if a.pos > 0 {
				return h.DeleteById(a.table, a.chain, a.pos)
			}
			return h.Delete(a.table, a.chain, a.rule...)
		case "-R":
			return h.Replace(a.table, a.chain, a.pos, a.rule...)
		case "-C":
			ok, err := h.Exists(a.table, a.chain, a.rule...)
			if err == nil && !ok {
				return &ExitError{Code: 1}
			}
			return err
		case "-N":
			return h.NewChain(a.table, a.chain)
		case "-X":
			return forChains(h, a.table, a.chain, true, h.DeleteChain)
		case "-F":
			return forChains(h, a.table, a.chain, false, h.ClearChain)
		case "-P":
			return h.ChangePolicy(a.table, a.chain, a.policy)
		}
		return fmt.Errorf("iptables %s is not supported", a.verb)
	})
	if _, ok := err.(*ExitError); ok {
		return "", err
	}
	return "", iptError(err)
}

// forChains applies fn to one chain, or to every chain of the table (user
// chains only when userOnly, as "iptables -X" does).
func forChains(h *iptables.IPTables, table, chain string, userOnly bool, fn func(table, chain string) error) error {
	if chain != "" {
		ok, err := h.ChainExists(table, chain)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("iptables: No chain/target/match by that name.")
		}
		return fn(table, chain)
	}
	chains, err := h.ListChains(table)
	if err != nil {
		return err
	}
	for _, c := range chains {
		if userOnly && isBuiltin(table, c) {
			continue
		}
		if err := fn(table, c); err != nil {
			return err
		}
	}
	return nil
}

func (a *iptablesAction) check(x *execCtx) error {
	if !a.mutating() {
		return nil
	}
	h, err := iptHandle()
	if err != nil {
		return err
	}
	return x.do(func() error {
		switch a.verb {
		case "-A", "-I", "-R":
			ok, err := h.Exists(a.table, a.chain, a.rule...)
			if err != nil {
				return iptError(err)
			}
			if !ok {
				return fmt.Errorf("the rule %q is not in the %s table of %s", a.ruleText(), a.table, x.node.Name)
			}
		case "-D":
			if a.pos > 0 {
				return nil
			}
			ok, err := h.Exists(a.table, a.chain, a.rule...)
			if err != nil {
				return nil // the chain itself is gone
			}
			if ok {
				return fmt.Errorf("the rule %q is still in the %s table of %s", a.ruleText(), a.table, x.node.Name)
			}
		case "-N", "-X":
			if a.chain == "" {
				return nil
			}
			ok, err := h.ChainExists(a.table, a.chain)
			if err != nil {
				return iptError(err)
			}
			if ok != (a.verb == "-N") {
				return fmt.Errorf("chain %s %s in the %s table of %s", a.chain, map[bool]string{true: "does not exist", false: "still exists"}[a.verb == "-N"], a.table, x.node.Name)
			}
		case "-F":
			chains := []string{a.chain}
			if ok, _ := h.ChainExists(a.table, a.chain); a.chain != "" && !ok {
				return nil // no chain, no rules
			}
			if a.chain == "" {
				chains, _ = h.ListChains(a.table)
			}
			for _, c := range chains {
				lines, err := h.List(a.table, c)
				if err != nil {
					return iptError(err)
				}
				for _, l := range lines {
					if strings.HasPrefix(l, "-A ") {
						return fmt.Errorf("chain %s of the %s table of %s still has rules", c, a.table, x.node.Name)
					}
				}
			}
		case "-P":
			lines, err := h.List(a.table, a.chain)
			if err != nil {
				return iptError(err)
			}
			want := fmt.Sprintf("-P %s %s", a.chain, a.policy)
			if len(lines) == 0 || lines[0] != want {
				return fmt.Errorf("the policy of chain %s in the %s table of %s is not %s", a.chain, a.table, x.node.Name, a.policy)
			}
		}
		return nil
	})
}
