package labs

import (
	"os"
	"path/filepath"

	"github.com/netlab/netlab/labs/i18n"
)

// Lint loads every file in paths (a directory stands for the lab files in
// it) and reports every problem, including ids shared by two files. ok
// lists the files that loaded, for "FILE: ok" lines. errs also holds the
// warnings of the labs that loaded (Error.Warning set); errs.Failed()
// tells whether there is any error.
func Lint(paths []string) (errs Errors, ok []string) {
	return LintLang(paths, i18n.English)
}

// LintLang is Lint that also warns about every text of the labs that has
// no translation into lang (see Lab.Untranslated): "netlab lint --lang
// zh". For English, the labs' own language, it is Lint.
func LintLang(paths []string, lang i18n.Lang) (errs Errors, ok []string) {
	var labs []*Lab
	for _, p := range expand(paths) {
		lab, err := LoadFile(p)
		if err != nil {
			errs = appendErr(errs, p, err)
			continue
		}
		labs = append(labs, lab)
		errs = append(errs, lab.Warnings...)
		errs = append(errs, lab.Untranslated(lang)...)
	}
	dups := duplicateIDs(labs)
	bad := map[string]bool{}
	for _, e := range dups {
		bad[e.File] = true
	}
	errs = append(errs, dups...)
	for _, l := range labs {
		if !bad[l.File] {
			ok = append(ok, l.File)
		}
	}
	errs.sort()
	return errs, ok
}

// expand replaces each directory in paths by the lab files in it.
func expand(paths []string) []string {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			out = append(out, p) // LoadFile reports the read error
			continue
		}
		for _, e := range entries {
			if !e.IsDir() && isLabFile(e.Name()) {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
	}
	return out
}
