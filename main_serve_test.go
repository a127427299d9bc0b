package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// servers reads the pids of the servers the session records.
func (c *cli) servers() map[int]string {
	c.t.Helper()
	var st struct {
		Servers []struct {
			Kind string `json:"kind"`
			PID  int    `json:"pid"`
		} `json:"servers"`
	}
	b, err := os.ReadFile(filepath.Join(c.dir, "session.json"))
	if err != nil {
		c.t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		c.t.Fatal(err)
	}
	out := map[int]string{}
	for _, s := range st.Servers {
		out[s.PID] = s.Kind
	}
	return out
}

// running reports whether pid is a live netlab server process.
func running(pid int) bool {
	argv, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return err == nil && strings.HasPrefix(string(argv), "netlab-serve\x00")
}

// killMidStep starts "netlab step" and kills it with SIGKILL once its
// journal shows the slow ping.
func (c *cli) killMidStep() {
	c.t.Helper()
	cmd := c.cmd("step")
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, _ := os.ReadFile(filepath.Join(c.dir, "journal.json"))
		if strings.Contains(string(j), "ping -c 40") {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			c.t.Fatal("netlab step never reached the ping")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// TestServersOutliveNetlab: a server started by "netlab step" is still
// serving once that process has exited (the real curl reaches it), undo
// stops it, and after netlab is killed mid-step with a second server
// started, undo stops that one and reset stops them all: no netlab server
// process is left.
func TestServersOutliveNetlab(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "testdata/serve.yaml")
	c.must(0, "step", "-n", "2")
	srv := c.servers()
	if len(srv) != 1 {
		t.Fatalf("servers after step 2: %v", srv)
	}
	var httpd int
	for pid := range srv {
		httpd = pid
	}
	if !running(httpd) {
		t.Fatalf("the server %d did not outlive netlab step", httpd)
	}
	path := filepath.Join(c.dir, "netns", "host")
	out, err := exec.Command("nsenter", "--net="+path, "curl", "-sS", "-m", "3", "http://10.0.0.2/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Hello from ns01: httpd on 10.0.0.2:80") {
		t.Errorf("curl: %v\n%s", err, out)
	}
	c.must(0, "undo")
	if running(httpd) {
		t.Errorf("undo left the server %d running", httpd)
	}
	c.must(0, "step")
	c.killMidStep()
	srv = c.servers()
	if len(srv) != 2 {
		t.Fatalf("servers after the kill: %v", srv)
	}
	c.must(0, "undo") // rolls the interrupted step back
	for pid, kind := range c.servers() {
		if kind != "httpd" || !running(pid) {
			t.Errorf("after undoing the interrupted step: server %d %s", pid, kind)
		}
	}
	for pid, kind := range srv {
		if kind == "http.server" && running(pid) {
			t.Errorf("undo of the interrupted step left http.server %d running", pid)
		}
	}
	c.killMidStep()
	all := c.servers()
	c.must(0, "reset")
	for pid := range all {
		if running(pid) {
			t.Errorf("reset after kill -9 left server %d running", pid)
		}
	}
}
