package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
)

// These tests run netlab as unprivileged accounts they create (setpriv, no
// sudo, no setuid, no subordinate ids), the way a student on a shared lab
// server does: every account, its holder process and its run directory
// are removed when the test ends.

// student is one unprivileged account made for a test.
type student struct {
	t        testing.TB
	name     string
	uid, gid int
	bin      string // a copy of netlab the account may execute
}

// studentBin copies netlab where unprivileged accounts may run it: the
// test binary's directory is root's alone (0700).
func studentBin(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "netlab")
	in, err := os.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	return bin
}

// newStudent makes an account nltest-<random> and removes it, its holder
// and its run directory (/tmp/netlab-UID) when the test ends.
func newStudent(t testing.TB) *student { return newStudentBin(t, "") }

// newStudentBin is newStudent running the netlab copy bin ("": its own).
func newStudentBin(t testing.TB, bin string) *student {
	t.Helper()
	privtest.Need(t)
	for _, tool := range []string{"useradd", "userdel", "setpriv", "nsenter"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make deps installs util-linux and passwd)", tool)
		}
	}
	var r [4]byte
	rand.Read(r[:])
	name := "nltest-" + hex.EncodeToString(r[:])
	if out, err := exec.Command("useradd", "-M", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	u, err := user.Lookup(name)
	if err != nil {
		exec.Command("userdel", name).Run()
		t.Fatal(err)
	}
	s := &student{t: t, name: name}
	s.uid, _ = strconv.Atoi(u.Uid)
	s.gid, _ = strconv.Atoi(u.Gid)
	t.Cleanup(func() {
		s.run("reset")
		s.waitHolderGone(10 * time.Second)
		if pid := s.holderPid(); pid > 0 { // still there: it is ours, so it goes
			syscall.Kill(pid, syscall.SIGKILL)
		}
		os.RemoveAll(s.runDir())
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v\n%s", name, err, out)
		}
	})
	s.bin = bin
	if bin == "" {
		s.bin = studentBin(t)
	}
	return s
}

// runDir is the account's default run directory (setpriv --reset-env
// leaves XDG_RUNTIME_DIR unset).
func (s *student) runDir() string { return fmt.Sprintf("/tmp/netlab-%d", s.uid) }

// cmd is netlab run as the account, with env added to its reset
// environment.
func (s *student) cmd(env []string, args ...string) *exec.Cmd {
	argv := []string{"--reuid", strconv.Itoa(s.uid), "--regid", strconv.Itoa(s.gid), "--init-groups", "--reset-env", "--", "env"}
	argv = append(argv, env...)
	argv = append(argv, s.bin)
	return exec.Command("setpriv", append(argv, args...)...)
}

func (s *student) runEnv(env []string, args ...string) (string, int) {
	s.t.Helper()
	out, err := s.cmd(env, args...).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return string(out), code
}

func (s *student) run(args ...string) (string, int) { s.t.Helper(); return s.runEnv(nil, args...) }

func (s *student) must(code int, args ...string) string {
	s.t.Helper()
	out, got := s.run(args...)
	if got != code {
		s.t.Fatalf("%s: netlab %s: exit %d, want %d\n%s", s.name, strings.Join(args, " "), got, code, out)
	}
	return out
}

func (s *student) status() status {
	s.t.Helper()
	var st status
	out := s.must(0, "status", "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// holderPid is the pid of the account's live holder, or 0.
func (s *student) holderPid() int {
	b, err := os.ReadFile(filepath.Join(s.runDir(), "holder"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.Fields(string(b) + " x")[0])
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.HasPrefix(string(cmd), "netlab-holder\x00"+s.runDir()) {
		return 0
	}
	var st syscall.Stat_t
	if syscall.Stat(fmt.Sprintf("/proc/%d", pid), &st) != nil || int(st.Uid) != s.uid {
		return 0
	}
	return pid
}

func (s *student) waitHolderGone(limit time.Duration) bool {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if s.holderPid() == 0 {
			return true
		}
	}
	return false
}

// machineSeenByStudents is machine(t) without root's own run directory
// /run/netlab, where other root test runs on a shared machine come and go
// (TestScriptedLessonDefaultRun uses it), and where no student's netlab
// could write anyway: /run is root's.
func machineSeenByStudents(t *testing.T) string {
	var keep []string
	for _, l := range strings.Split(machine(t), "\n") {
		if !strings.Contains(l, "/run/netlab/") && l != "/run/netlab" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestRootlessLesson: every verb on the bridge lab as an unprivileged
// account, a capture, exec and the shell with ip, iptables, ping and
// brctl, "netlab test bridge"; the holder ends after reset and the
// machine's network state and /run are as before.
func TestRootlessLesson(t *testing.T) {
	before := machineSeenByStudents(t)
	s := newStudent(t)
	s.must(3, "status")
	s.must(0, "start", "bridge")
	if fi, err := os.Stat(s.runDir()); err != nil || fi.Mode().Perm() != 0o700 || int(fi.Sys().(*syscall.Stat_t).Uid) != s.uid {
		t.Fatalf("run directory %s: %v %v", s.runDir(), fi, err)
	}
	if s.holderPid() == 0 {
		t.Fatal("no holder process after start")
	}
	s.must(0, "step", "-n", "9")
	if st := s.status(); st.Applied != 9 || len(st.Nodes) != 4 {
		t.Fatalf("status after 9 steps: %+v", st)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ip addr", []string{"exec", "host", "--", "ip", "addr"}, "192.168.88.1/24"},
		{"ip netns list", []string{"exec", "host", "--", "ip", "netns", "list"}, "ns02"},
		{"ping across the bridge", []string{"exec", "host", "--", "ip", "netns", "exec", "ns01", "ping", "-c", "1", "192.168.88.12"}, "1 received"},
		{"brctl", []string{"exec", "host", "--", "brctl", "show"}, "br-veth02"},
		{"iptables", []string{"exec", "host", "--", "iptables", "-t", "nat", "-S", "POSTROUTING"}, "-P POSTROUTING ACCEPT"},
	} {
		if out := s.must(0, tc.args...); !strings.Contains(out, tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, out)
		}
	}
	sh := s.cmd(nil, "shell", "host")
	sh.Stdin = strings.NewReader("ip netns exec ns01 ip -br addr show veth01\nid -u\nexit\n")
	if b, err := sh.CombinedOutput(); err != nil || !strings.Contains(string(b), "192.168.88.11/24") {
		t.Errorf("netlab shell host: %v\n%s", err, b)
	}
	// A capture on the lab host's bridge while ns01 pings ns02; then
	// tcpdump itself in exec, as the seed types it.
	s.captureDuringPing(t, "capture", "br01", "-c", "2", "--filter", "icmp")
	s.captureDuringPing(t, "exec", "host", "--", "tcpdump", "-i", "br01", "-nn", "-c", "2", "icmp")
	s.captureDuringPing(t, "exec", "host", "--", "ip", "netns", "exec", "ns01", "tcpdump", "-nn", "-i", "veth01", "-c", "2", "icmp")
	s.must(0, "step", "--all")
	s.must(0, "undo", "--all")
	if st := s.status(); st.Applied != 0 || len(st.Nodes) != 2 {
		t.Errorf("status after undo --all: %+v", st)
	}
	if out := s.must(0, "reset"); !strings.Contains(out, "removed lab bridge") {
		t.Errorf("reset: %s", out)
	}
	if !s.waitHolderGone(5 * time.Second) {
		t.Error("the holder still runs 5 s after reset")
	}
	s.must(3, "status")
	if out := s.must(0, "test", "bridge"); !strings.Contains(out, "PASS bridge") {
		t.Errorf("test bridge: %s", out)
	}
	s.must(0, "reset")
	if !s.waitHolderGone(15 * time.Second) {
		t.Error("the holder still runs 15 s after test and reset")
	}
	if after := machineSeenByStudents(t); after != before {
		t.Errorf("the machine changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// captureDuringPing runs netlab with args (a capture of 2 ICMP packets)
// while ns01 pings ns02, and wants both echo requests' lines.
func (s *student) captureDuringPing(t *testing.T, args ...string) {
	t.Helper()
	capt := s.cmd(nil, args...)
	var capOut strings.Builder
	capt.Stdout, capt.Stderr = &capOut, &capOut
	if err := capt.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- capt.Wait() }()
	time.Sleep(time.Second)
	s.must(0, "exec", "ns01", "--", "ping", "-c", "2", "-i", "0.2", "192.168.88.12")
	select {
	case err := <-done:
		if err != nil || strings.Count(capOut.String(), "ICMP echo") != 2 {
			t.Errorf("netlab %s: %v\n%s", strings.Join(args, " "), err, capOut.String())
		}
	case <-time.After(10 * time.Second):
		capt.Process.Kill()
		t.Errorf("netlab %s saw no 2 ICMP packets in 10 s:\n%s", strings.Join(args, " "), capOut.String())
	}
}

// TestRootlessTwoStudents: two accounts run the bridge lab at once, each
// in its own session; neither can read, reset or enter the other's.
func TestRootlessTwoStudents(t *testing.T) {
	before := machineSeenByStudents(t)
	a, b := newStudent(t), newStudent(t)
	var wg sync.WaitGroup
	for _, s := range []*student{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, code := s.run("start", "bridge"); code != 0 {
				t.Errorf("%s: start: %d %s", s.name, code, out)
				return
			}
			if out, code := s.run("step", "-n", "8"); code != 0 {
				t.Errorf("%s: step: %d %s", s.name, code, out)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	b.must(0, "undo", "-n", "3")
	if sa, sb := a.status(), b.status(); sa.Applied != 8 || sb.Applied != 5 {
		t.Fatalf("applied: %d and %d, want 8 and 5 (separate sessions)", sa.Applied, sb.Applied)
	}
	other := []string{"NETLAB_RUN=" + a.runDir()}
	for _, verb := range [][]string{{"status"}, {"reset"}, {"step"}, {"exec", "host", "--", "ip", "link"}} {
		out, code := b.runEnv(other, verb...)
		if code == 0 || !strings.Contains(out, a.runDir()) {
			t.Errorf("%s's netlab %s in %s's run directory: exit %d: %s", b.name, verb[0], a.name, code, out)
		}
	}
	// Nor can b join a's holder by hand.
	nsenter := exec.Command("setpriv", "--reuid", strconv.Itoa(b.uid), "--regid", strconv.Itoa(b.gid), "--init-groups", "--reset-env", "--",
		"nsenter", "-t", strconv.Itoa(a.holderPid()), "-U", "-m", "-n", "--preserve-credentials", "true")
	if out, err := nsenter.CombinedOutput(); err == nil {
		t.Errorf("%s entered %s's namespaces: %s", b.name, a.name, out)
	}
	if st := a.status(); st.Applied != 8 || len(st.Nodes) != 4 {
		t.Errorf("%s's lab after %s's attempts: %+v", a.name, b.name, st)
	}
	a.must(0, "reset")
	b.must(0, "reset")
	a.waitHolderGone(5 * time.Second)
	b.waitHolderGone(5 * time.Second)
	if after := machineSeenByStudents(t); after != before {
		t.Errorf("the machine changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// TestRootlessCrash: a step killed (SIGKILL) half-way, then the holder
// killed: status, undo and reset work after each; after the holder, status
// says the namespaces are gone and start --replay builds the lab again.
func TestRootlessCrash(t *testing.T) {
	before := machineSeenByStudents(t)
	s := newStudent(t)
	s.must(0, "start", "bridge")
	s.must(0, "step", "-n", "3")
	// setpriv, env, netlab and nsenter each execute the next: one pid.
	step := s.cmd(nil, "step", "--all")
	if err := step.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // the bridge lab's steps take ~300 ms each
	step.Process.Kill()
	step.Wait()
	st := s.status()
	if st.Applied < 3 {
		t.Fatalf("status after the killed step: %+v", st)
	}
	s.must(0, "undo")
	want := st.Applied - 1 // a step killed between two steps: undo takes the last one back
	if st.Interrupted != nil {
		want = st.Applied // killed within a step: undo rolls that one back
	}
	if st2 := s.status(); st2.Interrupted != nil || st2.Applied != want {
		t.Errorf("status after undo of the killed step: %+v (before %+v)", st2, st)
	}
	applied := s.status().Applied
	pid := s.holderPid()
	if pid == 0 {
		t.Fatal("no holder")
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 50 && s.holderPid() != 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	out := s.must(0, "status")
	if !strings.Contains(out, "are gone") || !strings.Contains(out, "netlab start --replay") || !strings.Contains(out, "netlab reset") {
		t.Errorf("status after the holder died: %s", out)
	}
	var g struct {
		Gone    bool `json:"gone"`
		Applied int  `json:"applied"`
	}
	if err := json.Unmarshal([]byte(s.must(0, "status", "--json")), &g); err != nil || !g.Gone || g.Applied != applied {
		t.Errorf("status --json after the holder died: %+v %v", g, err)
	}
	for _, verb := range []string{"step", "undo"} {
		if out := s.must(1, verb); !strings.Contains(out, "are gone") {
			t.Errorf("%s after the holder died: %s", verb, out)
		}
	}
	// "netlab test" runs under a new holder; the old lab stays gone.
	s.must(0, "test", "bridge")
	if out := s.must(0, "status"); !strings.Contains(out, "are gone") {
		t.Errorf("status after netlab test started a new holder: %s", out)
	}
	s.must(0, "start", "--replay")
	if st := s.status(); st.Applied != applied || st.Interrupted != nil {
		t.Errorf("status after start --replay: %+v, want %d applied", st, applied)
	}
	s.must(0, "step")
	// The holder dies again; reset alone cleans up the files.
	syscall.Kill(s.holderPid(), syscall.SIGKILL)
	time.Sleep(200 * time.Millisecond)
	s.must(0, "reset")
	s.must(3, "status")
	if !s.waitHolderGone(5 * time.Second) {
		t.Error("the holder still runs 5 s after reset")
	}
	entries, _ := os.ReadDir(s.runDir())
	for _, e := range entries {
		if n := e.Name(); n != ".netlab-run" && n != "lock" && n != "holder.lock" && n != "bin" {
			t.Errorf("%s left in the run directory after reset", n)
		}
	}
	if after := machineSeenByStudents(t); after != before {
		t.Errorf("the machine changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// TestRootlessRefusal: where unprivileged user namespaces are switched off
// (simulated: max_user_namespaces=0 in an outer user namespace the test
// makes), netlab says which setting, the one-line fix and "sudo".
func TestRootlessRefusal(t *testing.T) {
	s := newStudent(t)
	script := fmt.Sprintf("echo 0 > /proc/sys/user/max_user_namespaces && exec setpriv --reuid %d --regid %d --init-groups --reset-env %s start bridge", s.uid, s.gid, s.bin)
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1 << 16}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1 << 16}},
		// Root writes the maps, so setgroups stays allowed for setpriv.
		GidMappingsEnableSetgroups: true,
	}
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitFailed {
		t.Fatalf("start with max_user_namespaces=0: %v\n%s", err, out)
	}
	for _, want := range []string{"user.max_user_namespaces = 0", "sudo sysctl -w user.max_user_namespaces=", "or run it with sudo"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("refusal lacks %q:\n%s", want, out)
		}
	}
	if s.holderPid() != 0 {
		t.Error("a holder runs after the refusal")
	}
}

// TestRootlessTUI walks the TUI as an unprivileged account on a real
// terminal (tmux): a step applied, the shell opened from it, the lab torn
// down on quitting.
func TestRootlessTUI(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is missing: make deps installs it")
		}
		t.Skip("needs tmux")
	}
	before := machineSeenByStudents(t)
	s := newStudent(t)
	sock := privtest.TmuxSocket(t)
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v %s", args, err, out)
		}
		return string(out)
	}
	cmd := s.cmd([]string{"TERM=xterm-256color"}, "open", "bridge")
	// One shell line (no word of it needs quoting); the pane stays after the TUI ends.
	tmux("new-session", "-d", "-x", "100", "-y", "30", strings.Join(cmd.Args, " ")+"; sleep 60")
	screen := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			sc := tmux("capture-pane", "-p")
			if strings.Contains(sc, want) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q on the screen:\n%s", want, sc)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	screen("Step 1 of 16")
	tmux("send-keys", "Enter")
	screen("1/16 done")
	tmux("send-keys", "s")
	screen("[netlab host]")
	tmux("send-keys", "ip -br link show br01 && echo linkok", "Enter")
	screen("linkok")
	tmux("send-keys", "exit", "Enter")
	screen("1/16 done")
	if st := s.status(); st.Applied != 1 {
		t.Errorf("status while the TUI runs: %+v", st)
	}
	tmux("send-keys", "q")
	screen("tear down")
	tmux("send-keys", "t")
	for i := 0; i < 100; i++ {
		if _, code := s.run("status"); code == 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.must(3, "status")
	if !s.waitHolderGone(10 * time.Second) {
		ps, _ := exec.Command("ps", "-o", "pid,ppid,stat,args", "-u", strconv.Itoa(s.uid)).CombinedOutput()
		t.Errorf("the holder still runs 10 s after the TUI tore the lab down:\n%s\n%s", tmux("capture-pane", "-p"), ps)
	}
	if after := machineSeenByStudents(t); after != before {
		t.Errorf("the machine changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}
