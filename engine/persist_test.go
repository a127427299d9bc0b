package engine

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the crash test run this binary as a netlab process that is
// killed in the middle of a step.
func TestMain(m *testing.M) {
	if dir := os.Getenv("NETLAB_SETUP_HELPER"); dir != "" {
		Create(dir, setupSpec()) // killed during its setup's ping
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_BATCH_CRASH_HELPER"); dir != "" {
		batchCrashHelper(dir) // killed after its batch of rules
		os.Exit(0)
	}
	if dir := os.Getenv("NETLAB_CRASH_HELPER"); dir != "" {
		s, err := Open(dir)
		if err != nil {
			os.Exit(3)
		}
		var cmds []*Command
		for _, l := range []string{"brctl addbr br01", "ip netns add ns01", "ip link add veth01 type veth peer name br-veth01",
			"ping -c 50 -i 0.2 127.0.0.1", "ip link set br01 up"} {
			c, _ := Parse(l)
			cmds = append(cmds, c)
		}
		applyNext(s, Transaction{Index: 4, Title: "doomed", Commands: cmds})
		os.Exit(0)
	}
	os.Exit(m.Run())
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
