package engine

import (
	"errors"
	"strings"
	"testing"
)

// bridgeUp is a step that makes br01 with an address, up.
var bridgeUp = []string{"brctl addbr br01", "ip link set dev br01 up", "ip addr add 192.168.88.1/24 dev br01"}

// A deleted link's name is free as soon as the command returns (the kernel
// may still be finishing the deletion): the same step makes it again, the
// real tools see one br01, and undo puts the lab back exactly.
func TestLinkDelNameFreeOnReturn(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "bridge", bridgeUp...)); err != nil {
		t.Fatal(err)
	}
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	again := step(t, "again", "ip link set dev br01 down", "brctl delbr br01", "brctl addbr br01", "ip link add v1 type veth peer name v2", "ip link del v1")
	if _, err := applyNext(s, again); err != nil {
		t.Fatalf("making br01 again right after deleting it: %v", err)
	}
	out := realTool(t, s, "host", "ip", "-o", "link", "show")
	if n := strings.Count(out, ": br01:"); n != 1 {
		t.Fatalf("ip link shows br01 %d times, want once:\n%s", n, out)
	}
	if strings.Contains(out, "v1@") || strings.Contains(out, "v2@") || strings.Contains(out, "192.168.88.1") {
		t.Fatalf("a deleted link is still listed:\n%s", out)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo after a delete and remake left: %v", d)
	}
	waitLinkDeletes()
}

// A deletion the kernel refuses is refused before anything is unlisted:
// its error still fails the step.
func TestLinkDelRefusedIsReported(t *testing.T) {
	s := newLab(t, Spec{})
	_, err := applyNext(s, step(t, "lo", "ip link del lo"))
	var se *StepError
	if !errors.As(err, &se) || !strings.Contains(se.Error(), "RTNETLINK answers") {
		t.Fatalf("deleting lo: %v, want the kernel's refusal", err)
	}
	out := realTool(t, s, "host", "ip", "-o", "link", "show", "lo")
	if !strings.Contains(out, "lo:") {
		t.Fatalf("lo is gone:\n%s", out)
	}
}

// deleteCrashHelper deletes br01 and pings long enough to be killed, the
// kernel perhaps still finishing the deletion (see TestCrashAfterLinkDel).
func deleteCrashHelper(dir string) {
	applyInHelper(dir, "doomed delete", "ip link set dev br01 down", "brctl delbr br01", "ping -c 50 -i 0.2 127.0.0.1", "brctl addbr br02")
}

// A netlab process killed right after a link deletion returned leaves a
// step that undo rolls back exactly, from another process.
func TestCrashAfterLinkDel(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "bridge", bridgeUp...)); err != nil {
		t.Fatal(err)
	}
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	killHelperWhen(t, s, "NETLAB_DELETE_CRASH_HELPER", "reached the ping after its delete", func(st *State) bool {
		return st.Running != nil && st.Running.Command == 2
	})

	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	out := realTool(t, other, "host", "ip", "-o", "link", "show")
	if strings.Contains(out, "br01") {
		t.Fatalf("the killed process's deletion of br01 is not in the kernel:\n%s", out)
	}
	if _, err := other.Undo(); err != nil {
		t.Fatalf("undo after the crash: %v", err)
	}
	after, _ := other.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo after a crash past a link deletion left: %v", d)
	}
	if got := len(other.State().Applied); got != 1 {
		t.Fatalf("applied steps after recovering = %d, want 1", got)
	}
}
