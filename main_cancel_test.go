package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The hang lab's step 2 pings 192.0.2.1, which nobody has, 1000 times a
// second apart (issue 14 item 8): these tests stop it in every way.

// lockedBuffer is a bytes.Buffer written by a child process and read by
// the test meanwhile.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bg is a netlab process running in the background.
type bg struct {
	cmd  *exec.Cmd
	out  *lockedBuffer // stdout and stderr
	done chan struct{}
	code int
}

func (c *cli) start(args ...string) *bg {
	c.t.Helper()
	p := &bg{cmd: c.cmd(args...), out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	c.t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits at most d for the process to end and returns how long it took.
func (p *bg) wait(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-p.done:
		return time.Since(start)
	case <-time.After(d):
		t.Fatalf("%v still runs after %v; output so far:\n%s", p.cmd.Args, d, p.out.String())
	}
	return 0
}

// untilPinging starts step 2 of the hang lab and returns once it pings.
func (c *cli) untilPinging() *bg {
	c.t.Helper()
	c.must(0, "start", "testdata/hang.yaml")
	c.must(0, "step")
	step := c.start("step")
	c.eventually(func() bool {
		j, _ := os.ReadFile(filepath.Join(c.dir, "journal.json"))
		return strings.Contains(string(j), "ping 192.0.2.1")
	}, "netlab step never reached the ping")
	return step
}

func (c *cli) eventually(cond func() bool, what string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatal(what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// labState is what a student sees of the lab: status and the kernel's
// links, addresses, routes and namespaces on the lab host. The qdisc is
// left out: a link once up keeps "noqueue" where it had "noop", which no
// undo can give back (the kernel attaches it on first up).
func (c *cli) labState() string {
	c.t.Helper()
	var b strings.Builder
	b.WriteString(c.must(0, "status", "--json"))
	for _, args := range [][]string{{"ip", "-d", "link"}, {"ip", "addr"}, {"ip", "route", "show", "table", "all"}, {"ip", "netns", "list"}} {
		b.WriteString(c.must(0, append([]string{"exec", "host", "--"}, args...)...))
	}
	return regexp.MustCompile(`qdisc \S+ `).ReplaceAllString(b.String(), "")
}

// Ctrl-C (SIGINT) or SIGTERM during a step stops the ping within a
// moment, rolls the step back and says so; the lab is as before the step.
func TestInterruptedStepRollsBack(t *testing.T) {
	for _, tt := range []struct {
		name string
		sig  syscall.Signal
	}{
		{"ctrl-c", syscall.SIGINT},
		{"sigterm", syscall.SIGTERM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.must(0, "start", "testdata/hang.yaml")
			c.must(0, "step")
			before := c.labState()
			step := c.start("step")
			c.eventually(func() bool {
				j, _ := os.ReadFile(filepath.Join(c.dir, "journal.json"))
				return strings.Contains(string(j), "ping 192.0.2.1")
			}, "netlab step never reached the ping")
			time.Sleep(time.Second)
			step.cmd.Process.Signal(tt.sig)
			took := step.wait(t, 10*time.Second)
			t.Logf("%s: the step process ended %v after the signal", tt.name, took)
			if took > 2*time.Second {
				t.Errorf("the step took %v to stop", took)
			}
			if step.code != exitFailed {
				t.Errorf("exit %d, want %d", step.code, exitFailed)
			}
			if !strings.Contains(step.out.String(), "netlab: step 2 cancelled; the lab is as before the step\n") {
				t.Errorf("output:\n%s", step.out.String())
			}
			st := c.status()
			if st.Applied != 1 || st.Interrupted != nil {
				t.Errorf("status after cancel: %+v", st)
			}
			if after := c.labState(); after != before {
				t.Errorf("the lab after cancel differs from before the step:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			c.must(0, "reset")
			if mounts, _ := os.ReadFile("/proc/thread-self/mountinfo"); strings.Contains(string(mounts), c.dir) {
				t.Errorf("namespace mounts remain under %s", c.dir)
			}
		})
	}
}

// "netlab reset" from another terminal stops the running step, waits for
// it and resets: every netlab process ends, nothing is left. A second
// "netlab step" waiting for the lock may take it when the first lets go
// and start the hanging step again: it is stopped too.
func TestResetStopsRunningStep(t *testing.T) {
	for _, tt := range []struct {
		name   string
		waiter bool
	}{
		{"one step", false},
		{"and a step waiting", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			step := c.untilPinging()
			var waiter *bg
			if tt.waiter {
				waiter = c.start("step")
				c.eventually(func() bool { return strings.Contains(waiter.out.String(), "waiting for") }, "the second step does not wait")
			}
			start := time.Now()
			out := c.must(0, "reset")
			t.Logf("reset took %v", time.Since(start))
			if !regexp.MustCompile(`netlab: stopping another netlab process \(pid \d+, applying step 2 of hang: "ping 192.0.2.1 -c 1000 -i 1"\)`).MatchString(out) {
				t.Errorf("reset says:\n%s", out)
			}
			step.wait(t, 5*time.Second)
			if step.code == 0 || !strings.Contains(step.out.String(), "step 2 cancelled") {
				t.Errorf("the step process: exit %d\n%s", step.code, step.out.String())
			}
			if waiter != nil {
				waiter.wait(t, 5*time.Second)
				if waiter.code == 0 {
					t.Errorf("the waiting step: exit 0\n%s", waiter.out.String())
				}
				t.Logf("the waiting step said:\n%s", waiter.out.String())
			}
			c.must(3, "status")
			if mounts, _ := os.ReadFile("/proc/thread-self/mountinfo"); strings.Contains(string(mounts), c.dir) {
				t.Errorf("namespace mounts remain under %s", c.dir)
			}
			if left := leftInRunDir(c.dir); len(left) > 0 {
				t.Errorf("left in the run directory: %v", left)
			}
		})
	}
}

// A verb that needs the lock while a step runs says what it waits for,
// and Ctrl-C stops the wait with nothing changed. exec does not wait.
func TestLockWaitSaysWhat(t *testing.T) {
	c := newCLI(t)
	step := c.untilPinging()
	undo := c.start("undo")
	want := fmt.Sprintf("netlab: waiting for another netlab process (pid %d, applying step 2 of hang: %q); press Ctrl-C to stop waiting\n",
		step.cmd.Process.Pid, "ping 192.0.2.1 -c 1000 -i 1")
	c.eventually(func() bool { return strings.Contains(undo.out.String(), want) }, "undo never said what it waits for: "+undo.out.String())
	undo.cmd.Process.Signal(syscall.SIGINT)
	undo.wait(t, 2*time.Second)
	if out := undo.out.String(); undo.code == 0 || strings.Count(out, "netlab: waiting for") != 1 ||
		!strings.Contains(out, "netlab: stopped waiting for the other netlab process; nothing was changed") || strings.Contains(out, "finishes first") {
		t.Errorf("undo: exit %d\n%s", undo.code, out)
	}
	if st := c.status(); st.Applied != 1 {
		t.Errorf("the waiting undo changed the lab: %+v", st)
	}

	start := time.Now()
	out, code := c.run("exec", "host", "--", "ip", "-br", "addr", "show", "br01")
	if took := time.Since(start); code != 0 || took > 2*time.Second || strings.Contains(out, "waiting") || !strings.Contains(out, "192.0.2.2/24") {
		t.Errorf("exec while a step runs: exit %d after %v\n%s", code, took, out)
	}

	step.cmd.Process.Signal(syscall.SIGINT)
	step.wait(t, 5*time.Second)
	if st := c.status(); st.Applied != 1 || st.Interrupted != nil {
		t.Errorf("after the step was cancelled: %+v", st)
	}
	c.must(0, "reset")
	if left := leftInRunDir(c.dir); len(left) > 0 {
		t.Errorf("left in the run directory after reset: %v", left)
	}
}

// leftInRunDir lists what a reset left in a run directory besides the
// lock file and the marker that says netlab made the directory.
func leftInRunDir(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		if e.Name() != "lock" && e.Name() != ".netlab-run" {
			left = append(left, e.Name())
		}
	}
	return left
}

// The first SIGINT cancels the verb's context and says what first says;
// the process is not killed (the handler holds until stop).
func TestInterruptsCancelOnce(t *testing.T) {
	var calls atomic.Int32
	ctx, stop := interrupts(func() string { calls.Add(1); return "" }, "")
	defer stop()
	for range 2 {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	}
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
	time.Sleep(100 * time.Millisecond) // the second signal is handled too
	if n := calls.Load(); n != 1 {
		t.Fatalf("first called %d times, want 1", n)
	}
}
