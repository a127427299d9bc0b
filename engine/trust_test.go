package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
	"github.com/netlab/netlab/engine/privtest"
)

// writeRawState replaces a session's state file with st as given.
func writeRawState(t *testing.T, dir string, st any) {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath(dir), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// victimProcess starts a process in a network namespace of its own with a
// dummy link, standing for another program's namespace.
func victimProcess(t *testing.T) *exec.Cmd {
	t.Helper()
	c := exec.Command("unshare", "-n", "sh", "-c", "ip link add victim0 type bridge && echo ready && exec sleep 60")
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	buf := make([]byte, 6)
	if _, err := out.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("victim process: %q %v", buf, err)
	}
	return c
}

// TestCraftedNodeNames: a session file whose node names are paths never
// makes reset act outside its run directory. The victims are another
// session's namespace and another process's namespace.
func TestCraftedNodeNames(t *testing.T) {
	needRoot(t)
	root := t.TempDir()
	victimDir := filepath.Join(root, "victim")
	victim, err := Create(victimDir, Spec{Hosts: []string{"host"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Close(); Reset(victimDir) })
	if _, err := applyNext(victim, step(t, "victim's", "brctl addbr vic0")); err != nil {
		t.Fatal(err)
	}
	proc := victimProcess(t)
	procPath := fmt.Sprintf("/proc/%d/ns/net", proc.Process.Pid)

	attacker := filepath.Join(root, "attacker")
	ups := strings.Repeat("../", strings.Count(attacker, "/")+1)
	for _, tc := range []struct {
		name string
		node string
	}{
		{name: "another session's namespace", node: "../../victim/netns/host"},
		{name: "another process's namespace", node: ups + strings.TrimPrefix(procPath, "/")},
		{name: "control character", node: "ns\x07"},
		{name: "too long", node: strings.Repeat("n", 65)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(attacker, "netns"), 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(attacker, markerName), nil, 0o644) // a run directory of netlab's
			path := nsPath(attacker, tc.node)
			writeRawState(t, attacker, State{Version: stateVersion, Nodes: []Node{{Name: tc.node, Kind: KindHost, Path: path}}})
			var damaged *DamagedError
			if _, err := Open(attacker); !errors.As(err, &damaged) || !strings.Contains(err.Error(), "netlab reset") {
				t.Errorf("Open of the crafted state: %v", err)
			}
			if err := Reset(attacker); err != nil {
				t.Errorf("reset: %v", err)
			}
			if _, err := os.Stat(statePath(attacker)); !os.IsNotExist(err) {
				t.Errorf("the damaged state is still there: %v", err)
			}
			if ok, err := ns.IsNSMount(nsPath(victimDir, "host")); !ok || err != nil {
				t.Fatalf("the other session's namespace was unmounted: %v %v", ok, err)
			}
			if res := victim.Run("host", mustParse(t, "ip link show vic0")); res.Err != nil {
				t.Fatalf("the other session lost its link: %v", res.Err)
			}
			if out, err := exec.Command("nsenter", "--net="+procPath, "ip", "link", "show", "victim0").CombinedOutput(); err != nil {
				t.Fatalf("the other process's namespace lost its link: %v %s", err, out)
			}
		})
	}
}

// TestSymlinkedNetnsDirRefused: a run directory whose netns entry is a
// symlink to somewhere else is never acted in.
func TestSymlinkedNetnsLinkRemoved(t *testing.T) {
	needRoot(t)
	root := t.TempDir()
	victimDir := filepath.Join(root, "victim")
	victim, err := Create(victimDir, Spec{Hosts: []string{"host"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Close(); Reset(victimDir) })
	attacker := filepath.Join(root, "attacker")
	os.MkdirAll(attacker, 0o755)
	os.WriteFile(filepath.Join(attacker, markerName), nil, 0o644)
	if err := os.Symlink(filepath.Join(victimDir, "netns"), filepath.Join(attacker, "netns")); err != nil {
		t.Fatal(err)
	}
	writeRawState(t, attacker, State{Version: stateVersion, Nodes: []Node{{Name: "host", Kind: KindHost, Path: nsPath(attacker, "host")}}})
	// Reset always works: it removes the planted link (not what it points
	// at) and the session's state, and leaves the other session alone.
	if err := Reset(attacker); err != nil {
		t.Errorf("reset with a symlinked netns: %v", err)
	}
	if ok, _ := ns.IsNSMount(nsPath(victimDir, "host")); !ok {
		t.Fatal("the other session's namespace was unmounted through the symlink")
	}
	if _, err := os.Lstat(filepath.Join(attacker, "netns")); !os.IsNotExist(err) {
		t.Errorf("the planted link is still there: %v", err)
	}
	if _, err := os.Stat(statePath(attacker)); !os.IsNotExist(err) {
		t.Errorf("the state is still there: %v", err)
	}
	if _, err := Open(victimDir); err != nil {
		t.Errorf("the other session no longer opens: %v", err)
	}
}

// TestDamagedStateReset: a truncated session.json makes Open and Create
// say so, and reset still removes every namespace netlab mounted.
func TestDamagedStateReset(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	s, err := Create(dir, Spec{Hosts: []string{"host", "peer"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); Reset(dir) })
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01", "ip link add veth01 type veth peer name veth01b", "ip link set veth01b netns ns01")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, _ := os.ReadFile(statePath(dir))
	os.WriteFile(statePath(dir), b[:len(b)/2], 0o644)
	os.WriteFile(filepath.Join(dir, ".session-1234.json"), b, 0o644) // a SIGKILL's leftover
	os.WriteFile(filepath.Join(dir, "journal.json.tmp"), []byte("{"), 0o644)

	for _, tc := range []struct {
		name string
		fn   func() error
	}{
		{name: "open", fn: func() error { _, err := Open(dir); return err }},
		{name: "create", fn: func() error { _, err := Create(dir, Spec{}); return err }},
	} {
		var damaged *DamagedError
		if err := tc.fn(); !errors.As(err, &damaged) || !strings.Contains(err.Error(), "run 'netlab reset'") {
			t.Errorf("%s on a damaged state: %v", tc.name, err)
		}
	}
	if m, _ := nsMounts(dir); len(m) != 3 {
		t.Fatalf("namespaces mounted before reset: %v, want 3", m)
	}
	if err := Reset(dir); err != nil {
		t.Fatalf("reset of a damaged state: %v", err)
	}
	if m, _ := nsMounts(dir); len(m) != 0 {
		t.Errorf("namespaces still mounted after reset: %v", m)
	}
	mounts, _ := os.ReadFile("/proc/thread-self/mountinfo")
	if strings.Contains(string(mounts), dir) {
		t.Errorf("mounts remain under %s", dir)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "lock" && e.Name() != markerName {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if _, err := Open(dir); err != ErrNoSession {
		t.Errorf("Open after reset: %v", err)
	}
}

// TestForeignRunDir: netlab refuses a non-empty run directory it did not
// create, and deletes nothing there; it marks the ones it creates.
func TestForeignRunDir(t *testing.T) {
	needRoot(t)
	for _, tc := range []struct {
		name string
		fn   func(dir string) error
	}{
		{name: "reset", fn: func(dir string) error { return Reset(dir) }},
		{name: "create", fn: func(dir string) error { _, err := Create(dir, Spec{}); return err }},
		{name: "open", fn: func(dir string) error { _, err := Open(dir); return err }},
		{name: "scratch", fn: func(dir string) error { _, err := ScratchDir(dir); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"notes.txt": "mine", "session.json": "{not netlab's", ".session-1.json": "x", "journal.json": "y"}
			for n, c := range files {
				os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
			}
			var foreign *ForeignDirError
			if err := tc.fn(dir); !errors.As(err, &foreign) || !strings.Contains(err.Error(), "NETLAB_RUN") {
				t.Errorf("%s in a foreign directory: %v", tc.name, err)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(files) {
				t.Errorf("entries after %s: %d, want %d", tc.name, len(entries), len(files))
			}
			for n, c := range files {
				if b, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(b) != c {
					t.Errorf("%s changed: %q %v", n, b, err)
				}
			}
		})
	}
	t.Run("new directory is marked", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "run")
		if err := Reset(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, markerName)); err != nil {
			t.Fatalf("no marker in a run directory netlab created: %v", err)
		}
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("kept"), 0o644)
		os.WriteFile(filepath.Join(dir, ".session-99.json"), []byte("{}"), 0o644)
		if err := Reset(dir); err != nil {
			t.Fatalf("reset of a marked directory: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, ".session-99.json")); !os.IsNotExist(err) {
			t.Errorf("reset left its temp file: %v", err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "kept" {
			t.Error("reset touched a file that is not netlab's")
		}
	})
}

// TestSetupKilled: a start killed by SIGKILL during setup leaves a session
// that says its setup did not finish; reset removes it, and a new start
// rebuilds it.
func TestSetupKilled(t *testing.T) {
	needRoot(t)
	for _, tc := range []struct {
		name    string
		recover func(t *testing.T, dir string)
	}{
		{name: "reset", recover: func(t *testing.T, dir string) {
			if err := Reset(dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir); err != ErrNoSession {
				t.Fatalf("Open after reset: %v", err)
			}
		}},
		{name: "start again", recover: func(t *testing.T, dir string) {
			s, err := Create(dir, setupSpec())
			if err != nil {
				t.Fatalf("start after a killed setup: %v", err)
			}
			defer s.Close()
			if st := s.State(); st.Setup != nil || len(st.Nodes) != 2 {
				t.Fatalf("rebuilt session: setup %+v, nodes %v", st.Setup, st.NodeNames())
			}
			if m, _ := nsMounts(dir); len(m) != 2 {
				t.Fatalf("mounted after the rebuild: %v", m)
			}
			if _, err := Open(dir); err != nil {
				t.Fatalf("Open after the rebuild: %v", err)
			}
			if err := Reset(dir); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Cleanup(func() { Reset(dir) })
			c := exec.Command(os.Args[0], "-test.run", "^$")
			c.Env = append(os.Environ(), "NETLAB_SETUP_HELPER="+dir)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				st, err := readState(dir)
				if err == nil && st.Setup != nil && st.Setup.Command == 1 {
					break
				}
				if time.Now().After(deadline) {
					c.Process.Kill()
					c.Wait()
					t.Fatal("the helper never reached the setup's ping")
				}
				time.Sleep(20 * time.Millisecond)
			}
			c.Process.Signal(syscall.SIGKILL)
			c.Wait()
			var unfinished *SetupUnfinishedError
			_, err := Open(dir)
			if !errors.As(err, &unfinished) || !strings.Contains(err.Error(), "did not finish") || !strings.Contains(err.Error(), "netlab reset") {
				t.Fatalf("Open after a killed setup: %v", err)
			}
			if m, _ := nsMounts(dir); len(m) != 2 {
				t.Fatalf("the killed setup left %d namespaces, want 2 (the test would prove nothing)", len(m))
			}
			tc.recover(t, dir)
			if m, _ := nsMounts(dir); len(m) != 0 {
				t.Errorf("namespaces left: %v", m)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "lock" && e.Name() != markerName {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// setupSpec is a lab whose second setup command runs long enough to be
// killed in the middle.
func setupSpec() Spec {
	var setup []NodeCommand
	for _, l := range []string{"brctl addbr br0", "ping -c 50 -i 0.2 127.0.0.1", "ip link set br0 up"} {
		c, _ := Parse(l)
		setup = append(setup, NodeCommand{Node: "host", Command: c})
	}
	return Spec{Hosts: []string{"host", "peer"}, Setup: setup, Meta: map[string]string{"lab": "killed"}}
}

// TestMachineRunUntouched: a whole session (create, steps, exec's private
// /run is not used here, undo, reset) leaves /run exactly as it was.
func TestMachineRunUntouched(t *testing.T) {
	needRoot(t)
	before := privtest.RunListing(t)
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01", "brctl addbr br01")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if after := privtest.RunListing(t); after != before {
		t.Errorf("/run changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestOpenWhileSetupFinishes: a verb that reads the state while another
// process is still setting the lab up, and tries the lock just after that
// process finished, opens the finished lab instead of calling its setup
// unfinished (found by make chaos's concurrent series).
func TestOpenWhileSetupFinishes(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	s, err := Create(dir, Spec{Hosts: []string{"host"}, Meta: map[string]string{"lab": "race"}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	t.Cleanup(func() { Reset(dir) })
	finished, err := os.ReadFile(statePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := json.Unmarshal(finished, &st); err != nil {
		t.Fatal(err)
	}
	st.Setup = &SetupProgress{Command: 0, Text: "ip link add eth0 type veth peer name wan0", Total: 1}
	writeRawState(t, dir, st) // as another process's setup leaves it mid-way
	openRaceHook = func() { os.WriteFile(statePath(dir), finished, 0o644) }
	t.Cleanup(func() { openRaceHook = nil })
	o, err := Open(dir)
	if err != nil {
		t.Fatalf("the setup finished before the lock was tried, yet: %v", err)
	}
	o.Close()
	openRaceHook = nil
	writeRawState(t, dir, st) // and now nobody finishes it
	var unfinished *SetupUnfinishedError
	if _, err := Open(dir); !errors.As(err, &unfinished) {
		t.Fatalf("a setup nobody runs must be unfinished, got %v", err)
	}
}
