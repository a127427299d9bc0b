package labs

import "gopkg.in/yaml.v3"

// MaxAliasNodes is how many YAML nodes a lab file may reach through
// aliases (*name), counting every node inside each expansion. Aliases are
// allowed, to share an expect list or a command list between steps, but a
// "billion laughs" file of aliases to aliases would make the loader visit
// (and lint report on) an exponential number of nodes. No real lab comes
// near this budget: every built-in lab uses none.
const MaxAliasNodes = 10000

// checkAliases walks the document as the loader will, following aliases,
// and reports the alias at which more than MaxAliasNodes nodes have been
// reached through aliases. It returns false then, and the loader stops:
// the walk itself stops at the budget, so the check is linear in the file.
func checkAliases(root *yaml.Node, el *errList) bool {
	a := aliasWalk{}
	a.walk(root, nil)
	if a.over == nil {
		return true
	}
	el.add(a.over.Line, a.over.Column, "too many alias expansions: more than %d YAML nodes are reached through aliases (*name); write the repeated parts out or use fewer nested aliases", MaxAliasNodes)
	return false
}

type aliasWalk struct {
	expanded int        // nodes visited inside alias expansions
	over     *yaml.Node // the alias being expanded when the budget ran out
}

// walk visits n; via is the outermost alias being expanded, nil outside any.
func (a *aliasWalk) walk(n *yaml.Node, via *yaml.Node) {
	if n == nil || a.over != nil {
		return
	}
	if via != nil {
		a.expanded++
		if a.expanded > MaxAliasNodes {
			a.over = via
			return
		}
	}
	if n.Kind == yaml.AliasNode {
		if via == nil {
			via = n
		}
		a.walk(n.Alias, via)
		return
	}
	for _, c := range n.Content {
		a.walk(c, via)
	}
}
