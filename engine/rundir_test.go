package engine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/ns"
)

// netlab test's scratch sessions are found by reset even after a kill.
func TestResetSweepsScratchSessions(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	scratch, err := ScratchDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Create(scratch, Spec{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Reset(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "scratch")); !os.IsNotExist(err) {
		t.Fatalf("scratch sessions left: %v", err)
	}
}

// victimSession creates another session, in root/victim, standing for one
// a crafted session must never touch; it is reset when the test ends.
func victimSession(t *testing.T, root string) (string, *Session) {
	t.Helper()
	victimDir := filepath.Join(root, "victim")
	victim, err := Create(victimDir, Spec{Hosts: []string{"host"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Close(); Reset(victimDir) })
	return victimDir, victim
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
	victimDir, victim := victimSession(t, root)
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

// TestSymlinkedNetnsLinkRemoved: a run directory whose netns entry is a
// symlink to somewhere else is never acted in.
func TestSymlinkedNetnsLinkRemoved(t *testing.T) {
	needRoot(t)
	root := t.TempDir()
	victimDir, _ := victimSession(t, root)
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
