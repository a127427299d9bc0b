package engine

// This file holds iptables as a kernel object. An iptables command runs
// through go-iptables (or the iptables program itself for -L, -S and -Z)
// and checks its rule or chain. A snapshot reads each node's tables, as
// iptables-save prints them, normalised, and only where a command or a
// shell may have changed them (the other nodes' are known empty); undo
// writes back, with one iptables-restore, the tables that differ. How the
// iptables programs are found and run inside a node is at the end;
// iptables_batch.go batches a step's rules into one iptables-restore.

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"github.com/coreos/go-iptables/iptables"
	"github.com/netlab/netlab/engine/cmdline"
)

// iptablesAction runs one parsed iptables command.
type iptablesAction struct{ cmdline.IptablesRule }

// decides: creating, deleting or flushing a chain decides the chain.
func (a *iptablesAction) decides(node string) []string {
	if a.Verb == "-X" || a.Verb == "-N" || a.Verb == "-F" {
		return []string{node + ":chain " + a.Table + " " + a.Chain}
	}
	return nil
}

// ruleText is the rule as iptables -S prints it in its chain.
func (a *iptablesAction) ruleText() string {
	return fmt.Sprintf("-A %s %s", a.Chain, strings.Join(a.Rule, " "))
}

// iptError is a go-iptables error as the iptables program prints it:
// its message without the exit status go-iptables adds.
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
		if userOnly && cmdline.IsBuiltinChain(table, c) {
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
				return problem("check.rule.missing", "the rule {{.Rule}} is not in the {{.Table}} table of {{.Node}}", "Rule", fmt.Sprintf("%q", a.ruleText()), "Table", a.Table, "Node", x.node.Name)
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
				return problem("check.rule.still", "the rule {{.Rule}} is still in the {{.Table}} table of {{.Node}}", "Rule", fmt.Sprintf("%q", a.ruleText()), "Table", a.Table, "Node", x.node.Name)
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
				return chainProblem(a.Verb == "-N", a.Chain, a.Table, x.node.Name)
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
						return problem("check.chain.rules", "chain {{.Chain}} of the {{.Table}} table of {{.Node}} still has rules", "Chain", c, "Table", a.Table, "Node", x.node.Name)
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
				return problem("check.policy", "the policy of chain {{.Chain}} in the {{.Table}} table of {{.Node}} is not {{.Policy}}", "Chain", a.Chain, "Table", a.Table, "Node", x.node.Name, "Policy", a.Policy)
			}
		}
		return nil
	})
}

// iptablesObject is a node's iptables tables.
type iptablesObject struct{}

func (iptablesObject) kind() string { return "iptables" }

func (iptablesObject) read(r *nodeReader, ns *NodeSnap) error {
	if !r.full && !r.s.st.IptDirty[r.node.Name] {
		return nil
	}
	var err error
	if r.lazy {
		ns.Iptables, ns.IptPending, err = r.x.iptablesLater()
		return err
	}
	ns.Iptables, err = r.x.iptablesRules()
	return err
}

func (iptablesObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var fs []fact
	for _, t := range slices.Sorted(maps.Keys(n.Iptables)) {
		for i, line := range n.Iptables[t] {
			fs = append(fs, fact{node, "iptables", fmt.Sprintf("%s %d %s", t, i, line), "-t " + t + " " + strings.TrimPrefix(line, ":"), ""})
		}
	}
	return fs
}

// restoreNode restores the tables of a node that holds or held rules,
// against the tables as the reconciliation's first snapshot read them
// (nothing since changes rules); a node it did not read has none.
func (iptablesObject) restoreNode(rc *reconciler, name string, x *execCtx, w *NodeSnap) error {
	if w.Iptables == nil && !rc.s.st.IptDirty[name] {
		return nil
	}
	have, err := rc.current()
	if err != nil {
		return err
	}
	var current map[string][]string
	if h := have.Nodes[name]; h != nil {
		current = h.Iptables
	}
	if err := x.restoreIptables(w.Iptables, current); err != nil {
		rc.fail(err)
	}
	if len(w.Iptables) > 0 {
		rc.s.st.IptDirty[name] = true
	}
	return nil
}

// iptablesSave dumps a node's tables, normalised: no comments or counters,
// and tables that hold only empty built-in chains with ACCEPT policies
// left out (the kernel creates those lazily, so they mean nothing).
func (x *execCtx) iptablesSave() (map[string][]string, error) {
	iptablesSaves.Add(1)
	out, err := x.iptablesRaw("", "iptables-save")
	if err != nil {
		return nil, fmt.Errorf("iptables-save on %s: %w", x.node.Name, err)
	}
	return parseSave(out), nil
}

func parseSave(out string) map[string][]string {
	tables := map[string][]string{}
	var table string
	var lines []string
	meaningful := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "*"):
			table, lines, meaningful = line[1:], nil, false
		case line == "COMMIT":
			if meaningful {
				tables[table] = lines
			}
		case strings.HasPrefix(line, ":"):
			f := strings.Fields(line)
			if len(f) >= 2 {
				lines = append(lines, f[0]+" "+f[1])
				if f[1] != "ACCEPT" && f[1] != "-" || !cmdline.IsBuiltinChain(table, f[0][1:]) {
					meaningful = true
				}
			}
		default:
			lines = append(lines, line)
			meaningful = true
		}
	}
	return tables
}

// restoreIptables replaces every table of the node with want's, emptying
// the tables want does not hold; have is what the node holds now (as a
// snapshot records it), so only the tables that differ are written.
func (x *execCtx) restoreIptables(want, have map[string][]string) error {
	var b strings.Builder
	tables := []string{"filter", "nat", "mangle", "raw", "security"}
	for _, t := range tables {
		w, inWant := want[t]
		_, inHave := have[t]
		if !inWant && !inHave {
			continue
		}
		if inWant && strings.Join(w, "\n") == strings.Join(have[t], "\n") {
			continue
		}
		fmt.Fprintf(&b, "*%s\n", t)
		if inWant {
			for _, line := range w {
				if strings.HasPrefix(line, ":") {
					line += " [0:0]"
				}
				b.WriteString(line + "\n")
			}
		} else {
			for _, c := range cmdline.BuiltinChains[t] {
				fmt.Fprintf(&b, ":%s ACCEPT [0:0]\n", c)
			}
		}
		b.WriteString("COMMIT\n")
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := x.iptablesRaw(b.String(), "iptables-restore"); err != nil {
		return fmt.Errorf("iptables-restore on %s: %w", x.node.Name, err)
	}
	return nil
}

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
