package main

import (
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
)

// resetLine is what "netlab reset" prints: "reset: removed lab bridge: 4
// namespaces", or "reset: nothing to remove" (engine.ResetSummary.String
// in English, in the student's language here).
func resetLine(r engine.ResetSummary) string {
	var what string
	switch {
	case r.Namespaces == 0 && r.Scratch == 0 && r.Lab == "":
		what = i18n.T("cli.reset.nothing", "nothing to remove")
	case r.Lab == "" && r.Namespaces == 0:
		what = i18n.N("cli.reset.scratch_only", r.Scratch, "removed {{.Count}} session of netlab test", "removed {{.Count}} sessions of netlab test")
	default:
		if r.Lab != "" {
			what = i18n.N("cli.reset.lab", r.Namespaces, "removed lab {{.Lab}}: {{.Count}} namespace", "removed lab {{.Lab}}: {{.Count}} namespaces", "Lab", r.Lab)
		} else {
			what = i18n.N("cli.reset.unreadable", r.Namespaces, "removed an unreadable session: {{.Count}} namespace", "removed an unreadable session: {{.Count}} namespaces")
		}
		if r.Scratch > 0 {
			what += i18n.N("cli.reset.scratch", r.Scratch, "; {{.Count}} session of netlab test", "; {{.Count}} sessions of netlab test")
		}
	}
	return i18n.T("cli.reset", "reset: {{.Summary}}", "Summary", what)
}
