package engine

import (
	"os"

	"golang.org/x/sys/unix"
)

// writeStateFile replaces session.json with b atomically: b goes to a new
// temporary file, which is then exchanged with session.json in one rename
// (RENAME_EXCHANGE), and the temporary name, now holding the old state,
// is removed. A reader opens either the old file or the new one, each
// whole and never written again. A plain rename over session.json does
// the same but costs several times more on ext4, which starts writing out
// a file renamed over another (auto_da_alloc) on every step; an exchange
// does not. Where there is no state yet or the file system cannot
// exchange, the temporary file is renamed over it. A process killed
// between the exchange and the removal leaves a temporary copy, which a
// reset removes (isOwnTemp).
func writeStateFile(dir string, b []byte) error {
	tmp, err := os.CreateTemp(dir, ".session-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := unix.Renameat2(unix.AT_FDCWD, tmp.Name(), unix.AT_FDCWD, statePath(dir), unix.RENAME_EXCHANGE); err == nil {
		return os.Remove(tmp.Name())
	}
	return os.Rename(tmp.Name(), statePath(dir))
}
