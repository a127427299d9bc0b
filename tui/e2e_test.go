package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/engine/privtest"
)

// TestEndToEndTmux walks the whole bridge lab in the real binary, in a
// tmux pane of 100x30, on the real kernel (inside the lab's namespaces):
// one undo, one question answered, one step done by hand in the shell,
// then quits tearing the lab down. It runs with a throwaway run directory,
// with the default one (/run/netlab) on this machine's /run (compared
// before and after; this machine has no /run/netns), and with the default
// one in a private mount namespace whose /run is a tmpfs holding a
// /run/netns; none leaves anything in /run.
func TestEndToEndTmux(t *testing.T) {
	for _, tc := range []struct {
		name    string
		run     string // NETLAB_RUN, "" for the default
		private bool   // a private /run with /run/netns
	}{
		{name: "throwaway run directory", run: "tmp"},
		{name: "default run directory", run: ""},
		{name: "default run directory with run netns", run: "", private: true},
	} {
		t.Run(tc.name, func(t *testing.T) { endToEnd(t, tc.run, tc.private) })
	}
}

func endToEnd(t *testing.T, runDir string, private bool) {
	bin := e2eBinary(t)
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	env := "NETLAB_RUN=" + run
	if runDir == "" {
		run, env = engine.DefaultDir, "-u NETLAB_RUN"
		if !private {
			// The machine's own /run (this one has no /run/netns): compared
			// whole before and after.
			before := privtest.RunListing(t)
			forget := lockDefaultRun(t)
			t.Cleanup(func() {
				forget()
				if after := privtest.RunListing(t); after != before {
					t.Errorf("/run changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
	if !private {
		t.Cleanup(func() {
			if err := engine.Reset(run); err != nil {
				t.Errorf("reset: %v", err)
			}
		})
	}
	pane := newTmuxPane(t)
	start := time.Now()
	newSession := func() error {
		return pane.newSession(fmt.Sprintf("env %s TERM=xterm-256color %s; echo NETLAB-EXITED $?; env %s %s status >/dev/null 2>&1; echo STATUS-EXIT $?; ls -d /run/netns; sleep 60",
			env, bin, env, bin)).Run()
	}
	if private {
		// The tmux server, and so netlab, lives in the private /run.
		if err := inPrivateRun(newSession); err != nil {
			t.Fatalf("tmux in a private /run: %v", err)
		}
	} else if err := newSession(); err != nil {
		t.Fatalf("tmux new-session: %v", err)
	}
	wait, keys := pane.wait, pane.keys

	wait("picker", "pick a lab", "Build Docker's bridge network by hand")
	t.Logf("time to the picker's first frame (process start included): %v", time.Since(start))
	keys("Enter")
	wait("start", "Step 1 of 16", "started lab bridge")
	// Enter runs a step; the next Enter shows the following one (issue 11).
	next := func(i int) {
		t.Helper()
		keys("Enter")
		wait(fmt.Sprintf("show step %d", i), fmt.Sprintf("Step %d of 16", i))
	}
	for i := 1; i <= 8; i++ {
		if i > 1 {
			next(i)
		}
		keys("Enter")
		wait(fmt.Sprintf("step %d", i), fmt.Sprintf("step %d done", i), fmt.Sprintf("%d/16 done", i))
	}
	keys("u")
	wait("undo", "undid step 8", "7/16 done")
	keys("Enter")
	wait("step 8 again", "step 8 done", "8/16 done")
	next(9)
	keys("Enter")
	wait("question", "Predict first", "1. An ARP request")
	keys("1")
	wait("step 9", "step 9 done", "Your prediction", "right")
	keys("Tab", "Tab", "Tab")
	wait("capture", "Capture on host:br01", "ARP, Request who-has 192.168.88.12 tell 192.168.88.11", "ICMP echo reply")
	keys("BTab", "BTab", "BTab")
	next(10)
	keys("Enter")
	wait("step 10", "step 10 done")
	next(11)
	keys("Enter")
	wait("question 11", "Predict first")
	keys("2")
	wait("step 11", "step 11 done", "you said 2.")
	next(12)
	keys("Enter")
	wait("question 12", "Predict first")
	keys("2")
	wait("step 12", "step 12 done", "you said 2.")
	keys("s")
	wait("shell", "[netlab host]")
	keys("iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "Enter")
	keys("exit", "Enter")
	wait("by hand", "step 13 done by hand", "13/16 done")
	keys("Enter") // a step done by hand moves on to the next one
	wait("step 14", "step 14 done")
	next(15)
	keys("Enter")
	wait("step 15", "step 15 done")
	next(16)
	keys("Enter")
	wait("step 16", "that was the last step", "16/16 done")
	keys("q")
	wait("quit dialog", "Quit netlab", "tear it down")
	keys("t")
	wait("exit", "NETLAB-EXITED 0")
	wait("no session left", "STATUS-EXIT 3") // 3: no lab is running
	if private {
		wait("private /run/netns", "\n/run/netns\n")
	} else if _, err := engine.Open(run); !errors.Is(err, engine.ErrNoSession) {
		t.Fatalf("a session is left in %s after tearing down: %v", run, err)
	}
}
