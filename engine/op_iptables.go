package engine

// This file holds iptables as a kernel object: each node's tables, as
// iptables-save prints them, normalised. A snapshot reads them only where
// a command or a shell may have changed them (the other nodes' are known
// empty); undo writes back, with one iptables-restore, the tables that differ.

import (
	"fmt"
	"sort"
	"strings"
)

// iptablesObject is a node's iptables tables.
type iptablesObject struct{}

func (iptablesObject) kind() string { return "iptables" }

func (iptablesObject) read(r *nodeReader, ns *NodeSnap) error {
	if !r.full && !r.s.st.IptDirty[r.node.Name] {
		return nil
	}
	var err error
	ns.Iptables, err = r.x.iptablesSave()
	return err
}

func (iptablesObject) facts(node string, n *NodeSnap, learned bool) []fact {
	var tables []string
	for t := range n.Iptables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var fs []fact
	for _, t := range tables {
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
				if f[1] != "ACCEPT" && f[1] != "-" || !isBuiltin(table, f[0][1:]) {
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
			for _, c := range builtinChains[t] {
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
