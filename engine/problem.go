package engine

import (
	"fmt"
	"strings"
)

// Problem is what a check finds missing, in words a student understands:
// an English text with {{.Field}} places, its fields, and the ID it has in
// netlab's message catalogue, so the runner can show it in the student's
// language (labs/i18n) while the engine stays free of translations. Names,
// addresses and rules fill the fields as they are.
type Problem struct {
	ID      string // catalogue ID, "check.…"
	English string // the text, with {{.Field}} places
	Args    []any  // the fields, as name, value pairs
}

// problem makes a Problem; see Problem for the arguments.
func problem(id, english string, args ...any) *Problem {
	return &Problem{ID: id, English: english, Args: args}
}

// Error is the English text with its fields filled, the way text/template
// prints them.
func (p *Problem) Error() string {
	s := p.English
	for i := 0; i+1 < len(p.Args); i += 2 {
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(p.Args[i])+"}}", fmt.Sprint(p.Args[i+1]))
	}
	return s
}

// upProblem: a link is up where it should be down, or the other way.
func upProblem(dev, node string, up bool) *Problem {
	if up {
		return problem("check.iface.down", "interface {{.Dev}} on {{.Node}} is down, should be up", "Dev", dev, "Node", node)
	}
	return problem("check.iface.up", "interface {{.Dev}} on {{.Node}} is up, should be down", "Dev", dev, "Node", node)
}

// promiscProblem: promiscuous mode is not as a command set it.
func promiscProblem(dev, node string, on bool) *Problem {
	if on {
		return problem("check.promisc.on", "promiscuous mode of {{.Dev}} on {{.Node}} is not on", "Dev", dev, "Node", node)
	}
	return problem("check.promisc.off", "promiscuous mode of {{.Dev}} on {{.Node}} is not off", "Dev", dev, "Node", node)
}

// chainProblem: a chain -N made is missing, or one -X deleted is there.
func chainProblem(made bool, chain, table, node string) *Problem {
	if made {
		return problem("check.chain.missing", "chain {{.Chain}} does not exist in the {{.Table}} table of {{.Node}}", "Chain", chain, "Table", table, "Node", node)
	}
	return problem("check.chain.still", "chain {{.Chain}} still exists in the {{.Table}} table of {{.Node}}", "Chain", chain, "Table", table, "Node", node)
}
