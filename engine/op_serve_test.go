package engine

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// curlIn fetches url with the real curl from inside node, or returns its
// error text.
func curlIn(t *testing.T, s *Session, node, url string) (string, error) {
	t.Helper()
	path, err := s.NodePath(node)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nsenter", "--net="+path, "curl", "-sS", "-m", "3", url).CombinedOutput()
	return string(out), err
}

// alive reports whether the process still exists (and is no zombie).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && !strings.HasPrefix(string(b[i+1:]), " Z")
}

// TestServeUndoRedoReset starts busybox httpd in a lab host: the real curl
// reaches it from the peer and reads the node and its own address in the
// page; the snapshot lists it; undo stops its process and closes the port;
// doing the step again starts it; reset stops it too.
func TestServeUndoRedoReset(t *testing.T) {
	s := pairLab(t)
	before, err := s.SnapshotLean()
	if err != nil {
		t.Fatal(err)
	}
	st := step(t, "serve", "busybox httpd -f -p 80")
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check: %v", c.Err)
		}
	}
	recs := s.State().Servers
	if len(recs) != 1 || recs[0].PID == 0 || !alive(recs[0].PID) {
		t.Fatalf("servers: %+v", recs)
	}
	pid := recs[0].PID
	out, err := curlIn(t, s, "peer", "http://192.0.2.1/hello")
	if err != nil || !strings.Contains(out, "Hello from host: httpd on 192.0.2.1:80") || !strings.Contains(out, "came from 192.0.2.2 port") || !strings.Contains(out, "GET /hello") {
		t.Errorf("curl: %v\n%s", err, out)
	}
	// ss, in the node, sees the socket the snapshot lists.
	if ss := nsTool(t, s, "host", "ss", "-Hltn"); !strings.Contains(ss, "0.0.0.0:80 ") {
		t.Errorf("ss -ltn in host does not show 0.0.0.0:80:\n%s", ss)
	}
	after, err := s.SnapshotLean()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range before.Diff(after) {
		if c.Kind != "neigh" { // the curl taught both ends their neighbour
			lines = append(lines, c.String())
		}
	}
	if got := strings.Join(lines, "\n"); got != "+ host listen: tcp 0.0.0.0:80 (httpd)" {
		t.Errorf("what changed:\n%s", got)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("undo left the server process %d running", pid)
	}
	if out, err := curlIn(t, s, "peer", "http://192.0.2.1/"); err == nil || !strings.Contains(out, "Couldn't connect") {
		t.Errorf("after undo, curl: %v\n%s", err, out)
	}
	if n := len(s.State().Servers); n != 0 {
		t.Errorf("undo left %d server records", n)
	}
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	recs = s.State().Servers
	if len(recs) != 1 || !alive(recs[0].PID) {
		t.Fatalf("redo: servers %+v", recs)
	}
	pid = recs[0].PID
	if _, err := applyNext(s, step(t, "again", "nc -l 80")); err == nil || !strings.Contains(err.Error(), "nc: Address already in use") {
		t.Errorf("a second server on the port: %v", err)
	}
	s.Close()
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("reset left the server process %d running", pid)
	}
	if _, err := os.Stat(serversDir(s.Dir())); !os.IsNotExist(err) {
		t.Errorf("reset left %s: %v", serversDir(s.Dir()), err)
	}
}

// TestServerFoundAfterCrash: a netlab killed after starting a server but
// before recording its pid leaves only the write-ahead record; reset finds
// the process through the pid file it wrote itself and stops it. A state
// crafted to name another process (a sleep of the test's own) gets that
// process left alone.
func TestServerFoundAfterCrash(t *testing.T) {
	s := pairLab(t)
	if _, err := applyNext(s, step(t, "serve", "nc -lk 7000", "python3 -m http.server 8000")); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if len(st.Servers) != 2 {
		t.Fatalf("servers: %+v", st.Servers)
	}
	pids := []int{st.Servers[0].PID, st.Servers[1].PID}
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleep.Process.Kill()
	start, _ := procStart(sleep.Process.Pid)
	// As a crash leaves it: the first record without its pid; the second
	// crafted to name the sleep (its own process is killed below).
	st.Servers[0].PID, st.Servers[0].PIDStart = 0, 0
	st.Servers[1].PID, st.Servers[1].PIDStart = sleep.Process.Pid, start
	syscall.Kill(pids[1], syscall.SIGKILL)
	if err := writeState(s.Dir(), &st); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && alive(pids[0]); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(pids[0]) {
		syscall.Kill(pids[0], syscall.SIGKILL)
		t.Errorf("reset did not find the unrecorded server %d", pids[0])
	}
	if !alive(sleep.Process.Pid) {
		t.Errorf("reset killed a process the state named but netlab never started")
	}
}
