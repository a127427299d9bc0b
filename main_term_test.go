package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestCaptureVerb(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "bridge")
	c.must(0, "step", "-n", "8")
	pcap := t.TempDir() + "/out.pcap"
	cmd := c.cmd("capture", "br01", "ns01:veth01", "-c", "6", "-w", pcap)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(500 * time.Millisecond) // let the sockets open
	c.must(0, "exec", "ns02", "--", "ping", "-c", "1", "192.168.88.11")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("capture: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("capture never saw 6 packets:\n%s", out.String())
	}
	for _, want := range []string{"host:br01 B ARP, Request who-has 192.168.88.11 tell 192.168.88.12, length 28",
		"ns01:veth01 In IP 192.168.88.12 > 192.168.88.11: ICMP echo request", "6 packets captured"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("capture output lacks %q:\n%s", want, out.String())
		}
	}
	read, err := exec.Command("tcpdump", "-nn", "-r", pcap).CombinedOutput()
	if err != nil || strings.Count(string(read), "\n") < 6 {
		t.Errorf("tcpdump -r %s: %v\n%s", pcap, err, read)
	}
	c.must(2, "capture", "nosuch:eth0")
}

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
	sock := fmt.Sprintf("netlab-shell-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v %s", args, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-x", "100", "-y", "20", "env", "NETLAB_RUN="+c.dir, binary, "shell", "ns01")
	defer exec.Command("tmux", "-L", sock, "kill-server").Run()
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
