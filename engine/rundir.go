package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// markerName is the file netlab writes into a run directory it created or
// adopted empty, so that it never acts in a directory that belongs to
// someone else (NETLAB_RUN pointed at the wrong place).
const markerName = ".netlab-run"

// ownNames are the entries netlab itself keeps in a run directory.
var ownNames = map[string]bool{
	"lock": true, "session.json": true, "journal.json": true, "journal.json.tmp": true,
	"netns": true, "scratch": true, "hosts": true, markerName: true,
	// Without root (engine/rootless): the holder's pid file, its lock and
	// its temporary copy, iptables-legacy's lock and the directory of the
	// tcpdump stand-in.
	"holder": true, "holder.lock": true, "holder.tmp": true, "holder.release": true, "xtables.lock": true, "bin": true,
}

// ClaimRunDir makes dir a netlab run directory, as a session being created
// does (claimDir): netlab without root claims it before it starts the
// process that holds the lab's namespaces.
func ClaimRunDir(dir string) error { return claimDir(dir, true) }

// isOwnTemp reports whether name is one of the state file's temporary
// copies (writeState's ".session-*.json").
func isOwnTemp(name string) bool {
	return strings.HasPrefix(name, ".session-") && strings.HasSuffix(name, ".json") && validName(name)
}

// ForeignDirError is returned for a run directory netlab did not create.
type ForeignDirError struct{ Dir, Entry string }

// Error names the directory and what it holds, and what to do instead.
func (e *ForeignDirError) Error() string {
	return fmt.Sprintf("refusing run directory %s: netlab did not create it and it is not empty (it holds %q); point NETLAB_RUN at a new or empty directory", e.Dir, e.Entry)
}

// claimDir makes sure dir is a netlab run directory: it creates it (and
// its marker) when missing, marks it when empty, and refuses a non-empty
// one without the marker. The default directory is adopted when it holds
// only netlab's own files (earlier versions did not mark it). It never
// deletes anything. With create false (reading only), nothing is written
// and a missing dir is ErrNoSession.
func claimDir(dir string, create bool) error {
	if _, err := os.Lstat(filepath.Join(dir, markerName)); err == nil {
		return nil
	}
	// A throwaway session's directory (ScratchDir) lies in the scratch
	// folder of a marked run directory: it is netlab's, and stays unmarked
	// so that its owner can remove it as it does today.
	if parent := filepath.Dir(dir); filepath.Base(parent) == "scratch" {
		if _, err := os.Lstat(filepath.Join(filepath.Dir(parent), markerName)); err == nil {
			if _, err := os.Stat(dir); err == nil || create {
				return os.MkdirAll(dir, 0o755)
			}
			return ErrNoSession
		}
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		if !create {
			return ErrNoSession
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		entries = nil
	} else if err != nil {
		return fmt.Errorf("run directory %s: %w", dir, err)
	}
	for _, e := range entries {
		own := ownNames[e.Name()] || isOwnTemp(e.Name())
		if !own || filepath.Clean(dir) != DefaultDir {
			return &ForeignDirError{Dir: dir, Entry: e.Name()}
		}
	}
	if !create {
		return nil // reading only: the marker is written by what creates
	}
	f, err := os.OpenFile(filepath.Join(dir, markerName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("mark run directory %s: %w", dir, err)
	}
	if f != nil {
		f.WriteString("netlab run directory: netlab creates and removes what is in here\n")
		f.Close()
	}
	return nil
}

// removeOwnTemps removes the temporary state and journal copies a killed
// netlab process can leave behind; only netlab's own names, only in dir.
func removeOwnTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type().IsRegular() && (isOwnTemp(e.Name()) || e.Name() == "journal.json.tmp") {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// validName reports whether s can be a node name: a plain name as "ip
// netns add" takes it, never a path. Names come from files netlab reads
// back, which may have been tampered with.
func validName(s string) bool {
	if s == "" || len(s) > 64 || s == "." || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// checkNSPath makes sure path is dir/netns/<name> after resolving
// symlinks: the netns directory is a real directory inside dir and the
// file itself is no symlink. Every namespace file netlab mounts, opens or
// removes for a session passes this check first.
func checkNSPath(dir, path string) error {
	name := filepath.Base(path)
	if !validName(name) || path != nsPath(dir, name) {
		return fmt.Errorf("refusing %q: not a namespace file of run directory %s", path, dir)
	}
	if err := checkNetnsDir(dir); err != nil {
		return fmt.Errorf("refusing %q: %w", path, err)
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("refusing %q: it is a symlink", path)
	}
	return nil
}

// checkNetnsDir makes sure dir/netns, when it exists, resolves to the
// netns directory inside dir (symlinks resolved).
func checkNetnsDir(dir string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if os.IsNotExist(err) {
		return nil // nothing there yet
	}
	if err != nil {
		return err
	}
	netns := filepath.Join(dir, "netns")
	realNetns, err := filepath.EvalSymlinks(netns)
	if os.IsNotExist(err) {
		return nil // nothing there yet: created by netlab, inside dir
	}
	if err != nil {
		return err
	}
	if realNetns != filepath.Join(realDir, "netns") {
		return fmt.Errorf("%s resolves to %s, outside run directory %s", netns, realNetns, dir)
	}
	return nil
}

// dropPlantedNetnsLink removes dir/netns when it is a symbolic link. netlab
// never makes one there, so whatever it points at is not netlab's: the
// link itself goes (os.Remove does not follow it), nothing behind it is
// touched, and reset carries on with what really is under dir.
func dropPlantedNetnsLink(dir string) error {
	p := filepath.Join(dir, "netns")
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("remove the link %s that netlab did not make: %w", p, err)
	}
	return nil
}
