package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/i18n"
)

// inChinese switches the interface to Chinese for the test, with the
// record of untranslated messages cleared, and back to English after.
func inChinese(t testing.TB) {
	t.Helper()
	i18n.SetLang(i18n.Chinese)
	i18n.ResetMissing()
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
}

// wantCatalogued fails when a message shown since inChinese had no
// Chinese in the catalogue (assets/locales/tui.zh.yaml).
func wantCatalogued(t testing.TB) {
	t.Helper()
	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("shown without a translation: %v", m)
	}
}

// wantFits fails for a line of screen wider than w cells or holding a
// broken rune.
func wantFits(t testing.TB, screen string, w int) {
	t.Helper()
	for i, l := range strings.Split(screen, "\n") {
		if !utf8.ValidString(l) {
			t.Errorf("at width %d, line %d has a broken rune: %q", w, i+1, l)
		}
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("at width %d, line %d is %d cells: %q", w, i+1, lw, ansi.Strip(l))
		}
	}
}

// zhLab is testdata/flow-zh.yaml: flow.yaml written in Chinese, straight
// in the lab's fields.
func zhLab(t testing.TB) *labs.Lab {
	t.Helper()
	lab, err := labs.LoadFile("testdata/flow-zh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// TestGoldenChinese is TestGolden in Chinese: the picker, a step before
// and after it runs, a question, the full help and the quit dialog, at
// 80x24 and 120x36. The lab's Chinese is in the fields of
// testdata/flow-zh.yaml; the interface's comes from the catalogue, and
// every message shown must be in it. go test ./tui -run GoldenChinese
// -update refreshes testdata/.
func TestGoldenChinese(t *testing.T) {
	started := "已启动实验"
	screens := []struct {
		name string
		lab  bool // open flow-zh rather than the picker
		do   func(t *testing.T, tm *teatest.TestModel)
	}{
		{name: "picker", do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, "选择一个实验")
		}},
		{name: "step-before", lab: true, do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, started)
		}},
		{name: "step-after", lab: true, do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, started)
			keys(tm, "enter")
			waitOutput(t, tm, "第 1 步完成")
		}},
		{name: "question", lab: true, do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, started)
			keys(tm, "enter")
			waitOutput(t, tm, "第 1 步完成")
			keys(tm, "enter", "enter")
			waitOutput(t, tm, "先预测一下")
		}},
		{name: "help", lab: true, do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, started)
			keys(tm, "?")
			waitOutput(t, tm, "跟踪数据包")
		}},
		{name: "quit", lab: true, do: func(t *testing.T, tm *teatest.TestModel) {
			waitOutput(t, tm, started)
			keys(tm, "q")
			waitOutput(t, tm, "退出 netlab")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				inChinese(t)
				be := &fakeBackend{stepPackets: manyPackets(t)}
				opts := Options{}
				if sc.lab {
					opts.Lab = zhLab(t)
				}
				m := New(opts, be, true)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				sc.do(t, tm)
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				view := fm.View()
				wantFits(t, view, size[0])
				wantCatalogued(t)
				golden.RequireEqual(t, []byte(ansi.Strip(view)))
			})
		}
	}
}
