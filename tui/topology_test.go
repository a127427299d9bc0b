package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestTopologyPaneGolden is the Topology pane in the TUI after a step, at
// 80x24 and 120x36 (the fake backend's snapshot; the fake step changes
// host's thing1 and ns01's route, which the pane highlights).
func TestTopologyPaneGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			be := &fakeBackend{}
			m := New(Options{Lab: bridgeLab(t)}, be, true)
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
			waitOutput(t, tm, "started lab")
			keys(tm, "enter")
			waitOutput(t, tm, "step 1 done")
			keys(tm, "tab")
			waitOutput(t, tm, "The lab as the kernel has it now")
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
			view := fm.View()
			for i, l := range strings.Split(view, "\n") {
				if lw := ansi.StringWidth(l); lw > size[0] {
					t.Errorf("line %d is %d cells wide", i, lw)
				}
			}
			if !strings.Contains(ansi.Strip(view), "eth0 ●─┼──┼─● wan0") {
				t.Errorf("the pane does not draw the cable from eth0 to wan0:\n%s", ansi.Strip(view))
			}
			golden.RequireEqual(t, []byte(ansi.Strip(view)))
		})
	}
}

// TestTopologyPaneFitsEveryStep: at 80x24 and 120x36 the Topology pane
// shows the bridge lab's whole map after setup and after every step,
// without scrolling, and with no line wider than the terminal.
func TestTopologyPaneFitsEveryStep(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		for step := 0; step <= bridgeSteps; step++ {
			t.Run(fmt.Sprintf("%dx%d-step%02d", size[0], size[1], step), func(t *testing.T) {
				m := New(Options{}, &fakeBackend{}, false)
				m.ctx.width, m.ctx.height = size[0], size[1]
				m.pane, m.snap = paneTopology, loadTopoSnap(t, step)
				out := m.paneView(size[0], m.bodyHeight())
				plain := ansi.Strip(out)
				if strings.Contains(plain, "more lines") {
					t.Errorf("the map does not fit, it scrolls:\n%s", plain)
				}
				if !strings.Contains(plain, "● up  ○ down") || !strings.Contains(plain, "┌── host") {
					t.Errorf("the map is cut:\n%s", plain)
				}
				for i, l := range strings.Split(out, "\n") {
					if lw := ansi.StringWidth(l); lw != size[0] {
						t.Errorf("line %d is %d cells, want %d", i, lw, size[0])
					}
				}
			})
		}
	}
}

// TestTopologyPaneMachines is the Topology pane on a lab of two machines
// (the overlay lab's kernel state) at 80x24 and 120x36: each host framed
// with its namespaces, the underlay and the tunnel across, every line as
// wide as the terminal.
func TestTopologyPaneMachines(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := New(Options{}, &fakeBackend{}, false)
			m.ctx.width, m.ctx.height = size[0], size[1]
			m.pane, m.snap = paneTopology, overlaySnap()
			out := m.paneView(size[0], m.bodyHeight())
			plain := ansi.Strip(out)
			for i, l := range strings.Split(out, "\n") {
				if lw := ansi.StringWidth(l); lw != size[0] {
					t.Errorf("line %d is %d cells, want %d", i, lw, size[0])
				}
			}
			for _, want := range []string{"The lab as the kernel has it now", "host1 · lab host", "eth0 ●─┼", "vxlan0 vxlan 256 ●┄"} {
				if !strings.Contains(plain, want) {
					t.Errorf("%q missing from the pane:\n%s", want, plain)
				}
			}
			golden.RequireEqual(t, []byte(plain))
		})
	}
}
