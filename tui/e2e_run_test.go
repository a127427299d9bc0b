package tui

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/netlab/netlab/engine"
	"golang.org/x/sys/unix"
)

// inPrivateRun runs fn on a thread of its own in a private mount namespace
// whose /run is an empty tmpfs with a netns directory; programs fn starts
// live there. The mounts are made here, not by the mount program (which
// would create /run/mount on the machine's /run). The thread is never
// unlocked, so the runtime ends it with the goroutine.
func inPrivateRun(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			errc <- err
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- err
			return
		}
		if err := unix.Mount("netlab-test-run", "/run", "tmpfs", 0, "mode=755"); err != nil {
			errc <- err
			return
		}
		if err := os.Mkdir("/run/netns", 0o755); err != nil {
			errc <- err
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// lockDefaultRun serializes the tests of all packages that use the
// default run directory (an flock on the module's directory, which creates
// no file) and returns a function that removes what netlab keeps in
// /run/netlab between sessions if the test added it.
func lockDefaultRun(t *testing.T) func() {
	f, err := os.Open("..")
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() })
	had := map[string]bool{}
	entries, err := os.ReadDir(engine.DefaultDir)
	hadDir := err == nil
	for _, e := range entries {
		had[e.Name()] = true
	}
	forget := func() {
		for _, name := range []string{".netlab-run", "lock"} {
			if !had[name] {
				os.Remove(filepath.Join(engine.DefaultDir, name))
			}
		}
		if !hadDir {
			os.Remove(engine.DefaultDir)
		}
	}
	if _, err := engine.Open(engine.DefaultDir); err != engine.ErrNoSession {
		forget()
		t.Fatalf("a lab is running in %s (%v); the test would disturb it", engine.DefaultDir, err)
	}
	forget()
	return forget
}
