package labs

import (
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// TestBuiltInLabsTranslated: every built-in lab is translated into every
// language netlab speaks, every text of it.
func TestBuiltInLabsTranslated(t *testing.T) {
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, lab := range all {
		for _, lang := range i18n.Langs {
			if u := lab.Untranslated(lang); len(u) > 0 {
				t.Errorf("%s in %s:\n%v", lab.ID, lang, u)
			}
		}
		if len(lab.Warnings) > 0 {
			t.Errorf("%s warns: %v", lab.ID, lab.Warnings)
		}
	}
}
