package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDir: the default directories are made 0700; a directory others
// may write, a symbolic link or another user's directory is refused.
func TestRunDir(t *testing.T) {
	uid := os.Getuid()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	t.Run("XDG_RUNTIME_DIR", func(t *testing.T) {
		t.Setenv("TMPDIR", t.TempDir()) // were it refused, never /tmp
		x := t.TempDir()
		os.Chmod(x, 0o700)
		d, err := RunDir(uid, env("XDG_RUNTIME_DIR", x))
		fi, serr := os.Stat(d)
		if err != nil || d != filepath.Join(x, "netlab") || serr != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("RunDir = %s, %v (%v)", d, err, fi)
		}
	})
	t.Run("TMPDIR when no XDG_RUNTIME_DIR", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		d, err := RunDir(uid, env())
		if err != nil || d != filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)) {
			t.Errorf("RunDir = %s, %v", d, err)
		}
	})
	t.Run("a default directory others can read", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		os.Mkdir(filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)), 0o755)
		os.Chmod(filepath.Join(tmp, fmt.Sprintf("netlab-%d", uid)), 0o755)
		if _, err := RunDir(uid, env()); err == nil || !strings.Contains(err.Error(), "not 0700") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("NETLAB_RUN others may write", func(t *testing.T) {
		d := t.TempDir()
		os.Chmod(d, 0o777)
		if _, err := RunDir(uid, env("NETLAB_RUN", d)); err == nil || !strings.Contains(err.Error(), "other users may write") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("NETLAB_RUN a symbolic link", func(t *testing.T) {
		d := t.TempDir()
		os.Symlink(t.TempDir(), filepath.Join(d, "run"))
		if _, err := RunDir(uid, env("NETLAB_RUN", filepath.Join(d, "run"))); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("RunDir: %v", err)
		}
	})
	t.Run("another user's directory", func(t *testing.T) {
		d := t.TempDir()
		if _, err := RunDir(uid+1, env("NETLAB_RUN", d)); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
			t.Errorf("RunDir: %v", err)
		}
	})
}
