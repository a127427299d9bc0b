package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden screens at fixed sizes, on fake data (no timestamps or MACs that
// vary). go test ./tui -run Golden -update refreshes testdata/.
func TestGolden(t *testing.T) {
	screens := []struct {
		name string
		lab  bool // open the bridge lab rather than the picker
		flow bool // open testdata/flow.yaml, whose steps report manyPackets
		pre  int  // steps applied before the TUI opens
		do   func(t *testing.T, tm *teatest.TestModel, be *fakeBackend)
	}{
		{name: "picker", do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "pick a lab")
		}},
		{name: "step-before", lab: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			keys(tm, "n", "n")
			waitOutput(t, tm, "Step 3 of 16")
		}},
		{name: "step-after", lab: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			for i := 1; i <= 3; i++ {
				if i > 1 {
					keys(tm, "enter") // shows step i; the next Enter runs it
				}
				keys(tm, "enter")
				waitOutput(t, tm, fmt.Sprintf("step %d done", i))
			}
		}},
		// issue 11: read, run, observe, move on.
		{name: "flow-after-run", flow: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			keys(tm, "enter")
			waitOutput(t, tm, "step 1 done")
		}},
		{name: "flow-next-not-run", flow: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			keys(tm, "enter")
			waitOutput(t, tm, "step 1 done")
			keys(tm, "enter")
			waitOutput(t, tm, "Step 2 of 2")
		}},
		{name: "flow-explain-after-question", flow: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			keys(tm, "enter")
			waitOutput(t, tm, "step 1 done")
			keys(tm, "enter", "enter")
			waitOutput(t, tm, "Predict first")
			keys(tm, "2")
			waitOutput(t, tm, "step 2 done")
		}},
		{name: "changes", lab: true, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "started lab")
			keys(tm, "enter")
			waitOutput(t, tm, "step 1 done")
			keys(tm, "tab", "tab")
			waitOutput(t, tm, "what changed")
		}},
		{name: "capture", lab: true, pre: 12, do: func(t *testing.T, tm *teatest.TestModel, be *fakeBackend) {
			waitOutput(t, tm, "reopened")
			time.Sleep(200 * time.Millisecond) // the live capture opens
			be.send(natPackets(t)...)
			keys(tm, "shift+tab")
			waitOutput(t, tm, "echo reply")
			keys(tm, "up")
			time.Sleep(100 * time.Millisecond)
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 36}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				be := &fakeBackend{}
				if sc.flow {
					be.stepPackets = manyPackets(t)
				}
				if sc.pre > 0 {
					be.running = &fakeDriver{lab: bridgeLab(t)}
					for range sc.pre {
						be.running.Step()
					}
				}
				opts := Options{}
				if sc.lab {
					opts.Lab = bridgeLab(t)
				}
				if sc.flow {
					opts.Lab = flowLab(t)
				}
				m := New(opts, be, true)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				sc.do(t, tm, be)
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
				golden.RequireEqual(t, []byte(ansi.Strip(fm.View())))
			})
		}
	}
}

func keys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

// waitOutput waits until the program has printed s.
func waitOutput(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), s) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

var _ tea.Model = (*Model)(nil)

func TestTooSmall(t *testing.T) {
	h := labHarness(t)
	h.send(tea.WindowSizeMsg{Width: 50, Height: 15})
	h.wantScreen("netlab needs at least 60x18")
	h.key("enter")
	if h.m.current() != 0 {
		t.Fatal("a key acted on a screen too small to show it")
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantScreen("Step 1 of 16")
}
