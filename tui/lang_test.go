package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/netlab/netlab/labs/i18n"
)

// place is where the student stands in the TUI: what the language key
// must leave as it is.
type place struct {
	screen       screen
	pane         pane
	viewed       int
	stepOff      int
	topoOff      int
	dialog       string
	applied      int
	hint, toOutc bool
}

func placeOf(m *Model) place {
	return place{m.screen, m.pane, m.step.viewed, m.step.off, m.topo.off, dialogName(m.dialog), len(m.applied), m.step.showHint, m.step.toOutcome}
}

// TestLangKeyKeepsPlace: L switches the interface between English and
// Chinese at any moment, and the step viewed, the pane, its scroll and an
// open dialog stay as they were.
func TestLangKeyKeepsPlace(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	h := labHarness(t)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.key("enter")
	h.wantScreen("step 1 done")
	h.key("enter", "n", "down", "down", "h")
	lang := func(want i18n.Lang, parts ...string) {
		t.Helper()
		before := placeOf(h.m)
		h.key("L")
		if got := i18n.Current(); got != want {
			t.Fatalf("language %q after L, want %q", got, want)
		}
		if after := placeOf(h.m); after != before {
			t.Errorf("L moved the student:\nbefore %+v\nafter  %+v", before, after)
		}
		h.wantScreen(parts...)
	}
	if p := placeOf(h.m); p.viewed != 1 || p.stepOff == 0 || !p.hint {
		t.Fatalf("setup: viewed %d, scrolled %d: want step 2, scrolled, with its hint", p.viewed, p.stepOff)
	}
	lang(i18n.Chinese, "步骤", "第 2/16 步", "语言：简体中文")
	lang(i18n.English, "Step 2 of 16", "language: English")

	// another pane, scrolled
	h.key("tab", "down", "down")
	if h.m.pane != paneTopology || h.m.topo.off == 0 {
		t.Fatalf("setup: pane %d, scrolled %d", h.m.pane, h.m.topo.off)
	}
	lang(i18n.Chinese, "内核中实验的当前状态")
	lang(i18n.English, "The lab as the kernel has it now")

	// a dialog stays open, and takes the new language
	h.key("q")
	if dialogName(h.m.dialog) != "quitDialog" {
		t.Fatalf("q opened %q", dialogName(h.m.dialog))
	}
	lang(i18n.Chinese, "退出 netlab", "保留运行")
	lang(i18n.English, "Quit netlab", "keep it running")
	h.key("esc")

	// the help shows the key, and the key help follows the language
	h.key("?")
	h.wantScreen("中文", "help")
	lang(i18n.Chinese, "English", "执行本步")
	lang(i18n.English, "中文", "run step")

	// the lab's own text follows too (Lab.In): the step list shows the
	// translated titles when the lab translates them
	h.key("?", "shift+tab") // close the help, back to the step pane and its list
	if zh := h.m.lab.In(i18n.Chinese); zh.Steps[0].Title != h.m.lab.Steps[0].Title {
		lang(i18n.Chinese, zh.Steps[0].Title)
		lang(i18n.English, h.m.lab.Steps[0].Title[:16]) // the list cuts it at 80 columns
	}
}

// TestLangKeyTyping: while a filter is typed, L is a letter.
func TestLangKeyTyping(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	h := labHarness(t)
	h.key("shift+tab", "/", "L")
	if i18n.Current() != i18n.English {
		t.Fatal("L typed in the capture filter switched the language")
	}
	if v := h.m.capture.input.Value(); v != "L" {
		t.Errorf("filter input %q, want L", v)
	}
}

// TestLangKeyPicker: in the picker, L switches the list's words and reads
// the labs for their own translations, the cursor staying put.
func TestLangKeyPicker(t *testing.T) {
	t.Cleanup(func() { i18n.SetLang(i18n.English) })
	h := newHarness(t, Options{}, &fakeBackend{})
	h.wantScreen("netlab: pick a lab", "16 steps")
	if h.m.picker.needsLabs() != true {
		t.Fatal("in English the picker read the labs for nothing")
	}
	idx := h.m.picker.list.Index()
	h.key("L")
	h.wantScreen("netlab：选择一个实验", "共 16 步")
	if h.m.picker.needsLabs() {
		t.Error("the labs were not read for their translations")
	}
	if h.m.picker.list.Index() != idx || h.m.screen != screenPicker {
		t.Error("L moved the picker")
	}
	h.key("L")
	h.wantScreen("netlab: pick a lab", "16 steps")
}
