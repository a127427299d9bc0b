package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/privtest"
)

// TestFindChecksTheProcess: a holder file naming a live process that is
// no holder (this test), or a dead one, finds no holder.
func TestFindChecksTheProcess(t *testing.T) {
	d := t.TempDir()
	start, err := startTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{fmt.Sprintf("%d %d\n", os.Getpid(), start), fmt.Sprintf("%d %d\n", os.Getpid(), start+1), "1 0\n", "x y\n", ""} {
		os.WriteFile(filepath.Join(d, holderFile), []byte(content), 0o600)
		if h := Find(d); h != nil {
			t.Errorf("holder file %q: found %+v", content, h)
		}
	}
}

func TestSbinPath(t *testing.T) {
	if got := sbinPath("/usr/local/bin:/usr/bin:/bin"); got != "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
	if got := sbinPath("/usr/sbin:/usr/bin"); got != "/usr/sbin:/usr/bin:/usr/local/sbin:/sbin" {
		t.Errorf("sbinPath: %s", got)
	}
}

// TestHolderLifecycle starts a real holder (this test binary under the
// holder's name, in new namespaces): Find finds it, a second Ensure finds
// the same one, Released ends it once nothing is inside, and a holder
// whose run directory is removed ends too.
func TestHolderLifecycle(t *testing.T) {
	privtest.Need(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	start := func() (string, *Holder) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ".netlab-run"), []byte("test\n"), 0o644)
		h, err := Ensure(dir, self)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Kill(h.Pid, syscall.SIGKILL) })
		return dir, h
	}
	ended := func(h *Holder) bool {
		for i := 0; i < 50; i++ {
			if !h.alive() {
				return true
			}
			time.Sleep(100 * time.Millisecond)
		}
		return false
	}
	dir, h := start()
	if f := Find(dir); f == nil || *f != *h {
		t.Fatalf("Find: %+v, want %+v", f, h)
	}
	if again, err := Ensure(dir, self); err != nil || again.Pid != h.Pid {
		t.Errorf("a second Ensure: %+v %v, want pid %d", again, err, h.Pid)
	}
	mine, _ := os.Readlink("/proc/self/ns/user")
	if theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", h.Pid)); theirs == mine || theirs == "" {
		t.Errorf("the holder's user namespace %q is this process's", theirs)
	}
	t.Setenv(EnvInside, "1")
	Released(dir)
	if !ended(h) {
		t.Error("the holder still runs 5 s after Released")
	}
	if _, err := os.Lstat(filepath.Join(dir, holderFile)); !os.IsNotExist(err) {
		t.Errorf("the holder file is left: %v", err)
	}
	dir, h = start()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if !ended(h) {
		st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.Pid))
		t.Errorf("the holder still runs 5 s after its run directory was removed:\n%s", st[:min(len(st), 200)])
	}
}
