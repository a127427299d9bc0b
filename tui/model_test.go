package tui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/netlab/netlab/labs/i18n"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	// English unless a test asks for Chinese: the goldens are in English
	// whatever the locale CI runs in.
	i18n.SetLang(i18n.English)
	os.Exit(m.Run())
}

// harness drives a Model by hand: Update, then the returned commands run
// synchronously (each with a short timeout, since some wait for packets).
type harness struct {
	t     *testing.T
	m     *Model
	be    *fakeBackend
	quit  bool
	execs int // tea.ExecProcess commands seen (the shell)
}

func newHarness(t *testing.T, opts Options, be *fakeBackend) *harness {
	h := &harness{t: t, m: New(opts, be, true), be: be}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(h.m.Init())
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 500; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(150 * time.Millisecond):
			continue // a reader waiting for packets
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			h.quit = true
		case frameMsg:
			h.m.Update(msg)
		default:
			if strings.HasSuffix(fmt.Sprintf("%T", msg), "execMsg") {
				h.execs++
				continue
			}
			_, next := h.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func (h *harness) key(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// dialogName is the open dialog's type ("quitDialog"); "" when none is open.
func dialogName(d dialog) string {
	if d == nil {
		return ""
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", d), "*tui.")
}

func (h *harness) screen() string { return ansi.Strip(h.m.View()) }

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

// labHarness opens the bridge lab on a fake backend.
func labHarness(t *testing.T) *harness {
	be := &fakeBackend{}
	h := newHarness(t, Options{Lab: bridgeLab(t)}, be)
	if h.m.screen != screenLab {
		t.Fatalf("screen %d, want the lab view; status %q", h.m.screen, h.m.status)
	}
	return h
}

func TestOpenLab(t *testing.T) {
	lab := bridgeLab(t)
	other := *lab
	other.ID = "other"
	tests := []struct {
		name    string
		running *fakeDriver
		keys    []string
		want    []string
		resets  int
	}{
		{name: "no session starts it", want: []string{"Step 1 of 16", "started lab bridge"}},
		{name: "same lab reopens", running: &fakeDriver{lab: lab}, want: []string{"reopened"}},
		{name: "other lab: reopen it", running: &fakeDriver{lab: &other}, keys: []string{"o"}, want: []string{"reopened the running session of other"}},
		{name: "other lab: reset", running: &fakeDriver{lab: &other}, keys: []string{"R"}, want: []string{"the lab was reset"}, resets: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			be := &fakeBackend{running: tc.running}
			h := newHarness(t, Options{Lab: lab}, be)
			if tc.running != nil && tc.running.lab.ID != lab.ID {
				h.wantScreen("Another lab is running", "reopen other", "reset it and start bridge")
			}
			h.key(tc.keys...)
			h.wantScreen(tc.want...)
			if be.resets != tc.resets {
				t.Fatalf("%d resets, want %d", be.resets, tc.resets)
			}
		})
	}
}

func TestEnterWalksTheLab(t *testing.T) {
	h := labHarness(t)
	// Enter runs a step; the next Enter shows the following step without
	// running it; the one after runs it (issue 11).
	for i := 1; i <= 8; i++ {
		if i > 1 {
			h.key("enter")
			if h.m.current() != i-1 || h.m.step.viewed != i-1 {
				t.Fatalf("enter after step %d ran: %d applied, viewing %d", i-1, h.m.current(), h.m.step.viewed)
			}
		}
		h.key("enter")
		if h.m.current() != i {
			t.Fatalf("step %d: %d steps applied", i, h.m.current())
		}
	}
	h.wantScreen("✓  8 Configure", "▶  9 Ping", "step 8 done", "Enter: next step")
	h.key("enter")
	h.wantScreen("Step 9 of 16", "Enter: predict, then run step 9")
	// step 9 asks first
	h.key("enter")
	if dialogName(h.m.dialog) != "questionDialog" || h.m.current() != 8 {
		t.Fatalf("enter on a step with a question must ask it first")
	}
	h.wantScreen("Predict first", "1. An ARP request")
	h.key("9") // not a choice: nothing happens
	if dialogName(h.m.dialog) != "questionDialog" {
		t.Fatal("an answer out of range closed the question")
	}
	h.key("2")
	h.wantScreen("Your prediction", "not quite", "the answer is 1.", "The ping needs an Ethernet frame")
	if h.m.current() != 9 {
		t.Fatal("answering did not run the step")
	}
	h.key("enter", "enter") // step 10
	h.key("enter", "enter") // step 11
	h.key("enter", "enter") // step 12: question
	h.key("2")
	h.wantScreen("you said 2.", "right")
}
