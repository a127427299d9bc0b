package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/netlab/netlab/engine"
)

// TestCancelStepTmux runs the real binary in tmux on the real kernel: the
// hang lab's step 2 pings an address nobody has; esc cancels it, the step
// is rolled back, and the lab tears down cleanly.
func TestCancelStepTmux(t *testing.T) {
	bin := e2eBinary(t)
	tmp := t.TempDir()
	lab, err := filepath.Abs("../testdata/hang.yaml")
	if err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(tmp, "run")
	t.Cleanup(func() {
		if err := engine.Reset(run); err != nil {
			t.Errorf("reset: %v", err)
		}
	})
	pane := newTmuxPane(t)
	pane.start(fmt.Sprintf("env NETLAB_RUN=%s TERM=xterm-256color %s open %s; echo NETLAB-EXITED $?; sleep 60", run, bin, lab))
	wait, keys := pane.wait, pane.keys

	wait("start", "Step 1 of 2", "started lab hang")
	keys("Enter")
	wait("step 1", "step 1 done", "1/2 done")
	keys("Enter") // shows step 2 (issue 11); the next Enter runs it
	wait("step 2 shown", "Step 2 of 2")
	keys("Enter")
	wait("step 2 runs", "running step 2… (esc cancels)")
	time.Sleep(time.Second)
	start := time.Now()
	keys("Escape")
	wait("cancelled", "step 2 cancelled; the lab is as before the step", "1/2 done")
	t.Logf("esc to the cancelled step on screen: %v", time.Since(start))
	if s, err := engine.Open(run); err != nil {
		t.Fatal(err)
	} else if st := s.State(); len(st.Applied) != 1 || st.Running != nil || len(st.Nodes) != 1 {
		t.Fatalf("after cancel: %d applied, running %+v, nodes %v", len(st.Applied), st.Running, st.NodeNames())
	}
	keys("q")
	wait("quit dialog", "Quit netlab", "tear it down")
	keys("t")
	wait("exit", "NETLAB-EXITED 0")
	if _, err := engine.Open(run); !errors.Is(err, engine.ErrNoSession) {
		t.Fatalf("a session is left in %s after tearing down: %v", run, err)
	}
}
