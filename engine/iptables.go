package engine

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/coreos/go-iptables/iptables"
	"github.com/netlab/netlab/engine/cmdline"
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

// builtinChains are the chains each table has from the start.
var builtinChains = cmdline.BuiltinChains

func isBuiltin(table, chain string) bool { return cmdline.IsBuiltinChain(table, chain) }

// iptablesAction runs one parsed iptables command.
type iptablesAction struct{ cmdline.IptablesRule }

// decides: creating, deleting or flushing a chain decides the chain.
func (a *iptablesAction) decides(node string) []string {
	if a.Verb == "-X" || a.Verb == "-N" || a.Verb == "-F" {
		return []string{node + ":chain " + a.Table + " " + a.Chain}
	}
	return nil
}

func (a *iptablesAction) ruleText() string {
	return fmt.Sprintf("-A %s %s", a.Chain, strings.Join(a.Rule, " "))
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
	if a.Verb == "-L" || a.Verb == "-S" || a.Verb == "-Z" {
		// go-iptables wraps neither -L nor -Z, and its -S drops -v's
		// counters; the program itself prints exactly what a student
		// would see.
		return x.iptablesRaw("", iptablesProgram, a.Argv()...)
	}
	h, err := iptHandle()
	if err != nil {
		return "", err
	}
	if a.Mutating() {
		x.s.st.IptDirty[x.node.Name] = true
	}
	err = x.do(func() error {
		switch a.Verb {
		case "-A":
			return h.Append(a.Table, a.Chain, a.Rule...)
		case "-I":
			pos := a.Pos
			if pos == 0 {
				pos = 1
			}
			return h.Insert(a.Table, a.Chain, pos, a.Rule...)
		case "-D":
			if a.Pos > 0 {
				return h.DeleteById(a.Table, a.Chain, a.Pos)
			}
			return h.Delete(a.Table, a.Chain, a.Rule...)
		case "-R":
			return h.Replace(a.Table, a.Chain, a.Pos, a.Rule...)
		case "-C":
			ok, err := h.Exists(a.Table, a.Chain, a.Rule...)
			if err == nil && !ok {
				return &ExitError{Code: 1}
			}
			return err
		case "-N":
			return h.NewChain(a.Table, a.Chain)
		case "-X":
			return forChains(h, a.Table, a.Chain, true, h.DeleteChain)
		case "-F":
			return forChains(h, a.Table, a.Chain, false, h.ClearChain)
		case "-P":
			return h.ChangePolicy(a.Table, a.Chain, a.Policy)
		}
		return fmt.Errorf("iptables %s is not supported", a.Verb)
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
	if !a.Mutating() {
		return nil
	}
	h, err := iptHandle()
	if err != nil {
		return err
	}
	return x.do(func() error {
		switch a.Verb {
		case "-A", "-I", "-R":
			ok, err := h.Exists(a.Table, a.Chain, a.Rule...)
			if err != nil {
				return iptError(err)
			}
			if !ok {
				return fmt.Errorf("the rule %q is not in the %s table of %s", a.ruleText(), a.Table, x.node.Name)
			}
		case "-D":
			if a.Pos > 0 {
				return nil
			}
			ok, err := h.Exists(a.Table, a.Chain, a.Rule...)
			if err != nil {
				return nil // the chain itself is gone
			}
			if ok {
				return fmt.Errorf("the rule %q is still in the %s table of %s", a.ruleText(), a.Table, x.node.Name)
			}
		case "-N", "-X":
			if a.Chain == "" {
				return nil
			}
			ok, err := h.ChainExists(a.Table, a.Chain)
			if err != nil {
				return iptError(err)
			}
			if ok != (a.Verb == "-N") {
				return fmt.Errorf("chain %s %s in the %s table of %s", a.Chain, map[bool]string{true: "does not exist", false: "still exists"}[a.Verb == "-N"], a.Table, x.node.Name)
			}
		case "-F":
			chains := []string{a.Chain}
			if ok, _ := h.ChainExists(a.Table, a.Chain); a.Chain != "" && !ok {
				return nil // no chain, no rules
			}
			if a.Chain == "" {
				chains, _ = h.ListChains(a.Table)
			}
			for _, c := range chains {
				lines, err := h.List(a.Table, c)
				if err != nil {
					return iptError(err)
				}
				for _, l := range lines {
					if strings.HasPrefix(l, "-A ") {
						return fmt.Errorf("chain %s of the %s table of %s still has rules", c, a.Table, x.node.Name)
					}
				}
			}
		case "-P":
			lines, err := h.List(a.Table, a.Chain)
			if err != nil {
				return iptError(err)
			}
			want := fmt.Sprintf("-P %s %s", a.Chain, a.Policy)
			if len(lines) == 0 || lines[0] != want {
				return fmt.Errorf("the policy of chain %s in the %s table of %s is not %s", a.Chain, a.Table, x.node.Name, a.Policy)
			}
		}
		return nil
	})
}
