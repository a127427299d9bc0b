package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
)

// These tests drive the built binary the way an instructor's script does,
// each with its own run directory (NETLAB_RUN), as root in real namespaces.

var binary string

func TestMain(m *testing.M) {
	enterPrivateRun()
	dir, err := os.MkdirTemp("", "netlab-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "netlab")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needRootT(t *testing.T) { t.Helper(); privtest.Need(t) }

// cli runs netlab with the test's run directory and returns output and exit code.
type cli struct {
	t      *testing.T
	dir    string          // NETLAB_RUN; "" for the default run directory
	had    map[string]bool // with the default one: what it held before
	hadDir bool            // and whether it existed
}

func newCLI(t *testing.T) *cli {
	needRootT(t)
	c := &cli{t: t, dir: t.TempDir()}
	t.Cleanup(func() { c.run("reset") })
	return c
}

func (c *cli) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "NETLAB_RUN=") {
			env = append(env, e)
		}
	}
	if c.dir != "" { // "": the default run directory
		env = append(env, "NETLAB_RUN="+c.dir)
	}
	cmd.Env = env
	return cmd
}

func (c *cli) run(args ...string) (string, int) {
	c.t.Helper()
	out, err := c.cmd(args...).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return string(out), code
}

func (c *cli) must(code int, args ...string) string {
	c.t.Helper()
	out, got := c.run(args...)
	if got != code {
		c.t.Fatalf("netlab %s: exit %d, want %d\n%s", strings.Join(args, " "), got, code, out)
	}
	return out
}

type status struct {
	Lab         string `json:"lab"`
	Steps       int    `json:"steps"`
	Applied     int    `json:"applied"`
	Next        string `json:"next"`
	Interrupted *struct {
		Step    int    `json:"step"`
		Command int    `json:"command"`
		Text    string `json:"text"`
	} `json:"interrupted"`
	Nodes []struct {
		Name string `json:"name"`
	} `json:"nodes"`
}

func (c *cli) status() status {
	c.t.Helper()
	var st status
	out := c.must(0, "status", "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		c.t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// machine dumps the machine's own network state, counters aside.
func machine(t *testing.T) string {
	var b strings.Builder
	counters := regexp.MustCompile(`\[\d+:\d+\]|(?m)^#.*$`)
	for _, args := range [][]string{{"ip", "-j", "link"}, {"ip", "-j", "addr"}, {"ip", "-j", "route", "show", "table", "all"},
		{"ip", "netns", "list"}, {"iptables-save"}, {"sysctl", "net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"}} {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		b.WriteString(counters.ReplaceAllString(string(out), "") + "\n")
	}
	// /run/netns itself: whether it exists and how it is mounted.
	_, err := os.Stat("/run/netns")
	fmt.Fprintf(&b, "/run/netns exists: %v\n", err == nil)
	// All of /run: every name, and every mount under it.
	b.WriteString(privtest.RunListing(t))
	return b.String()
}

func TestScriptedLesson(t *testing.T) {
	c := newCLI(t)
	lesson(t, c)
}

// lesson is an instructor's scripted lesson: start, steps, undo, exec and
// shell in lab nodes, the rest of the steps, reset; the machine (its
// network and all of /run) is the same before and after.
func lesson(t *testing.T, c *cli) {
	before := machine(t)
	c.must(3, "status")
	c.must(0, "start", "bridge")
	out := c.must(3, "start", "bridge")
	if !strings.Contains(out, `lab "bridge" is already running`) || !strings.Contains(out, "netlab reset") {
		t.Errorf("second start: %s", out)
	}
	c.must(0, "step", "-n", "5")
	c.must(0, "undo", "-n", "2")
	st := c.status()
	if st.Lab != "bridge" || st.Applied != 3 || st.Next != "Create two veth pairs" || len(st.Nodes) != 4 {
		t.Fatalf("status after step 5, undo 2: %+v", st)
	}
	out = c.must(0, "exec", "ns01", "--", "ip", "-br", "link", "show", "lo")
	if !strings.Contains(out, "DOWN") { // as "ip netns add" leaves it
		t.Errorf("exec in ns01: %s", out)
	}
	out = c.must(0, "exec", "host", "--", "ping", "-c", "1", "192.168.88.1")
	if !strings.Contains(out, "1 received") {
		t.Errorf("exec ping on the lab host: %s", out)
	}
	out = c.must(0, "exec", "host", "--", "ip", "netns", "list")
	if !strings.Contains(out, "ns01") || !strings.Contains(out, "ns02") {
		t.Errorf("ip netns list inside the lab host: %s", out)
	}
	c.must(0, "step", "-n", "5") // up to the ping between ns01 and ns02
	out = c.must(0, "exec", "ns01", "--", "ip", "-br", "addr")
	if !strings.Contains(out, "192.168.88.11/24") {
		t.Errorf("exec ip addr in ns01 after step 8: %s", out)
	}
	sh := c.cmd("shell", "host")
	sh.Stdin = strings.NewReader("ip netns exec ns01 ip -br addr show veth01\nexit\n")
	if b, err := sh.CombinedOutput(); err != nil || !strings.Contains(string(b), "192.168.88.11/24") {
		t.Errorf("netlab shell on the lab host, ip netns exec ns01: %v\n%s", err, b)
	}
	var steps []struct {
		Step int  `json:"step"`
		OK   bool `json:"ok"`
	}
	out = c.must(0, "step", "--all", "--json")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") { // JSON Lines: one step a line
		var s struct {
			Step       int      `json:"step"`
			OK         bool     `json:"ok"`
			DurationMS *float64 `json:"duration_ms"`
		}
		if err := json.Unmarshal([]byte(line), &s); err != nil || s.DurationMS == nil {
			t.Fatalf("step --all --json line %q: %v (every line is a step with its duration_ms)", line, err)
		}
		steps = append(steps, struct {
			Step int  `json:"step"`
			OK   bool `json:"ok"`
		}{s.Step, s.OK})
	}
	if len(steps) != 8 {
		t.Fatalf("step --all --json: %+v", steps)
	}
	for _, s := range steps {
		if !s.OK {
			t.Errorf("step %d failed", s.Step)
		}
	}
	if st := c.status(); st.Applied != 16 || st.Next != "" {
		t.Errorf("status at the end: %+v", st)
	}
	c.must(1, "step")
	// The last step deleted ns01 and ns02: the lab's two hosts are left.
	if out := c.must(0, "reset"); out != "reset: removed lab bridge: 2 namespaces\n" {
		t.Errorf("reset says %q", out)
	}
	if out := c.must(0, "reset"); out != "reset: nothing to remove\n" {
		t.Errorf("second reset says %q", out)
	}
	c.must(3, "status")
	c.forgetRunDir()
	if after := machine(t); after != before {
		t.Errorf("the machine changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestKilledDuringStep(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "testdata/slow.yaml")
	c.must(0, "step")
	cmd := c.cmd("step")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := os.ReadFile(filepath.Join(c.dir, "journal.json"))
		if strings.Contains(string(st), "ping -c 40") {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("netlab step never reached the ping")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	st := c.status()
	if st.Interrupted == nil || st.Interrupted.Step != 2 || st.Interrupted.Command != 3 || st.Interrupted.Text != "ping -c 40 -i 0.1 127.0.0.1" {
		t.Fatalf("status after kill -9: %+v", st.Interrupted)
	}
	out := c.must(0, "status")
	if !strings.Contains(out, "INTERRUPTED in step 2") {
		t.Errorf("status text: %s", out)
	}
	c.must(1, "step") // refuses until recovered
	c.must(0, "undo")
	st = c.status()
	if st.Interrupted != nil || st.Applied != 1 || len(st.Nodes) != 1 {
		t.Fatalf("status after undo: %+v", st)
	}
	out = c.must(0, "exec", "host", "--", "ip", "-br", "link", "show", "br01")
	if !strings.Contains(out, "DOWN") {
		t.Errorf("br01 should be back down: %s", out)
	}
}

func TestKilledThenReset(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "testdata/slow.yaml")
	c.must(0, "step")
	cmd := c.cmd("step")
	cmd.Start()
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	c.must(0, "reset")
	c.must(3, "status")
	if mounts, _ := os.ReadFile("/proc/thread-self/mountinfo"); strings.Contains(string(mounts), c.dir) {
		t.Errorf("namespace mounts remain under %s", c.dir)
	}
}

func TestRefusals(t *testing.T) {
	c := newCLI(t)
	out := c.must(2, "step", "--bogus")
	if !strings.Contains(out, "unknown flag") {
		t.Errorf("bad flag: %s", out)
	}
	c.must(2, "start")
	out = c.must(1, "start", "no-such-lab")
	if !strings.Contains(out, "no-such-lab") {
		t.Errorf("unknown lab: %s", out)
	}
	c.must(0, "start", "bridge")
	out = c.must(2, "exec", "ns07", "--", "true")
	if !strings.Contains(out, "nodes: host, internet") {
		t.Errorf("unknown node: %s", out)
	}
	// not root, with root's run directory: refused before anything is
	// created, naming it (without root netlab runs in the user's own
	// namespaces and directory: main_rootless_test.go)
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary, "start", "bridge")
	rootsDir := t.TempDir()
	cmd.Env = append(os.Environ(), "NETLAB_RUN="+rootsDir)
	out2, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out2), rootsDir) {
		t.Errorf("as nobody: %v %s", err, out2)
	}
	if entries, _ := os.ReadDir(rootsDir); len(entries) != 0 {
		t.Errorf("as nobody: %d entries made in root's run directory", len(entries))
	}
	// iptables missing: the package to install
	cmd = c.cmd("step")
	cmd.Env = append(cmd.Env, "PATH=/nonexistent")
	out2, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out2), "install the 'iptables' package") {
		t.Errorf("without iptables: %s", out2)
	}
}

func TestRelativeLabFileFromAnotherDirectory(t *testing.T) {
	c := newCLI(t)
	c.must(0, "start", "testdata/slow.yaml") // relative to the repo
	cmd := c.cmd("step")
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("step from /: %v\n%s", err, out)
	}
	c.must(2, "undo", "-n", "0")
	c.must(0, "undo", "-n", "1")
}

func TestLintAndList(t *testing.T) {
	c := &cli{t: t, dir: t.TempDir()}
	out := c.must(0, "lint", "assets/labs/bridge.yaml", "labs/testdata/seed001.sh")
	if !strings.Contains(out, "assets/labs/bridge.yaml: ok") {
		t.Errorf("lint: %s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.sh")
	os.WriteFile(bad, []byte("# Broken\nip link add veth01 type veth peer nme br-veth01\nip link | grep x\n"), 0o644)
	out = c.must(1, "lint", bad)
	for _, want := range []string{bad + ":2:35:", bad + ":3:9:"} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	var list []struct {
		ID    string `json:"id"`
		Steps int    `json:"steps"`
	}
	if err := json.Unmarshal([]byte(c.must(0, "list", "--json")), &list); err != nil || len(list) == 0 || list[0].ID != "bridge" {
		t.Errorf("list --json: %v %+v", err, list)
	}
}

func TestHeadlessTest(t *testing.T) {
	c := newCLI(t)
	out := c.must(0, "test", "bridge", "labs/testdata/seed001.sh")
	if !strings.Contains(out, "PASS bridge") || !strings.Contains(out, "PASS seed001") {
		t.Errorf("netlab test:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "session.json")); err == nil {
		t.Error("netlab test left a session behind")
	}
	if _, err := os.Stat(filepath.Join(c.dir, "scratch")); !os.IsNotExist(err) {
		t.Errorf("netlab test left its scratch directory: %v", err)
	}
	// --json: JSON Lines, a line per step with its duration and phases
	// (undo included), then the lab's line.
	lines := strings.Split(strings.TrimSpace(c.must(0, "test", "--json", "labs/testdata/seed001.sh")), "\n")
	for i, line := range lines {
		var d struct {
			Lab        string   `json:"lab"`
			Step       int      `json:"step"`
			OK         bool     `json:"ok"`
			DurationMS *float64 `json:"duration_ms"`
			Phases     struct {
				ApplyMS *float64 `json:"apply_ms"`
				UndoMS  *float64 `json:"undo_ms"`
				Compare *float64 `json:"compare_ms"`
			} `json:"phases"`
		}
		if err := json.Unmarshal([]byte(line), &d); err != nil || d.DurationMS == nil || !d.OK {
			t.Fatalf("test --json line %d %q: %v", i+1, line, err)
		}
		last := i == len(lines)-1
		switch {
		case last && (d.Lab != "seed001" || d.Phases.Compare == nil):
			t.Errorf("test --json: the last line is not the lab's: %s", line)
		case !last && (d.Step != i+1 || d.Phases.ApplyMS == nil || d.Phases.UndoMS == nil):
			t.Errorf("test --json: line %d is not step %d with its apply and undo times: %s", i+1, i+1, line)
		}
	}
}
