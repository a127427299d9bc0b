package engine

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/ns"
)

// Two processes that both think step 1 is next: only one applies it.
func TestStepAppliesOnlyOnce(t *testing.T) {
	s := newLab(t, Spec{})
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	st := step(t, "one", "brctl addbr br01")
	if _, err := s.ApplyStep(st); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ApplyStep(st); !errors.Is(err, ErrMovedOn) {
		t.Fatalf("second apply of step 1: %v", err)
	}
	if err := other.RecordByHand(st, nil); !errors.Is(err, ErrMovedOn) {
		t.Fatalf("recording step 1 by hand again: %v", err)
	}
	if n := len(other.State().Applied); n != 1 {
		t.Fatalf("applied = %d", n)
	}
}

// A crash in the middle of an undo: recovering finishes the undo and the
// step is no longer applied.
func TestInterruptedUndoIsFinished(t *testing.T) {
	s := newLab(t, Spec{})
	before, _ := s.Snapshot()
	if _, err := s.ApplyStep(step(t, "one", "brctl addbr br01", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	last := st.Applied[0]
	st.Running = &RunningStep{Index: last.Index, Title: last.Title, Undoing: true, UndoOf: true, Before: last.Before}
	if err := writeState(s.Dir(), &st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if got := s.State(); len(got.Applied) != 0 || got.Running != nil {
		t.Fatalf("after recovering: applied %d, running %+v", len(got.Applied), got.Running)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("lab after recovering: %v", d)
	}
}

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

func TestMachineNamespaceIsRefused(t *testing.T) {
	needRoot(t)
	if _, err := ns.IsNSMount("/proc/self/ns/net"); err == nil || !strings.Contains(err.Error(), "machine's own") {
		t.Fatalf("ns.IsNSMount(machine) = %v", err)
	}
	if err := removeNS("/proc/self/ns/net", true); err == nil {
		t.Fatal("removeNS accepted the machine's namespace")
	}
	dir := t.TempDir()
	if err := claimDir(dir, true); err != nil {
		t.Fatal(err)
	}
	st := &State{Version: stateVersion, Nodes: []Node{{Name: "host", Kind: KindHost, Path: "/proc/1/ns/net"}}}
	if err := writeState(dir, st); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("a state pointing outside netlab's directory: %v", err)
	}
	links := func() string {
		out, err := exec.Command("ip", "-br", "link").CombinedOutput()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	before := links()
	// Reset removes the damaged state and only what netlab mounted in dir.
	if err := Reset(dir); err != nil {
		t.Fatalf("reset of a damaged state: %v", err)
	}
	if after := links(); after != before {
		t.Fatalf("reset changed the machine's links:\n%s\n%s", before, after)
	}
	if _, err := Open(dir); err != ErrNoSession {
		t.Fatalf("Open after reset: %v", err)
	}
}

// Like "ip netns add", a namespace starts with lo down; lab hosts have it up.
func TestNetnsAddLeavesLoopbackDown(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "ns", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	if l, _ := linkOf(t, s, "ns01", "lo"); l.up() {
		t.Error("lo is up in a fresh ip netns add namespace")
	}
	if l, _ := linkOf(t, s, "host", "lo"); !l.up() {
		t.Error("lo is down on the lab host")
	}
}

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
