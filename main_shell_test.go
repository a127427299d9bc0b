package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
)

// TestShellPromptNamesNode opens "netlab shell ns01" in a terminal (tmux):
// its prompt names the node and its commands run inside it.
func TestShellPromptNamesNode(t *testing.T) {
	c := newCLI(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is missing: make deps installs it")
		}
		t.Skip("needs tmux")
	}
	c.must(0, "start", "bridge")
	c.must(0, "step", "-n", "8")
	sock := privtest.TmuxSocket(t)
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v %s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-x", "100", "-y", "20", "env", "NETLAB_RUN="+c.dir, binary, "shell", "ns01")
	screen := func(want string) string {
		deadline := time.Now().Add(5 * time.Second)
		for {
			s := tmux("capture-pane", "-p")
			if strings.Contains(s, want) || time.Now().After(deadline) {
				return s
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if s := screen("[netlab ns01]"); !strings.Contains(s, "[netlab ns01]") {
		t.Fatalf("no prompt naming ns01:\n%s", s)
	}
	tmux("send-keys", "ip netns exec ns02 ping -c 1 192.168.88.11; ip -br addr show veth01", "Enter")
	s := screen("192.168.88.11/24")
	if !strings.Contains(s, "1 received") || !strings.Contains(s, "192.168.88.11/24") {
		t.Fatalf("inside the shell:\n%s", s)
	}
}
