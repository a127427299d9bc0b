package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestChineseGoldensFit: every line of every Chinese golden is at most
// the golden's width, and holds no broken rune.
func TestChineseGoldensFit(t *testing.T) {
	files, _ := filepath.Glob("testdata/TestGoldenChinese/*.golden")
	if len(files) == 0 {
		t.Fatal("no Chinese goldens")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w := 80
		if strings.Contains(filepath.Base(f), "-120x36") {
			w = 120
		}
		wantFits(t, string(b), w)
	}
}

// TestChineseWidths renders the Chinese lab (testdata/flow-zh.yaml) and
// the interface in Chinese at every width from 60 to 160 columns, in every
// pane and dialog, before and after its steps run: no line is wider than
// the terminal, none cuts a character in two, and every message shown
// has its Chinese.
func TestChineseWidths(t *testing.T) {
	inChinese(t)
	var h *harness
	check := func(what string) {
		t.Helper()
		for w := 60; w <= 160; w++ {
			for _, hgt := range []int{24, 36} {
				h.send(tea.WindowSizeMsg{Width: w, Height: hgt})
				v := h.m.View()
				before := t.Failed()
				wantFits(t, v, w)
				if !before && t.Failed() {
					t.Fatalf("%s at %dx%d:\n%s", what, w, hgt, v)
				}
			}
		}
	}
	h = newHarness(t, Options{}, &fakeBackend{})
	h.wantScreen("选择一个实验")
	check("the picker")
	h = newHarness(t, Options{Lab: zhLab(t)}, &fakeBackend{running: &fakeDriver{lab: bridgeLab(t)}})
	h.wantScreen("另一个实验正在运行")
	check("the conflict screen")

	h = newHarness(t, Options{Lab: zhLab(t)}, &fakeBackend{stepPackets: manyPackets(t)})
	check("the first step")
	h.key("h")
	h.wantScreen("提示：")
	check("the first step's hint")
	h.key("?")
	h.wantScreen("选节点开终端")
	check("the full help")
	h.key("?", "q")
	h.wantScreen("退出 netlab")
	check("the quit dialog")
	h.key("esc", "R")
	h.wantScreen("重置实验？")
	check("the reset dialog")
	h.key("n", "enter")
	h.wantScreen("第 1 步完成")
	check("the first step run")
	h.key("tab")
	h.wantScreen("内核中实验的当前状态", "实验主机", "网桥")
	check("the topology")
	h.key("tab")
	h.wantScreen("的改动")
	check("the changes")
	h.key("tab")
	h.wantScreen("抓包接口")
	check("the capture")
	h.key("i")
	h.wantScreen("在哪些接口上抓包")
	check("the interfaces dialog")
	h.key("esc", "tab", "enter", "enter")
	h.wantScreen("先预测一下")
	check("the question")
	h.key("2")
	h.wantScreen("不太对")
	check("the second step, predicted wrong")
	h.key("S")
	h.wantScreen("在哪个节点上打开终端")
	check("the nodes dialog")
	h.key("esc")
	wantCatalogued(t)
}
