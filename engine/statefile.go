package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// nextStateName is the state file's other half: the file the next state
// is written into before it is swapped with session.json. It matches
// isOwnTemp, so a reset removes it with the temporary copies.
const nextStateName = ".session-next.json"

func nextStatePath(dir string) string { return filepath.Join(dir, nextStateName) }

// writeStateFile replaces session.json with b. b is written over the
// previous state's old copy (dir/.session-next.json) in place, then the
// two names are exchanged in one rename (RENAME_EXCHANGE): session.json
// is at every moment a whole file, the old one or the new, whenever
// netlab is killed. Writing a new file and renaming it over session.json
// does the same but costs several times more on ext4, which creates an
// inode every time and starts writing out a file renamed over another
// (auto_da_alloc); that was two of those per step. Where the old copy is
// missing (the first write) or the file system cannot exchange, the new
// file is renamed over the old.
//
// The old copy is written again by the next write, so a reader that
// opened session.json just before the exchange could read it changing:
// writers hold the run directory's flock exclusively and readers
// (readStateFile) shared, for the few microseconds each takes.
func writeStateFile(dir string, b []byte) error {
	unlock := lockDir(dir, unix.LOCK_EX)
	defer unlock()
	next := nextStatePath(dir)
	f, err := os.OpenFile(next, os.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.OpenFile(next, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	}
	if err != nil {
		// Something else in its place (a symbolic link, a directory):
		// neither followed nor removed; a new file is renamed over.
		return renameStateFile(dir, b)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return renameStateFile(dir, b)
	}
	_, err = f.WriteAt(b, 0)
	if err == nil {
		err = f.Truncate(int64(len(b)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := unix.Renameat2(unix.AT_FDCWD, next, unix.AT_FDCWD, statePath(dir), unix.RENAME_EXCHANGE); err == nil {
		return nil
	}
	// No state yet (ENOENT), or no exchange on this file system.
	return os.Rename(next, statePath(dir))
}

// renameStateFile writes b to a new temporary file and renames it over
// session.json.
func renameStateFile(dir string, b []byte) error {
	tmp, err := os.CreateTemp(dir, ".session-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), statePath(dir))
}

// holdsState reports whether session.json holds exactly b. A file of
// another length cannot, which a stat tells without reading it (a step
// adds or removes a record, which changes the length).
func holdsState(dir string, b []byte) bool {
	var st unix.Stat_t
	if unix.Stat(statePath(dir), &st) != nil || st.Size != int64(len(b)) {
		return false
	}
	cur, err := readStateFile(dir)
	return err == nil && bytes.Equal(cur, b)
}

// ReadStateFile returns the bytes of the state file in dir, read as
// netlab's own readers read it (see readStateFile), for a caller that
// parses it itself.
func ReadStateFile(dir string) ([]byte, error) { return readStateFile(dir) }

// readStateFile reads session.json under the run directory's shared
// flock (see writeStateFile).
func readStateFile(dir string) ([]byte, error) {
	unlock := lockDir(dir, unix.LOCK_SH)
	defer unlock()
	return os.ReadFile(statePath(dir))
}

// lockDir takes a flock of kind how on dir and returns its release. A
// directory that cannot be opened is not locked: the file operation that
// follows fails on its own.
func lockDir(dir string, how int) func() {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return func() {}
	}
	for unix.Flock(fd, how) == unix.EINTR {
	}
	return func() { unix.Close(fd) } // closing the last descriptor releases the flock
}
