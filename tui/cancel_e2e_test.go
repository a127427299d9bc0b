package tui

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine"
)

// TestCancelStepTmux runs the real binary in tmux on the real kernel: the
// hang lab's step 2 pings an address nobody has; esc cancels it, the step
// is rolled back, and the lab tears down cleanly.
func TestCancelStepTmux(t *testing.T) {
	ci := os.Getenv("CI") == "true"
	if _, err := exec.LookPath("tmux"); err != nil {
		if ci {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux not installed")
	}
	if os.Geteuid() != 0 {
		if ci {
			t.Fatal("the end-to-end test needs root in CI")
		}
		t.Skip("needs root: the lab creates network namespaces")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "netlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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
	sock := fmt.Sprintf("netlab-cancel-%d", os.Getpid())
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30",
		fmt.Sprintf("env NETLAB_RUN=%s TERM=xterm-256color %s open %s; echo NETLAB-EXITED $?; sleep 60", run, bin, lab))
	t.Cleanup(func() { exec.Command("tmux", "-L", sock, "kill-server").Run() })
	wait := func(what string, parts ...string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := tmux("capture-pane", "-p", "-t", "e2e")
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(s, p)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: screen lacks %q:\n%s", what, parts, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	keys := func(k ...string) { tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

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
