package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// hangStep pings an address nobody answers for about 17 minutes, after
// changing the lab: the step issue 14 says hangs. 192.0.2.0/24 is routed
// onto a bridge without ports inside the lab's host: nothing leaves it.
func hangStep(t *testing.T) Transaction {
	return step(t, "hang", "brctl addbr br01", "ip link set br01 up", "ip addr add 192.0.2.2/24 dev br01",
		"ip netns add ns01", "ping 192.0.2.1 -c 1000 -i 1")
}

// Cancelling the context stops the ping at once and rolls the step back
// as a failed step is: nothing applied, nothing journalled, the lab as
// before.
func TestCancelRollsBackRunningStep(t *testing.T) {
	s := newLab(t, Spec{})
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.SetContext(ctx)
	time.AfterFunc(time.Second, cancel)
	start := time.Now()
	results, err := applyNext(s, hangStep(t))
	took := time.Since(start)
	var ce *CancelledError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("ApplyStep: %v, want a *CancelledError", err)
	}
	if got, want := err.Error(), "step 1 cancelled; the lab is as before the step"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if took > 3*time.Second {
		t.Errorf("the step took %v to stop after being cancelled at 1 s", took)
	}
	if len(results) != 5 || !strings.Contains(results[4].Output, "ping statistics") {
		t.Errorf("the ping should end with its summary, as iputils on Ctrl-C: %+v", results)
	}
	st := s.State()
	if st.Running != nil || len(st.Applied) != 0 {
		t.Fatalf("after cancel: running %+v, applied %d", st.Running, len(st.Applied))
	}
	s.SetContext(nil)
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("the lab after cancel differs: %v", d)
	}
	if out := realTool(t, s, "host", "ip", "-br", "link"); strings.Contains(out, "br01") {
		t.Errorf("br01 is still there:\n%s", out)
	}
}

// A step whose context is already done changes nothing.
func TestCancelledBeforeStart(t *testing.T) {
	s := newLab(t, Spec{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.SetContext(ctx)
	_, err := applyNext(s, step(t, "one", "brctl addbr br01"))
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("ApplyStep: %v", err)
	}
	if out := realTool(t, s, "host", "ip", "-br", "link"); strings.Contains(out, "br01") {
		t.Errorf("br01 was created:\n%s", out)
	}
}

// A wait for the lock says once who holds it and what it does, and
// stops when its context is cancelled, with nothing changed.
func TestLockWaitSaysWhatAndCancels(t *testing.T) {
	s := newLab(t, Spec{Meta: map[string]string{"lab": "bridge\x1b]52;c;eA==\x07"}})
	if _, err := applyNext(s, step(t, "one", "brctl addbr br09")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.SetContext(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	var stepErr error
	hang := hangStep(t)
	go func() {
		defer wg.Done()
		_, stepErr = applyNext(s, hang)
	}()
	waitFor(t, func() bool {
		st, err := readState(s.Dir())
		return err == nil && st.Running != nil && st.Running.Command == 4
	})

	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var notice bytes.Buffer
	WaitNotice = &notice
	defer func() { WaitNotice = nil }()
	wctx, wcancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer wcancel()
	other.SetContext(wctx)
	if _, err := other.Undo(); !errors.Is(err, ErrStoppedWaiting) {
		t.Fatalf("undo while a step runs: %v, want ErrStoppedWaiting", err)
	}
	want := fmt.Sprintf("netlab: waiting for another netlab process (pid %d, applying step 2 of bridge?]52;c;eA==?: %q); press Ctrl-C to stop waiting\n",
		os.Getpid(), "ping 192.0.2.1 -c 1000 -i 1")
	if notice.String() != want {
		t.Errorf("notice:\n%q\nwant\n%q", notice.String(), want)
	}
	cancel()
	wg.Wait()
	if !errors.Is(stepErr, ErrCancelled) {
		t.Fatalf("the step: %v", stepErr)
	}
	if st := s.State(); len(st.Applied) != 1 || st.Running != nil {
		t.Fatalf("after both: applied %d, running %+v (the waiting undo must not have undone step 1)", len(st.Applied), st.Running)
	}
}

// A process is signalled only when it is the recorded one: same pid,
// same start time and the same program as this one.
func TestSameNetlab(t *testing.T) {
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	sleepStart, err := procStart(sleep.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	self, err := procStart(os.Getpid())
	if err != nil || self == 0 {
		t.Fatalf("own start time: %d, %v", self, err)
	}
	tests := []struct {
		name  string
		pid   int
		start uint64
	}{
		{"another program", sleep.Process.Pid, sleepStart},
		{"a reused pid (other start time)", sleep.Process.Pid, sleepStart + 1},
		{"init", 1, 0},
		{"this process", os.Getpid(), self},
		{"no such process", 1 << 30, self},
	}
	for _, tt := range tests {
		if sameNetlab(tt.pid, tt.start) {
			t.Errorf("%s: sameNetlab(%d, %d) = true", tt.name, tt.pid, tt.start)
		}
	}
}

// "netlab reset" from another process stops the process applying a step
// (found through the journal and verified), waits for it and resets.
func TestResetStopsRunningStep(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "first", "ip netns add ns09")); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(os.Args[0], "-test.run", "^$")
	c.Env = append(os.Environ(), "NETLAB_CRASH_HELPER="+s.Dir())
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	waitFor(t, func() bool {
		st, err := readState(s.Dir())
		return err == nil && st.Running != nil && st.Running.Command == 3
	})
	st, _ := readState(s.Dir())
	if st.Running.PID != c.Process.Pid || st.Running.PIDStart == 0 {
		t.Fatalf("journal records pid %d (start %d), the helper is %d", st.Running.PID, st.Running.PIDStart, c.Process.Pid)
	}
	var notice bytes.Buffer
	WaitNotice = &notice
	defer func() { WaitNotice = nil }()
	start := time.Now()
	if err := Reset(s.Dir()); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("reset took %v", took)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
			t.Errorf("the helper ended with %v, want SIGTERM", err)
		}
	case <-time.After(5 * time.Second):
		c.Process.Kill()
		t.Fatal("the helper still runs after reset")
	}
	if !regexp.MustCompile(`^netlab: stopping another netlab process \(pid \d+, applying step 2: "ping -c 50 -i 0.2 127.0.0.1"\)`).MatchString(notice.String()) {
		t.Errorf("notice: %q", notice.String())
	}
	if _, err := readState(s.Dir()); !errors.Is(err, ErrNoSession) {
		t.Errorf("after reset: %v", err)
	}
	if mounts, _ := os.ReadFile("/proc/thread-self/mountinfo"); strings.Contains(string(mounts), s.Dir()) {
		t.Errorf("namespace mounts remain under %s", s.Dir())
	}
}

// A crafted journal naming a process that does not hold the session's
// lock is never signalled, even when it is a netlab process: here the
// process applying a step of another session.
func TestResetIgnoresCraftedPID(t *testing.T) {
	a, b := newLab(t, Spec{}), newLab(t, Spec{})
	c := exec.Command(os.Args[0], "-test.run", "^$")
	c.Env = append(os.Environ(), "NETLAB_CRASH_HELPER="+b.Dir())
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { c.Process.Kill(); c.Wait() }()
	waitFor(t, func() bool {
		st, err := readState(b.Dir())
		return err == nil && st.Running != nil && st.Running.Command == 3
	})
	theirs, _ := readState(b.Dir())
	st := a.State()
	st.Running = theirs.Running // pid and start time of b's step
	if err := writeState(a.Dir(), &st); err != nil {
		t.Fatal(err)
	}
	holder := &Session{dir: a.Dir()} // this process holds a's lock for a moment
	if err := holder.lock(); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, holder.unlock)
	if err := Reset(a.Dir()); err != nil {
		t.Fatal(err)
	}
	if err := c.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the process named in the crafted journal was signalled: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An undo is never cut short by its context: a cancelled context only
// stops a wait for the lock, and the lock is free here.
func TestUndoFinishesDespiteCancel(t *testing.T) {
	s := newLab(t, Spec{})
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyNext(s, step(t, "one", "brctl addbr br01", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.SetContext(ctx)
	if _, err := s.Undo(); err != nil {
		t.Fatalf("undo with a cancelled context: %v", err)
	}
	s.SetContext(nil)
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 || len(s.State().Applied) != 0 {
		t.Fatalf("after undo: %v, %d applied", d, len(s.State().Applied))
	}
}

// exec and shell do not wait for a step running in another process: they
// leave a mark that the next operation under the lock applies (every
// node's iptables may have changed), then removes.
func TestShellMarkDoesNotWait(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "one", "ip netns add ns01")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.SetContext(ctx)
	hang := step(t, "hang", "ping 127.0.0.1 -c 1000 -i 1")
	done := make(chan error, 1)
	go func() { _, err := applyNext(s, hang); done <- err }()
	waitFor(t, func() bool { st, err := readState(s.Dir()); return err == nil && st.Running != nil })

	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	start := time.Now()
	if err := other.MarkShellUsedNoWait(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("marking took %v while a step runs", took)
	}
	if _, err := os.Stat(shellMarkPath(s.Dir())); err != nil {
		t.Fatalf("no mark left: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, ErrCancelled) {
		t.Fatalf("the step: %v", err)
	}
	s.SetContext(nil)
	if _, err := other.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shellMarkPath(s.Dir())); !os.IsNotExist(err) {
		t.Errorf("the mark is still there: %v", err)
	}
	st, _ := readState(s.Dir())
	for _, n := range st.Nodes {
		if !st.IptDirty[n.Name] {
			t.Errorf("node %s: iptables not marked as possibly changed", n.Name)
		}
	}
	// With the lock free, it marks at once and leaves nothing.
	if err := other.MarkShellUsedNoWait(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(shellMarkPath(s.Dir())); !os.IsNotExist(err) {
		t.Errorf("a mark was left with the lock free: %v", err)
	}
}
