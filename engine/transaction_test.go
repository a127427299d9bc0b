package engine

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
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

// crashMidStep starts a netlab process on the session, waits until it is
// pinging in the middle of its step, and kills it with SIGKILL.
func crashMidStep(t *testing.T, s *Session) {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run", "^$")
	c.Env = append(os.Environ(), "NETLAB_CRASH_HELPER="+s.Dir())
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := readState(s.Dir())
		if err == nil && st.Running != nil && st.Running.Command == 3 {
			break
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatal("the helper never reached the ping")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
}

func TestCrashThenUndo(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "first", "ip netns add ns09")); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Snapshot()
	crashMidStep(t, s)

	other, err := Open(s.Dir()) // as another netlab process would
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	st := other.State()
	if st.Running == nil || st.Running.Title != "doomed" || st.Running.Text != "ping -c 50 -i 0.2 127.0.0.1" {
		t.Fatalf("state after crash: running = %+v", st.Running)
	}
	if _, err := applyNext(other, step(t, "next", "ip netns add ns10")); err != ErrInterrupted {
		t.Fatalf("stepping an interrupted session: %v", err)
	}
	if _, err := other.Undo(); err != nil {
		t.Fatalf("undo after crash: %v", err)
	}
	after, _ := other.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo after crash left: %v", d)
	}
	if got := len(other.State().Applied); got != 1 {
		t.Fatalf("applied steps after recovering = %d, want 1", got)
	}
}

func TestCrashThenReset(t *testing.T) {
	s := newLab(t, Spec{})
	crashMidStep(t, s)
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if err := Reset(s.Dir()); err != nil {
		t.Fatalf("second reset: %v", err)
	}
	mounts, _ := os.ReadFile("/proc/thread-self/mountinfo")
	if strings.Contains(string(mounts), s.Dir()) {
		t.Fatalf("namespace mounts remain under %s", s.Dir())
	}
	if _, err := Open(s.Dir()); err != ErrNoSession {
		t.Fatalf("Open after reset: %v", err)
	}
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		if e.Name() != "lock" && e.Name() != markerName {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
