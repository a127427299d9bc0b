package labs

import (
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/netlab/netlab/labs/i18n"
)

// TestClipText: a long text in an error is cut to 40 cells, between
// characters: a Chinese character counts two cells and is never split.
func TestClipText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short ASCII", "ip link", "ip link"},
		{"long ASCII", strings.Repeat("a", 50), strings.Repeat("a", 40) + "…"},
		{"long Chinese", strings.Repeat("网桥", 25), strings.Repeat("网桥", 10) + "…"},
		{"Chinese fits", strings.Repeat("网", 20), strings.Repeat("网", 20)},
		{"mixed, a wide character at the edge", strings.Repeat("a", 39) + "网桥", strings.Repeat("a", 39) + "…"},
		{"fullwidth punctuation is wide", strings.Repeat("：", 21), strings.Repeat("：", 20) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clipText(tt.in)
			if got != tt.want {
				t.Errorf("clipText = %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("clipText cut a character: %q", got)
			}
		})
	}
}

// TestCleanChineseText: control characters are found by character, not
// byte, in Chinese text, and the text around them is kept whole.
func TestCleanChineseText(t *testing.T) {
	got, found := cleanText("网桥\x1b[2J是交换机\u0085。")
	if got != "网桥是交换机。" {
		t.Errorf("cleanText = %q", got)
	}
	if len(found) != 2 || found[0].idx != 2 || found[1].idx != 10 {
		t.Errorf("found %+v, want ESC at character 2 and NEL at 10 of the text as written", found)
	}
}

// TestTranslatedTextIsCleaned: translated text reaches In without its
// control characters, like the original's.
func TestTranslatedTextIsCleaned(t *testing.T) {
	src := "id: c\ntitle: T\nsummary: S\nsteps:\n  - {title: t, text: x, commands: [ip link]}\ntranslations:\n  zh:\n    title: \"网桥\\e[2J实验\"\n"
	_, err := Load("c.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:8:15: control character U+001B in translated title") {
		t.Fatalf("Load error = %v", err)
	}
	// the loader cleans every text it reads with str, translations too
	y := &yamlLoader{el: &errList{file: "c.yaml"}}
	m := map[string]*yaml.Node{"title": {Kind: yaml.ScalarNode, Tag: "!!str", Value: "网桥\x1b[2J实验", Line: 1, Column: 1}}
	title := y.transText(m, "title", "T", "the zh translation")
	lab := &Lab{Title: "T", Translations: map[i18n.Lang]*Translation{i18n.Chinese: {Title: title}}}
	if got := lab.In(i18n.Chinese).Title; got != "网桥实验" {
		t.Errorf("title in zh = %q", got)
	}
}
