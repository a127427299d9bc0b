package engine

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A node recorded but never created (a crash between the two) is
// forgotten instead of breaking every later command.
func TestRecordedButMissingNodeIsPruned(t *testing.T) {
	s := newLab(t, Spec{})
	st := s.State()
	ghost := Node{Name: "ghost", Kind: KindNetns, Parent: "host", Path: nsPath(s.Dir(), "ghost")}
	st.Nodes = append(st.Nodes, ghost)
	os.WriteFile(ghost.Path, nil, 0o444) // the placeholder createNS makes first
	if err := writeState(s.Dir(), &st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(); err != nil {
		t.Fatalf("snapshot with a half-created node: %v", err)
	}
	if _, err := os.Stat(ghost.Path); !os.IsNotExist(err) {
		t.Error("the placeholder file is still there")
	}
	if _, err := applyNext(s, step(t, "again", "ip netns add ghost")); err != nil {
		t.Fatalf("creating it for real afterwards: %v", err)
	}
}

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

func TestResetLeavesOthersAlone(t *testing.T) {
	needRoot(t)
	other := newLab(t, Spec{Hosts: []string{"bystander"}})
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(nsPath(other.Dir(), "bystander")); err != nil {
		t.Fatalf("reset of one session touched another: %v", err)
	}
	if res := other.Run("bystander", mustParse(t, "ip link show lo")); res.Err != nil {
		t.Fatalf("the other lab broke: %v", res.Err)
	}
}

func TestSecondCreateRefused(t *testing.T) {
	s := newLab(t, Spec{Meta: map[string]string{"lab": "bridge"}})
	_, err := Create(s.Dir(), Spec{})
	if e, ok := err.(*ErrSessionExists); !ok || e.State.Meta["lab"] != "bridge" {
		t.Fatalf("second Create: %v", err)
	}
}

func TestStepsSharedAcrossProcesses(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "brctl addbr br01")); err != nil {
		t.Fatal(err)
	}
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := applyNext(other, step(t, "two", "ip link set br01 up")); err != nil {
		t.Fatal(err)
	}
	// The first handle sees the second's step and can undo it.
	undone, err := s.Undo()
	if err != nil || undone.Title != "two" {
		t.Fatalf("undo from the first handle: %v %+v", err, undone)
	}
	if l, _ := linkOf(t, s, "host", "br01"); l.up() {
		t.Fatal("br01 still up after undo")
	}
}
