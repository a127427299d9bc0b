package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netlab/netlab/labs/i18n"
)

// chooseLang applies --lang when it was given: it overrides NETLAB_LANG
// and the locale, which main read before the flags. A word netlab does
// not speak is a usage error that names it.
func chooseLang(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup("lang")
	if f == nil || !f.Changed {
		return nil
	}
	l, err := i18n.ParseLang(langFlag)
	if err != nil {
		return fail(exitUsage, "%s", i18n.T("cli.lang.unknown", "--lang {{.Lang}}: netlab speaks en (English) and zh (简体中文)", "Lang", fmt.Sprintf("%q", langFlag)))
	}
	i18n.SetLang(l)
	return nil
}
