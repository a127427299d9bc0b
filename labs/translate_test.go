package labs

import (
	"reflect"
	"strings"
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// TestIn: In gives the translated text where there is one and the
// original elsewhere, never touches commands, expectations or answers,
// leaves the lab unchanged, and switches back and forth.
func TestIn(t *testing.T) {
	lab, err := LoadFile("testdata/good/translated.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before := *lab
	zh := lab.In(i18n.Chinese)
	if zh.Title != "两个命名空间，两种语言" || zh.Summary != "这个实验的文字译成了中文，命令保持原样。" ||
		!strings.HasPrefix(zh.Description, "两个命名空间") {
		t.Errorf("lab text in zh: %q %q %q", zh.Title, zh.Summary, zh.Description)
	}
	s0, s1 := zh.Steps[0], zh.Steps[1]
	if s0.Title != "创建两个命名空间" || !strings.Contains(s0.Text, "**网络命名空间**") || !strings.Contains(s0.Hint, "`ip netns list`") {
		t.Errorf("step 1 in zh: %+v", s0)
	}
	q := s1.Question
	if q.Ask != "ns01 里有哪个接口？" || q.Choices[0] != "lo，处于关闭状态" || q.Choices[1] != "eth0，处于开启状态" ||
		q.Answer != 0 || !strings.HasPrefix(q.Explain, "新的命名空间") || !strings.HasPrefix(s1.Explain, "列表里是") {
		t.Errorf("step 2 in zh: %+v %+v", s1, q)
	}
	if !reflect.DeepEqual(s0.Commands, lab.Steps[0].Commands) || s1.Commands[0].Text != "ip netns exec ns01 ip link" || s0.Node != lab.Steps[0].Node {
		t.Errorf("commands changed: %v", s0.Commands)
	}
	if lab.Title != before.Title || lab.Steps[1].Question.Choices[0] != "lo, switched off" || lab.Steps[0].Title != "Make two namespaces" {
		t.Errorf("In changed the lab: %q %q", lab.Title, lab.Steps[1].Question.Choices)
	}
	if en := zh.In(i18n.English); en != lab {
		t.Errorf("zh.In(en) is not the original lab")
	}
	if again := zh.In(i18n.Chinese); again.Steps[1].Question.Ask != q.Ask || again.Original() != lab {
		t.Errorf("zh.In(zh) = %q", again.Steps[1].Question.Ask)
	}
	if s := zh.Summarize(); s.Title != zh.Title || s.ID != "translated" {
		t.Errorf("Summarize in zh = %+v", s)
	}
}

// TestInPartial: what a translation leaves out stays in English.
func TestInPartial(t *testing.T) {
	lab, err := Load("partial.yaml", []byte(partialLab))
	if err != nil {
		t.Fatal(err)
	}
	zh := lab.In(i18n.Chinese)
	if zh.Title != "部分翻译" || zh.Summary != "Only some text is translated." || zh.Steps[0].Text != "A namespace is a private stack." ||
		zh.Steps[0].Title != "建一个命名空间" || zh.Steps[1].Title != "Look" {
		t.Errorf("partial: %q %q %q %q %q", zh.Title, zh.Summary, zh.Steps[0].Title, zh.Steps[0].Text, zh.Steps[1].Title)
	}
	if q := zh.Steps[1].Question; q.Ask != "里面有什么？" || q.Choices[0] != "lo" || q.Choices[1] != "eth0" {
		t.Errorf("question: %+v", q)
	}
	if same := lab.In(i18n.English); same != lab {
		t.Error("In(en) copied the lab")
	}
	noTr, err := LoadFile("testdata/seed001.sh")
	if err != nil {
		t.Fatal(err)
	}
	if noTr.In(i18n.Chinese) != noTr {
		t.Error("In(zh) of a lab without translations copied it")
	}
}

const partialLab = `id: partial
title: Partly translated
summary: Only some text is translated.
steps:
  - title: Make a namespace
    text: A namespace is a private stack.
    commands: [ip netns add ns01]
    hint: Use ip netns.
  - title: Look
    text: Look inside.
    commands: [ip netns exec ns01 ip link]
    question:
      ask: What is inside?
      choices: [lo, eth0]
      answer: 0
      explain: Only lo.
translations:
  zh:
    title: 部分翻译
    steps:
      - title: 建一个命名空间
      - question:
          ask: 里面有什么？
`

// TestUntranslated: every text without a translation is a warning at the
// original text, named by its step; a fully translated lab has none.
func TestUntranslated(t *testing.T) {
	lab, err := Load("partial.yaml", []byte(partialLab))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"partial.yaml:3:10: warning: summary has no zh translation",
		"partial.yaml:6:11: warning: step 1 text has no zh translation",
		"partial.yaml:8:11: warning: step 1 hint has no zh translation",
		"partial.yaml:9:12: warning: step 2 title has no zh translation",
		"partial.yaml:10:11: warning: step 2 text has no zh translation",
		"partial.yaml:14:17: warning: step 2 question choice 1 has no zh translation",
		"partial.yaml:14:21: warning: step 2 question choice 2 has no zh translation",
		"partial.yaml:16:16: warning: step 2 question explain has no zh translation",
	}
	got := lab.Untranslated(i18n.Chinese)
	got.sort()
	if g := got.Error(); g != strings.Join(want, "\n") {
		t.Errorf("Untranslated:\n%s\nwant\n%s", g, strings.Join(want, "\n"))
	}
	if u := lab.Untranslated(i18n.English); len(u) != 0 {
		t.Errorf("Untranslated(en) = %v", u)
	}
	good, err := LoadFile("testdata/good/translated.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if u := good.Untranslated(i18n.Chinese); len(u) != 0 {
		t.Errorf("a fully translated lab: %v", u)
	}
	if u := good.In(i18n.Chinese).Untranslated(i18n.Chinese); len(u) != 0 {
		t.Errorf("a fully translated lab, read in zh: %v", u)
	}
}

// TestLintLang: lint --lang zh adds the untranslated warnings, which do
// not fail lint; a lab with no translation at all gets one warning.
func TestLintLang(t *testing.T) {
	dir := writeLabs(t, map[string]string{"partial.yaml": partialLab, "plain.sh": "# Plain\n# A plain lab.\n\nip netns add ns01\n"})
	errs, ok := LintLang([]string{dir, "testdata/good/vacuous.yaml", "testdata/good/translated.yaml"}, i18n.Chinese)
	if errs.Failed() || len(ok) != 4 {
		t.Fatalf("LintLang failed: %v (ok %v)", errs, ok)
	}
	text := errs.Error()
	for _, want := range []string{
		"partial.yaml:6:11: warning: step 1 text has no zh translation",
		"plain.sh:1:1: warning: the lab has no zh translation: a plain script lab carries none",
		"testdata/good/vacuous.yaml:1:5: warning: the lab has no zh translation: add translations: zh:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lint --lang zh lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "translated.yaml") {
		t.Errorf("the translated lab has warnings:\n%s", text)
	}
	if errs, _ := Lint([]string{dir}); len(errs) != 0 {
		t.Errorf("Lint without a language warns: %v", errs)
	}
}
