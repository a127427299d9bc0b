package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
)

// TestPlainScriptPingReplyOnScreen is issue 11's walk-through: the real
// binary in tmux opens the seed's plain script (no questions), Enter is
// pressed until the ping step has run, and the ping's reply is on the
// screen: a step's outcome stays in view until the next Enter.
func TestPlainScriptPingReplyOnScreen(t *testing.T) {
	bin := e2eBinary(t)
	script, err := filepath.Abs("../labs/testdata/seed001.sh")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := labs.LoadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	ping := -1 // the step that pings (1-based)
	for i, s := range lab.Steps {
		if s.Question != nil {
			t.Fatalf("step %d of the plain script has a question", i+1)
		}
		for _, c := range s.Commands {
			if ping < 0 && strings.Contains(c.Text, "ping ") {
				ping = i + 1
			}
		}
	}
	if ping < 0 {
		t.Fatal("the plain script has no ping step")
	}
	run := t.TempDir()
	t.Cleanup(func() {
		if err := engine.Reset(run); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	pane := newTmuxPane(t)
	pane.start(fmt.Sprintf("env NETLAB_RUN=%s TERM=xterm-256color %s open %s; echo NETLAB-EXITED $?; sleep 60", run, bin, script))
	screen, wait, keys := pane.screen, pane.wait, pane.keys

	n := len(lab.Steps)
	wait("start", fmt.Sprintf("Step 1 of %d", n), "Enter: run step 1")
	for i := 1; i <= ping; i++ {
		if i > 1 {
			keys("Enter")
			wait(fmt.Sprintf("step %d shown", i), fmt.Sprintf("Step %d of %d", i, n), fmt.Sprintf("Enter: run step %d", i))
		}
		keys("Enter")
		wait(fmt.Sprintf("step %d", i), fmt.Sprintf("step %d done", i), fmt.Sprintf("%d/%d done", i, n), "Enter: next step")
	}
	wait("the ping's reply", fmt.Sprintf("Step %d of %d", ping, n), "bytes from 192.168.88.12")
	s := screen()
	t.Logf("the ping step on screen:\n%s", s)
	if !strings.Contains(s, "captured during the step") {
		t.Errorf("the ping step's packets are not under its commands:\n%s", s)
	}
	keys("q")
	wait("quit dialog", "Quit netlab", "tear it down")
	keys("t")
	wait("exit", "NETLAB-EXITED 0")
}
