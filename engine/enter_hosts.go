package engine

// This file gives "netlab exec" and "netlab shell" the node's names: the
// node's table (op_names.go) is written as a hosts file into the run
// directory (hosts/NODE) and bound over /etc/hosts in the private mount
// namespace Enter made, read-only, so the real ping, curl and getent
// resolve the names netlab's own commands do. The machine's /etc/hosts is
// never touched: the bind is made only after the mount namespace of this
// thread was checked to be a new one.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// hostsDir is where the nodes' hosts files live in a run directory.
func hostsDir(dir string) string { return filepath.Join(dir, "hosts") }

// writeHostsFile writes the node's table as a hosts file under the run
// directory and returns its path, to be bound once the mount namespace
// is private.
func (s *Session) writeHostsFile(node string) (string, error) {
	if !validName(node) {
		return "", fmt.Errorf("refusing node name %q: not a plain name", node)
	}
	d := hostsDir(s.dir)
	if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	if fi, err := os.Lstat(d); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("refusing %s: not a directory", d)
	}
	tmp, err := os.CreateTemp(d, ".hosts-*")
	if err != nil {
		return "", err
	}
	_, werr := tmp.WriteString(s.hostsFile(node))
	tmp.Close()
	path := filepath.Join(d, node)
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", werr
	}
	return path, nil
}

// threadMountNS names the mount namespace of the calling thread.
func threadMountNS() (string, error) { return os.Readlink("/proc/thread-self/ns/mnt") }

// bindHosts binds the hosts file at path over /etc/hosts, read-only.
// machine is the mount namespace the thread was in before Enter unshared
// it: the bind is refused unless the thread is in another one now. The
// file is opened here, in the private namespace (the kernel binds only
// from the caller's own mounts). A machine without an /etc/hosts file
// gets none (nothing is created on it).
func bindHosts(path string, machine string) error {
	now, err := threadMountNS()
	if err != nil || machine == "" || now == machine {
		return fmt.Errorf("refusing to cover /etc/hosts: not in a private mount namespace (%s, was %s): %v", now, machine, err)
	}
	if fi, err := os.Stat("/etc/hosts"); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	src := fmt.Sprintf("/proc/thread-self/fd/%d", fd)
	if err := unix.Mount(src, "/etc/hosts", "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind the names of the node over /etc/hosts: %w", err)
	}
	if err := unix.Mount("", "/etc/hosts", "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("make /etc/hosts read-only: %w", err)
	}
	return nil
}

// removeHostsFiles removes the hosts files netlab wrote (plain files with
// node names, and its temporary ones) and their directory.
func removeHostsFiles(dir string) {
	d := hostsDir(dir)
	entries, err := os.ReadDir(d)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type().IsRegular() && validName(e.Name()) {
			os.Remove(filepath.Join(d, e.Name()))
		}
	}
	os.Remove(d)
}
