package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/labs/i18n"
)

// startLang is the language netlab speaks from its start: --lang when
// the command line gives one netlab speaks, else NETLAB_LANG or the
// locale. It is read before cobra parses the command line so that
// cobra's flag and argument errors, which come before any hook runs,
// are in it too; chooseLang then refuses a --lang netlab does not speak.
func startLang(args []string, getenv func(string) string) i18n.Lang {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break // what follows is a command's, as in netlab exec NODE -- CMD
		}
		v, ok := strings.CutPrefix(a, "--lang=")
		if a == "--lang" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			if l, err := i18n.ParseLang(v); err == nil {
				return l
			}
			break
		}
	}
	return i18n.Detect(getenv)
}

// chooseLang checks --lang once cobra has parsed it: a word netlab does
// not speak is a usage error that names it. The language itself was set
// from the command line at the start (startLang).
func chooseLang(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup("lang")
	if f == nil || !f.Changed {
		return nil
	}
	l, err := i18n.ParseLang(langFlag)
	if err != nil {
		return fail(exitUsage, "%s", i18n.T("cli.lang.unknown", "--lang {{.Lang}}: netlab speaks en (English) and zh (简体中文)", "Lang", fmt.Sprintf("%q", langFlag)))
	}
	if l != i18n.Current() { // startLang read another --lang than cobra (a repeated flag)
		i18n.SetLang(l)
	}
	return nil
}
