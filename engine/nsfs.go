package engine

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/engine/ns"
)

// createNS creates the namespace file path of a run directory (checked
// with checkNSPath) with ns.Create; loUp brings its loopback up.
func createNS(path string, loUp bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := checkNSPath(filepath.Dir(filepath.Dir(path)), path); err != nil {
		return err
	}
	return ns.Create(path, loUp)
}

// removeNS removes the namespace file path of a run directory (checked
// with checkNSPath) with ns.Remove, but only a mount the mount table lists
// as netlab's own in that directory: never a namespace reached some other
// way. With sync, its links are deleted first.
func removeNS(path string, sync bool) error {
	dir := filepath.Dir(filepath.Dir(path))
	if err := checkNSPath(dir, path); err != nil {
		return err
	}
	mounted, err := ns.IsNSMount(path)
	if err != nil {
		return err
	}
	if mounted {
		mounts, err := nsMounts(dir)
		if err != nil {
			return err
		}
		if _, ok := mounts[filepath.Base(path)]; !ok {
			return fmt.Errorf("refusing %s: the mount table lists no namespace mounted there", path)
		}
	}
	return ns.Remove(path, sync)
}

// openNS opens a namespace file for netlink calls that take a namespace
// by descriptor (a veth's peer, a link moved to another node).
func openNS(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open namespace %q: %w", path, err)
	}
	return fd, nil
}
