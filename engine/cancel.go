package engine

// Cancelling a running step, saying what a wait for the lock waits for,
// and letting "netlab reset" stop the process that applies a step.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/sys/unix"
)

// SetContext makes ctx govern what the session waits for: cancelling it
// stops a wait for another netlab process's lock (ErrStoppedWaiting) and
// a running step, which is then rolled back (*CancelledError). An undo or
// a rollback under way is never cut short: a half-restored lab is worse
// than a late one. nil means never cancelled. Set it from the goroutine
// that uses the session, like every other call.
func (s *Session) SetContext(ctx context.Context) { s.ctl.ctx = ctx }

// Waiting reports whether the session is waiting for another netlab
// process to release the lock. Unlike the other methods, it may be called
// from any goroutine (a signal handler asks it).
func (s *Session) Waiting() bool { return s.ctl.waiting.Load() }

// runControl is what cancels a session's work, and whether it waits.
type runControl struct {
	ctx       context.Context // nil: never cancelled
	waiting   atomic.Bool
	stopSteps bool // Reset: stop the process applying a step rather than wait (waitFlock)
}

func (s *Session) context() context.Context {
	if s.ctl.ctx == nil {
		return context.Background()
	}
	return s.ctl.ctx
}

// ErrCancelled matches (errors.Is) every *CancelledError.
var ErrCancelled = errors.New("step cancelled")

// CancelledError is returned by ApplyStep when the session's context was
// cancelled while the step ran. The step has been rolled back unless
// Rollback says why it could not be.
type CancelledError struct {
	Index    int   // the lab's step index (0-based)
	Rollback error // the rollback failed: the session is left interrupted
}

// Error says which step was cancelled and whether the lab is as before it.
func (e *CancelledError) Error() string {
	if e.Rollback != nil {
		return fmt.Sprintf("step %d cancelled, and rolling it back failed: %v; run 'netlab undo' to try again, or 'netlab reset'", e.Index+1, e.Rollback)
	}
	return fmt.Sprintf("step %d cancelled; the lab is as before the step", e.Index+1)
}

// Is makes errors.Is(err, ErrCancelled) true.
func (e *CancelledError) Is(target error) bool { return target == ErrCancelled }

// ErrStoppedWaiting is returned when the session's context is cancelled
// while it waits for another netlab process to release the lock.
var ErrStoppedWaiting = errors.New("stopped waiting for the other netlab process; nothing was changed")

// WaitNotice is where a wait for the lock is announced, once per wait,
// naming the process waited for. nil (the default, and the TUI's) is
// silent; the command line sets os.Stderr.
var WaitNotice io.Writer

// lockPoll is how often a waiter retries the lock: a blocking flock
// cannot be cancelled, a poll can.
const lockPoll = 50 * time.Millisecond

// StopTimeout bounds how long Reset waits for a stopped step's process to
// roll back and release the lock.
const StopTimeout = 10 * time.Second

// rollBack restores the lab to before, the snapshot taken before the step,
// after a command failed or the step was cancelled. When the rollback
// fails too, the step stays journalled (interrupted) for undo or reset.
func (s *Session) rollBack(before *Snapshot, cause error) error {
	s.st.Running.Undoing = true
	writeState(s.dir, s.st)
	if rerr := s.reconcile(before); rerr != nil {
		var ce *CancelledError
		if errors.As(cause, &ce) {
			ce.Rollback = rerr
			return ce
		}
		return fmt.Errorf("%w; rolling back also failed: %v", cause, rerr)
	}
	s.st.Running = nil
	return cause
}

// cancelled reports whether the session's context is done.
func (s *Session) cancelled() bool { return s.context().Err() != nil }

// waitFlock takes an exclusive flock on f, announcing and polling when
// another process holds it, until the session's context is cancelled.
// For Reset (ctl.stopSteps), a holder that is verifiably the netlab
// process applying or undoing a step is asked to stop instead (see
// runningHolder): it rolls the step back and releases the lock. A process
// that was waiting too and takes the lock to apply a step is stopped the
// same way. One that does not stop within StopTimeout is an error.
func (s *Session) waitFlock(f *os.File) error {
	fd := int(f.Fd())
	try := func() (bool, error) {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if errors.Is(err, unix.EWOULDBLOCK) {
			return false, nil
		}
		return err == nil, err
	}
	if ok, err := try(); ok || err != nil {
		return err
	}
	ctx := s.context()
	s.ctl.waiting.Store(true)
	defer s.ctl.waiting.Store(false)
	announced := false
	signalled := map[int]bool{}
	var last *RunningStep // the last process signalled
	var deadline time.Time
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		var r *RunningStep
		if s.ctl.stopSteps {
			r = runningHolder(s.dir, f)
		}
		switch {
		case r != nil && !signalled[r.PID]:
			if WaitNotice != nil {
				fmt.Fprintf(WaitNotice, "netlab: stopping %s: it rolls the step back first\n", describeHolder(s.dir, f))
			}
			if unix.Kill(r.PID, unix.SIGTERM) == nil {
				signalled[r.PID], last, deadline = true, r, time.Now().Add(StopTimeout)
			}
		case last != nil && time.Now().After(deadline) && lockHolder(f) == last.PID:
			return fmt.Errorf("the netlab process %s step %d (pid %d) did not stop within %s; try again, or end it with 'kill %d'",
				map[bool]string{true: "undoing", false: "applying"}[last.UndoOf], last.Index+1, last.PID, StopTimeout, last.PID)
		case r == nil && !announced && (last == nil || lockHolder(f) != last.PID):
			announced = true
			if WaitNotice != nil {
				fmt.Fprintf(WaitNotice, "netlab: waiting for %s; press Ctrl-C to stop waiting\n", describeHolder(s.dir, f))
			}
		}
		select {
		case <-ctx.Done():
			return ErrStoppedWaiting
		case <-t.C:
		}
		if ok, err := try(); ok || err != nil {
			return err
		}
	}
}

// describeHolder says which process holds the lock of dir and what it
// does, from /proc/locks and the journal of the running step. Everything
// from the state is printed quoted or cleaned: it comes from a lab file.
func describeHolder(dir string, f *os.File) string {
	pid := lockHolder(f)
	st, err := readState(dir) // no lock needed: the state is replaced atomically
	if err == nil && st.Running != nil && st.Running.PID != 0 && (pid == 0 || pid == st.Running.PID) {
		r := st.Running
		what, text := "applying", ""
		switch {
		case r.UndoOf:
			what = "undoing"
		case r.Undoing:
			what = "rolling back"
		case r.Text != "":
			text = fmt.Sprintf(": %q", r.Text)
		}
		lab := ""
		if id := st.Meta["lab"]; id != "" {
			lab = " of " + printable(id)
		}
		return fmt.Sprintf("another netlab process (pid %d, %s step %d%s%s)", r.PID, what, r.Index+1, lab, text)
	}
	if pid != 0 {
		return fmt.Sprintf("another netlab process (pid %d)", pid)
	}
	return "another netlab process"
}

// printable replaces control and other non-printing characters, so that
// a crafted session file cannot send escape sequences to the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
}

// lockHolder returns the pid holding an flock on f's file, from
// /proc/locks, or 0 when none is found.
func lockHolder(f *os.File) int {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return 0
	}
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return 0
	}
	// "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; waiters have "->".
	for _, line := range strings.Split(string(b), "\n") {
		fs := strings.Fields(line)
		if len(fs) < 6 || fs[1] != "FLOCK" {
			continue
		}
		id := strings.Split(fs[5], ":")
		if len(id) != 3 {
			continue
		}
		maj, err1 := strconv.ParseUint(id[0], 16, 32)
		min, err2 := strconv.ParseUint(id[1], 16, 32)
		ino, err3 := strconv.ParseUint(id[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		if ino == st.Ino && uint32(maj) == unix.Major(st.Dev) && uint32(min) == unix.Minor(st.Dev) {
			if pid, err := strconv.Atoi(fs[4]); err == nil && pid > 0 {
				return pid
			}
		}
	}
	return 0
}

// procStart returns when process pid started (field 22 of /proc/PID/stat,
// clock ticks since boot): with the pid, it names one process for good.
func procStart(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	fs := strings.Fields(string(b[i+1:]))
	if len(fs) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return strconv.ParseUint(fs[19], 10, 64) // field 22 is the 20th after the name
}

// claim records this process as the one running the step.
func (r *RunningStep) claim() {
	r.PID = os.Getpid()
	r.PIDStart, _ = procStart(r.PID)
}

// sameNetlab reports whether pid is still the process recorded with start
// time start, and runs the same program as this one (the netlab binary,
// or the test binary in tests). A reused pid, or a crafted one naming
// another program, is never signalled.
func sameNetlab(pid int, start uint64) bool {
	if pid <= 1 || pid == os.Getpid() || start == 0 {
		return false
	}
	if got, err := procStart(pid); err != nil || got != start {
		return false
	}
	theirs, err := os.Stat(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return false
	}
	ours, err := os.Stat("/proc/self/exe")
	if err != nil {
		return false
	}
	return os.SameFile(theirs, ours)
}

// runningHolder returns the journal's running step when the process it
// records holds the lock on f and is verifiably that same netlab process.
func runningHolder(dir string, f *os.File) *RunningStep {
	st, err := readState(dir)
	if err != nil || st.Running == nil {
		return nil
	}
	r := st.Running
	if r.PID == 0 || lockHolder(f) != r.PID || !sameNetlab(r.PID, r.PIDStart) {
		return nil
	}
	return r
}

// shellMarkPath is the mark a shell or exec leaves when another netlab
// process holds the lock: any node's iptables may have changed.
func shellMarkPath(dir string) string { return filepath.Join(dir, "shell-used") }

// MarkShellUsedNoWait is MarkShellUsed for exec and shell, which must not
// wait for another netlab process's step (it may ping for hours): when the
// lock is busy, it leaves a mark instead, which the next operation under
// the lock applies before it snapshots anything (see held).
func (s *Session) MarkShellUsedNoWait() error {
	f, err := s.openLock()
	if err != nil {
		return err
	}
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		f.Close()
		return os.WriteFile(shellMarkPath(s.dir), nil, 0o644)
	}
	s.lockFile = f
	return s.held(func() error {
		for _, n := range s.st.Nodes {
			s.st.IptDirty[n.Name] = true
		}
		return nil
	})
}

// applyShellMark marks every node's iptables as possibly changed when a
// shell left its mark; it reports whether there was one.
func (s *Session) applyShellMark() bool {
	if _, err := os.Lstat(shellMarkPath(s.dir)); err != nil {
		return false
	}
	for _, n := range s.st.Nodes {
		s.st.IptDirty[n.Name] = true
	}
	return true
}
