package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
)

// e2eBinary skips an end-to-end test that cannot run here (or, in CI,
// fails it: there it must run) and builds the netlab binary it drives.
func e2eBinary(t *testing.T) string {
	t.Helper()
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
	bin := filepath.Join(t.TempDir(), "netlab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxPane drives the session "e2e" of a tmux server of the test's own
// (socket name sock): the real binary on a real terminal.
type tmuxPane struct {
	t    *testing.T
	sock string
}

// newTmuxPane names a tmux server for the test (privtest.TmuxSocket); the
// caller starts the session (see start).
func newTmuxPane(t *testing.T) *tmuxPane {
	return &tmuxPane{t: t, sock: privtest.TmuxSocket(t)}
}

// newSession is the tmux command that starts the session at 100x30 running
// shell command line cmd.
func (p *tmuxPane) newSession(cmd string) *exec.Cmd {
	return exec.Command("tmux", "-S", p.sock, "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", cmd)
}

// start starts the session running cmd.
func (p *tmuxPane) start(cmd string) {
	p.t.Helper()
	if out, err := p.newSession(cmd).CombinedOutput(); err != nil {
		p.t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
}

func (p *tmuxPane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (p *tmuxPane) screen() string { return p.tmux("capture-pane", "-p", "-t", "e2e") }

// keys types keys into the pane (tmux send-keys names: "Enter", "Tab", ...).
func (p *tmuxPane) keys(k ...string) { p.tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...) }

// wait waits up to 20 s for the screen to show every part, else fails
// naming what was awaited and showing the screen.
func (p *tmuxPane) wait(what string, parts ...string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := p.screen()
		ok := true
		for _, part := range parts {
			ok = ok && strings.Contains(s, part)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: screen lacks %q:\n%s", what, parts, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
