package i18n

import (
	"testing"
)

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want Lang
	}{
		{"nothing", nil, English},
		{"zh_CN", map[string]string{"LANG": "zh_CN.UTF-8"}, Chinese},
		{"zh_SG", map[string]string{"LANG": "zh_SG.UTF-8"}, Chinese},
		{"zh bare", map[string]string{"LANG": "zh"}, Chinese},
		{"zh_TW is not ours", map[string]string{"LANG": "zh_TW.UTF-8"}, English},
		{"LC_ALL wins", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, English},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, Chinese},
		{"NETLAB_LANG wins", map[string]string{"NETLAB_LANG": "zh", "LC_ALL": "C"}, Chinese},
		{"bad NETLAB_LANG ignored", map[string]string{"NETLAB_LANG": "xx", "LANG": "zh_CN"}, Chinese},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Detect(func(k string) string { return c.env[k] }); got != c.want {
				t.Errorf("Detect = %q, want %q", got, c.want)
			}
		})
	}
	if _, err := ParseLang("fr"); err == nil {
		t.Error("ParseLang(fr) accepted")
	}
}

func TestCatalogueLoads(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatal(err)
	}
	if !Translated(Chinese)["lang.name"] {
		t.Error("the Chinese catalogue has no lang.name")
	}
}

func TestFallbackAndMissing(t *testing.T) {
	defer SetLang(Current())
	ResetMissing()
	SetLang(Chinese)
	if got := T("lang.name", "English"); got != "简体中文" {
		t.Errorf("lang.name in zh = %q", got)
	}
	if got := T("test.untranslated", "step {{.N}}", "N", 3); got != "step 3" {
		t.Errorf("fallback = %q", got)
	}
	if m := Missing(); len(m) != 1 || m[0] != "zh:test.untranslated" {
		t.Errorf("Missing = %v", m)
	}
	SetLang(English)
	if got := N("test.plural", 1, "{{.Count}} step", "{{.Count}} steps"); got != "1 step" {
		t.Errorf("plural one = %q", got)
	}
	if got := N("test.plural", 4, "{{.Count}} step", "{{.Count}} steps"); got != "4 steps" {
		t.Errorf("plural other = %q", got)
	}
}
