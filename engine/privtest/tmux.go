package privtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TmuxSocket is the socket path (for tmux -S) of a tmux server of the
// test's own, in a directory of its own: when the test ends the server is
// killed and the directory removed, since tmux leaves its socket file
// behind (with -L, in /tmp/tmux-UID, where the suite left dozens).
func TmuxSocket(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "netlab-tmux-")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	t.Cleanup(func() {
		exec.Command("tmux", "-S", sock, "kill-server").Run()
		os.RemoveAll(dir)
	})
	return sock
}
