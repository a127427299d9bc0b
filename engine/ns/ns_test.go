package ns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// newNS creates a throwaway namespace file under a fresh t.TempDir(),
// removed (with its links) when the test ends.
func newNS(t *testing.T, name string, loUp bool) string {
	t.Helper()
	privtest.Need(t)
	path := filepath.Join(t.TempDir(), name)
	if err := Create(path, loUp); err != nil {
		t.Fatalf("Create(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := Remove(path, true); err != nil {
			t.Errorf("Remove(%s): %v", path, err)
		}
	})
	return path
}

// inode runs the real stat on a namespace file (following /proc's links).
func inode(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("stat", "-L", "-c", "%i", path).CombinedOutput()
	if err != nil {
		t.Fatalf("stat %s: %v %s", path, err, out)
	}
	return strings.TrimSpace(string(out))
}

// threadInode is the inode of the calling thread's network namespace.
func threadInode(t *testing.T) uint64 {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func TestDoRunsInTheNamespace(t *testing.T) {
	path := newNS(t, "a", true)
	want := inode(t, path)
	machine := fmt.Sprint(machine.Ino)
	if want == machine {
		t.Fatal("Create bound the machine's namespace")
	}
	n, err := GetNS(path)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var sock int
	err = n.Do(func(got NetNS) error {
		if got.Path() != path {
			t.Errorf("Do handed %q, want the namespace itself (%q)", got.Path(), path)
		}
		if ino := fmt.Sprint(threadInode(t)); ino != want {
			t.Errorf("Do's thread is in namespace %s, want %s", ino, want)
		}
		// A program started here forks from this thread: it runs inside.
		if ino := inode(t, "/proc/self/ns/net"); ino != want {
			t.Errorf("stat started in Do sees namespace %s, want %s", ino, want)
		}
		out, err := exec.Command("ip", "-o", "link", "show").CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip link: %v %s", err, out)
		}
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "lo:") || !strings.Contains(lines[0], ",UP") {
			t.Errorf("ip link in a new namespace with loUp: %q, want lo alone and up", out)
		}
		// A goroutine started here runs on another thread: the machine's.
		gone := make(chan uint64)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			gone <- threadInode(t)
		}()
		if ino := fmt.Sprint(<-gone); ino != machine {
			t.Errorf("a goroutine started in Do runs in namespace %s, want the machine's %s", ino, machine)
		}
		sock, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer unix.Close(sock)
	// The socket belongs to the namespace it was opened in, for good.
	nsfd, err := unix.IoctlRetInt(sock, unix.SIOCGSKNS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(nsfd)
	if ino := inode(t, fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), nsfd)); ino != want {
		t.Errorf("socket opened in Do belongs to namespace %s, want %s", ino, want)
	}
	// The caller never moved.
	if ino := fmt.Sprint(threadInode(t)); ino != machine {
		t.Errorf("after Do the caller is in namespace %s, want the machine's %s", ino, machine)
	}
}

func TestCreateLoopbackDownByDefault(t *testing.T) {
	path := newNS(t, "down", false)
	err := WithNetNSPath(path, func(NetNS) error {
		out, err := exec.Command("ip", "-o", "link", "show", "lo").CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip link: %v %s", err, out)
		}
		if strings.Contains(string(out), ",UP") {
			t.Errorf("lo is up without loUp, as \"ip netns add\" never leaves it: %q", out)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDoFailedSwitchIn(t *testing.T) {
	privtest.Need(t)
	f, err := os.Open(filepath.Join(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	n := &netNS{file: f} // GetNS would refuse it: not a namespace file
	defer n.Close()
	ran := false
	err = n.Do(func(NetNS) error { ran = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "enter namespace") || ran {
		t.Fatalf("Do into a directory: err %v, callback ran %v", err, ran)
	}
	if _, err := GetNS(f.Name()); err == nil || !strings.Contains(err.Error(), "not a namespace file") {
		t.Fatalf("GetNS(directory) = %v", err)
	}
}

func TestCreateRemove(t *testing.T) {
	privtest.Need(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		if err := Create(p, false); err != nil {
			t.Fatal(err)
		}
		defer Remove(p, true) // in case the test stops early
		out, err := exec.Command("stat", "-f", "-c", "%T", p).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "nsfs" {
			t.Fatalf("stat -f %s: %q %v, want nsfs", p, out, err)
		}
		if ok, err := IsNSMount(p); !ok || err != nil {
			t.Fatalf("IsNSMount(%s) = %v, %v", p, ok, err)
		}
	}
	if err := Create(a, false); err == nil {
		t.Fatal("Create over an existing namespace file succeeded")
	}
	if ok, _ := IsNSMount(a); !ok {
		t.Fatal("a failed Create took away the namespace that was there")
	}
	// A veth pair between a and b: removing a with sync deletes its end
	// first, so b's end is gone when Remove returns.
	ha, err := netns.GetFromPath(a)
	if err != nil {
		t.Fatal(err)
	}
	defer ha.Close()
	hb, err := netns.GetFromPath(b)
	if err != nil {
		t.Fatal(err)
	}
	defer hb.Close()
	nl, err := netlink.NewHandleAt(ha)
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "va"}, PeerName: "vb", PeerNamespace: netlink.NsFd(int(hb))}
	if err := nl.LinkAdd(veth); err != nil {
		t.Fatal(err)
	}
	ipIn := func(path string) string {
		var out []byte
		if err := WithNetNSPath(path, func(NetNS) error {
			var err error
			out, err = exec.Command("ip", "-o", "link", "show").CombinedOutput()
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if !strings.Contains(ipIn(b), "vb@") {
		t.Fatalf("ip link in b: %q, want vb", ipIn(b))
	}
	ha.Close()
	nl.Close()
	if err := Remove(a, true); err != nil {
		t.Fatal(err)
	}
	if out := ipIn(b); strings.Contains(out, "vb") {
		t.Fatalf("ip link in b right after Remove(a, sync): %q, want vb gone", out)
	}
	if out, err := exec.Command("stat", a).CombinedOutput(); err == nil {
		t.Fatalf("stat %s after Remove: %s", a, out)
	}
	if err := Remove(a, true); err != nil {
		t.Fatalf("Remove of a missing file: %v", err)
	}
	// A placeholder (a crash before the bind mount) is just removed.
	if err := os.WriteFile(a, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if ok, err := IsNSMount(a); ok || err != nil {
		t.Fatalf("IsNSMount(placeholder) = %v, %v", ok, err)
	}
	if err := Remove(a, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		t.Fatalf("placeholder still there: %v", err)
	}
	if err := Remove(b, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b); !os.IsNotExist(err) {
		t.Fatalf("b still there after Remove: %v", err)
	}
}

func TestMachineNamespaceIsRefused(t *testing.T) {
	privtest.Need(t)
	for _, p := range []string{"/proc/self/ns/net", "/proc/thread-self/ns/net", "/proc/1/ns/net"} {
		// Only paths that show the machine's namespace now: /proc/1's may be
		// unreadable (no ptrace access to PID 1) or another namespace, and
		// /proc/self's is the main thread's, which a stranded Do may have
		// left in a lab namespace (TestDoFailedSwitchBackRetiresTheThread).
		var st unix.Stat_t
		if unix.Stat(p, &st) != nil || st.Ino != machine.Ino {
			t.Logf("%s is not the machine's namespace here", p)
			continue
		}
		if _, err := GetNS(p); !errors.Is(err, ErrMachine) || !strings.Contains(err.Error(), "machine's own") {
			t.Errorf("GetNS(%s) = %v, want a refusal", p, err)
		}
		ran := false
		if err := WithNetNSPath(p, func(NetNS) error { ran = true; return nil }); !errors.Is(err, ErrMachine) || ran {
			t.Errorf("WithNetNSPath(%s): %v, callback ran %v", p, err, ran)
		}
		if ok, err := IsNSMount(p); ok || !errors.Is(err, ErrMachine) {
			t.Errorf("IsNSMount(%s) = %v, %v, want a refusal", p, ok, err)
		}
		if err := Remove(p, true); !errors.Is(err, ErrMachine) {
			t.Errorf("Remove(%s) = %v, want a refusal", p, err)
		}
	}
	if _, err := GetNS(""); err == nil {
		t.Error("GetNS accepted an empty path")
	}
	lab := newNS(t, "lab", false)
	n, err := GetNS(lab)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if IsMachine(int(n.Fd())) {
		t.Error("IsMachine calls a lab namespace the machine's")
	}
	runtime.LockOSThread() // this thread's namespace: the machine's
	self, err := os.Open("/proc/thread-self/ns/net")
	runtime.UnlockOSThread()
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	if !IsMachine(int(self.Fd())) {
		t.Error("IsMachine does not know the machine's namespace")
	}
}

// TestDoFailedSwitchBackRetiresTheThread comes last: the thread it strands
// may be the main thread, after which /proc/self/ns/net names a lab
// namespace (why machine.go reads it once, at start).
func TestDoFailedSwitchBackRetiresTheThread(t *testing.T) {
	path := newNS(t, "stuck", false)
	calls := 0
	setns = func(h netns.NsHandle) error {
		if calls++; calls == 2 { // the switch back
			return errors.New("injected failure")
		}
		return netns.Set(h)
	}
	defer func() { setns = netns.Set }()
	var tid int
	// The runtime never ends the main thread: left locked there, it is
	// wedged for good instead (so no goroutine runs on it again). Try
	// again until the thread is another one, which must end.
	for try := 0; try == 0 || tid == os.Getpid(); try++ {
		if try == 3 {
			t.Skip("Do ran on the main thread every time")
		}
		calls = 0
		err := WithNetNSPath(path, func(NetNS) error { tid = unix.Gettid(); return nil })
		if err == nil || !strings.Contains(err.Error(), "switch back") {
			t.Fatalf("Do with a failing switch back: %v", err)
		}
	}
	// Left locked, the thread exits with its goroutine, still in the lab
	// namespace: no other goroutine ever runs on it.
	task := fmt.Sprintf("/proc/self/task/%d", tid)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(task); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d, stuck in the lab namespace, is still alive", tid)
		}
	}
	t.Logf("thread %d (process %d) ended", tid, os.Getpid())
}
