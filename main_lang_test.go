package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

func TestStartLang(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	zhLocale := env(map[string]string{"LANG": "zh_CN.UTF-8"})
	for _, c := range []struct {
		args   []string
		getenv func(string) string
		want   i18n.Lang
	}{
		{nil, env(nil), i18n.English},
		{[]string{"list"}, zhLocale, i18n.Chinese},
		{[]string{"--lang", "zh", "list"}, env(nil), i18n.Chinese},
		{[]string{"list", "--lang=zh"}, env(nil), i18n.Chinese},
		{[]string{"--lang", "en", "list"}, env(map[string]string{"NETLAB_LANG": "zh"}), i18n.English},
		{[]string{"--lang", "xx", "list"}, zhLocale, i18n.Chinese}, // refused later by chooseLang
		{[]string{"exec", "ns01", "--", "prog", "--lang", "zh"}, env(nil), i18n.English},
	} {
		if got := startLang(c.args, c.getenv); got != c.want {
			t.Errorf("startLang(%q) = %s, want %s", c.args, got, c.want)
		}
	}
}

// TestResetLine keeps "netlab reset" word for word in English (as the
// engine words it) and fully translated in Chinese.
func TestResetLine(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	sums := []engine.ResetSummary{{}, {Lab: "bridge", Namespaces: 2}, {Lab: "bridge", Namespaces: 1}, {Namespaces: 3},
		{Scratch: 1}, {Scratch: 2}, {Lab: "nat", Namespaces: 4, Scratch: 1}, {Namespaces: 1, Scratch: 3}, {Lab: "x"}}
	i18n.SetLang(i18n.English)
	for _, s := range sums {
		if got, want := resetLine(s), "reset: "+s.String(); got != want {
			t.Errorf("%+v: %q, want %q", s, got, want)
		}
	}
	i18n.SetLang(i18n.Chinese)
	i18n.ResetMissing()
	for _, s := range sums {
		if got := resetLine(s); !strings.HasPrefix(got, "重置：") {
			t.Errorf("%+v in Chinese: %q", s, got)
		}
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("untranslated: %v", m)
	}
}

// TestListLayout keeps the English list as it was and puts the summary
// under the title in Chinese too, whose word for steps is two cells wide.
func TestListLayout(t *testing.T) {
	w, l := stdout, i18n.Current()
	defer func() { stdout = w; i18n.SetLang(l) }()
	list := []labs.Summary{{ID: "bridge", Title: "A bridge", Summary: "Two namespaces", Source: builtInSource, Steps: 16},
		{ID: "mine", Title: "Mine", Summary: "Of my own", Source: "/tmp/mine.yaml", Steps: 2}}
	var b bytes.Buffer
	stdout = &b
	i18n.SetLang(i18n.English)
	printList(list)
	var want strings.Builder
	for _, s := range list { // the format "netlab list" always had
		fmt.Fprintf(&want, "%-14s %2d steps  %s\n%14s           %s (%s)\n", s.ID, s.Steps, s.Title, "", s.Summary, s.Source)
	}
	if b.String() != want.String() {
		t.Errorf("English list:\n%s\nwant\n%s", b.String(), want.String())
	}
	b.Reset()
	i18n.SetLang(i18n.Chinese)
	printList(list)
	lines := strings.Split(b.String(), "\n")
	if !strings.Contains(lines[0], "16 步  A bridge") || !strings.Contains(lines[1], "(内置)") || !strings.Contains(lines[3], "(/tmp/mine.yaml)") {
		t.Errorf("Chinese list:\n%s", b.String())
	}
	if title, summary := cells(lines[0][:strings.Index(lines[0], "A bridge")]), len(lines[1])-len(strings.TrimLeft(lines[1], " ")); title != summary {
		t.Errorf("the summary starts at column %d, the title at %d:\n%s", summary, title, b.String())
	}
}

// runEnv runs netlab like c.run, with env added to the environment.
func (c *cli) runEnv(env []string, args ...string) (string, int) {
	c.t.Helper()
	cmd := c.cmd(args...)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return string(out), code
}

// inChinese are the two ways a student asks for Chinese.
var inChinese = []struct {
	name string
	env  []string
	args []string
}{
	{"LANG=zh_CN.UTF-8", []string{"LANG=zh_CN.UTF-8", "LC_ALL=", "LC_MESSAGES=", "NETLAB_LANG="}, nil},
	{"--lang zh", []string{"LANG=en_US.UTF-8", "NETLAB_LANG=en"}, []string{"--lang", "zh"}},
}

func TestLangFlag(t *testing.T) {
	c := &cli{t: t, dir: t.TempDir()}
	out, code := c.runEnv(nil, "--lang", "xx", "list")
	if code != exitUsage || !strings.Contains(out, `"xx"`) {
		t.Errorf("--lang xx: exit %d, want %d naming xx:\n%s", code, exitUsage, out)
	}
	out, code = c.runEnv([]string{"NETLAB_LANG=zh"}, "--lang", "en", "list")
	if code != 0 || !strings.Contains(out, " steps  ") || strings.Contains(out, "步") {
		t.Errorf("--lang en over NETLAB_LANG=zh: exit %d\n%s", code, out)
	}
	out, code = c.runEnv([]string{"LANG=zh_CN.UTF-8", "LC_ALL=", "NETLAB_LANG="}, "open")
	if code != exitUsage || !strings.Contains(out, "用法：netlab open LAB|FILE") {
		t.Errorf("a usage error in Chinese: exit %d\n%s", code, out)
	}
}

func TestListInChinese(t *testing.T) {
	c := &cli{t: t, dir: t.TempDir()}
	builtIn, err := labs.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, way := range inChinese {
		t.Run(way.name, func(t *testing.T) {
			out, code := c.runEnv(way.env, append(way.args, "list")...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			for _, l := range builtIn {
				zh := l.In(i18n.Chinese)
				line := fmt.Sprintf("%-14s %2d 步  %s\n", l.ID, len(l.Steps), zh.Title)
				if !strings.Contains(out, line) || !strings.Contains(out, zh.Summary+" (内置)\n") {
					t.Errorf("no %q with its summary, translated, in:\n%s", line, out)
				}
			}
		})
	}
}

// TestStatusInChinese runs a lab in Chinese: the step reports and
// "netlab status" are in Chinese, and the only Latin letters left in
// the status are names, commands and the lab's own text (translated by
// the lab file, not by netlab).
func TestStatusInChinese(t *testing.T) {
	c := newCLI(t)
	lab, err := labs.Find("bridge", "")
	if err != nil {
		t.Fatal(err)
	}
	zh := lab.In(i18n.Chinese)
	c.must(0, "start", "bridge")
	for i, way := range inChinese {
		t.Run(way.name, func(t *testing.T) {
			out, code := c.runEnv(way.env, append(way.args, "step")...)
			if step := fmt.Sprintf("第 %d 步：%s  [通过]", i+1, zh.Steps[i].Title); code != 0 || !strings.Contains(out, step) {
				t.Fatalf("step: exit %d, no %q in\n%s", code, step, out)
			}
			out, code = c.runEnv(way.env, append(way.args, "status")...)
			if code != 0 {
				t.Fatalf("status: exit %d\n%s", code, out)
			}
			for _, want := range []string{"实验 bridge：" + zh.Title, fmt.Sprintf("已执行 %d 步，共 %d 步", i+1, len(lab.Steps)),
				"已完成  1. " + zh.Steps[0].Title, fmt.Sprintf("下一步 %2d. %s", i+2, zh.Steps[i+1].Title), "节点 host（主机）"} {
				if !strings.Contains(out, want) {
					t.Errorf("no %q in the status:\n%s", want, out)
				}
			}
			left := out
			var texts []string // the lab's own, longest first
			for _, s := range zh.Steps {
				texts = append(texts, s.Title)
			}
			texts = append(texts, zh.Title)
			for _, s := range texts {
				left = strings.ReplaceAll(left, s, "")
			}
			var st struct {
				Nodes []struct {
					Name       string   `json:"name"`
					Interfaces []string `json:"interfaces"`
				} `json:"nodes"`
			}
			if err := json.Unmarshal([]byte(c.must(0, "status", "--json")), &st); err != nil {
				t.Fatal(err)
			}
			names := []string{"bridge", "netlab"}
			for _, n := range st.Nodes {
				names = append(names, n.Name)
				for _, i := range n.Interfaces {
					names = append(names, strings.Fields(i)[0])
				}
			}
			for _, n := range names {
				left = regexp.MustCompile(`\b`+regexp.QuoteMeta(n)+`\b`).ReplaceAllString(left, "")
			}
			if words := regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(left, -1); len(words) > 0 {
				t.Errorf("English words in the Chinese status: %v\n%s", words, out)
			}
		})
	}
}

// TestEngineWords keeps the engine errors the command line words itself
// word for word in English, and translated in Chinese.
func TestEngineWords(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	for _, err := range []error{engine.ErrNothingToUndo, engine.ErrNoIptables, engine.ErrStoppedWaiting} {
		i18n.SetLang(i18n.English)
		said := say(err)
		if said.Error() != err.Error() || !errors.Is(said, err) {
			t.Errorf("say(%q) = %q", err, said)
		}
		i18n.SetLang(i18n.Chinese)
		if zh := say(err).Error(); zh == err.Error() {
			t.Errorf("%q is not translated", err)
		}
	}
	if e := errors.New("other"); say(e) != e {
		t.Error("say changed an error it does not word")
	}
}

// TestTestInChinese plays a lab headless in Chinese: each step's line
// and the verdict are in Chinese.
func TestTestInChinese(t *testing.T) {
	c := newCLI(t)
	lab, err := labs.Find("bridge", "")
	if err != nil {
		t.Fatal(err)
	}
	zh := lab.In(i18n.Chinese)
	out, code := c.runEnv(inChinese[1].env, "--lang", "zh", "test", "bridge")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"通过  bridge 第 1 步：" + zh.Steps[0].Title + "\n",
		fmt.Sprintf("bridge: 撤销全部 %d 步后，实验完全恢复了原样\n通过 bridge\n", len(lab.Steps))} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}
