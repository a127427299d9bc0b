package privtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Need skips t when not root, or fails it when CI=true.
func Need(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root and CI runs as root: refusing to skip")
	}
	t.Skip("needs root (it creates network namespaces): run 'sudo make test'")
}

// RunListing lists every name under /run (recursively, symlinks not
// followed) and every mount /proc/thread-self/mountinfo shows under /run, so a
// test can assert that netlab left the machine's /run as it found it.
func RunListing(t testing.TB) string {
	t.Helper()
	var names []string
	filepath.WalkDir("/run", func(p string, d fs.DirEntry, err error) error {
		if err == nil { // else it vanished while walking (another program's file)
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	mounts, err := os.ReadFile("/proc/thread-self/mountinfo") // this thread's view (see engine/mountinfo.go)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && (f[4] == "/run" || strings.HasPrefix(f[4], "/run/")) {
			names = append(names, "mount "+strings.Join(f[4:], " "))
		}
	}
	return strings.Join(names, "\n") + "\n"
}
