package main

import (
	"fmt"
	"strings"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// builtInSource is what a built-in lab's Source says.
var builtInSource = (&labs.Lab{BuiltIn: true}).Source()

// translated gives each listed lab's title and summary in the student's
// language, through Lab.In. A lab that cannot be loaded again keeps its
// listed text.
func translated(list []labs.Summary) []labs.Summary {
	all, _ := labs.BuiltIn()
	if dir := labs.Dir(labsDir); dir != "" {
		own, _ := labs.LoadDir(dir)
		all = append(all, own...)
	}
	byKey := map[[2]string]*labs.Lab{}
	for _, l := range all {
		byKey[[2]string{l.ID, l.Source()}] = l
	}
	lang := i18n.Current()
	for i, s := range list {
		if l := byKey[[2]string{s.ID, s.Source}]; l != nil {
			t := l.In(lang)
			list[i].Title, list[i].Summary = t.Title, t.Summary
		}
	}
	return list
}

// printList prints "netlab list": a lab on two lines, the id, its number
// of steps and title, then the summary and where it comes from under the
// title.
func printList(list []labs.Summary) {
	steps := i18n.T("cli.list.steps", "steps")
	indent := strings.Repeat(" ", 14+1+2+1+cells(steps)+2) // under the title
	for _, l := range list {
		source := l.Source
		if source == builtInSource {
			source = i18n.T("cli.list.builtin", "built-in")
		}
		fmt.Fprintf(stdout, "%-14s %2d %s  %s\n%s%s (%s)\n", l.ID, l.Steps, steps, l.Title, indent, l.Summary, source)
	}
}

// cells is how many terminal columns s takes: Chinese characters and
// full-width punctuation take two.
func cells(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}
