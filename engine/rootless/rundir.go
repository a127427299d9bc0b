package rootless

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// RunDir returns the run directory of the unprivileged user uid, making it
// when missing: NETLAB_RUN when set, else $XDG_RUNTIME_DIR/netlab, else
// /tmp/netlab-UID. The directory must be a real directory (no symbolic
// link) owned by uid that nobody else can write; the default ones are
// made and kept 0700, so one user can neither see nor touch another's
// session. Anything else is refused, never adopted.
func RunDir(uid int, getenv func(string) string) (string, error) {
	if d := getenv("NETLAB_RUN"); d != "" {
		d, err := filepath.Abs(d)
		if err != nil {
			return "", err
		}
		return d, ownDir(d, uid, false)
	}
	if x := getenv("XDG_RUNTIME_DIR"); x != "" && filepath.IsAbs(x) {
		if err := ownDir(x, uid, true); err == nil {
			d := filepath.Join(x, "netlab")
			return d, ownDir(d, uid, true)
		}
	}
	d := filepath.Join(os.TempDir(), "netlab-"+strconv.Itoa(uid))
	return d, ownDir(d, uid, true)
}

// ownDir makes dir (mode 0700) when it does not exist, then checks that it
// is a directory of uid; private asks for exactly 0700, otherwise group and
// others only may not write.
func ownDir(dir string, uid int, private bool) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return fmt.Errorf("make run directory %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("run directory %s: %w", dir, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case fi.Mode()&os.ModeSymlink != 0 || !fi.IsDir():
		return fmt.Errorf("refusing run directory %s: it is not a directory (a symbolic link or a file)", dir)
	case !ok || int(st.Uid) != uid:
		return fmt.Errorf("refusing run directory %s: it belongs to another user (uid %d); point NETLAB_RUN at a directory of yours", dir, st.Uid)
	case private && fi.Mode().Perm() != 0o700:
		return fmt.Errorf("refusing run directory %s: its mode is %04o, not 0700, so other users could reach your lab; run: chmod 700 %s", dir, fi.Mode().Perm(), dir)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("refusing run directory %s: other users may write into it (mode %04o); run: chmod go-w %s", dir, fi.Mode().Perm(), dir)
	}
	return nil
}
