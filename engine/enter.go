package engine

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Enter replaces the current process with argv running in a node's
// network namespace, inside a private mount namespace whose /run/netns
// lists the lab's other namespaces, so that "ip netns exec ns01 ..." works
// there as in the tutorial while the machine's own /run/netns is never
// changed. It returns only on error.
func (s *Session) Enter(node string, argv []string, env []string) error {
	n, err := s.lookup(node)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("%s: command not found", argv[0])
	}
	// Mark before entering: what runs there may change any table.
	if err := s.MarkShellUsedNoWait(); err != nil { // never waits for a step running elsewhere
		return err
	}
	var others []Node
	for _, o := range s.st.Nodes {
		if o.Name != n.Name {
			others = append(others, o)
		}
	}
	runtime.LockOSThread() // never unlocked: the process becomes argv
	if err := privateNetnsDir(others); err != nil {
		return err
	}
	target, err := netns.GetFromPath(n.Path)
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(target), &st); err != nil || st.Ino == machineNS {
		return errors.New("refusing to enter the machine's own network namespace")
	}
	if err := netns.Set(target); err != nil {
		return fmt.Errorf("enter %s: %w", node, err)
	}
	return syscall.Exec(path, argv, env)
}

// privateNetnsDir unshares the mount namespace of this thread and mounts
// a fresh /run/netns there holding the given nodes under their names. When
// the machine has no /run/netns, /run itself is replaced by a tmpfs into
// which every existing entry of the real /run is bound back, so nothing is
// created on the machine.
func privateNetnsDir(nodes []Node) error {
	var fds []int
	for _, n := range nodes {
		fd, err := openNS(n.Path)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
	}
	oldRun, err := unix.Open("/run", unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare mount namespace: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if _, err := os.Stat("/run/netns"); err != nil {
		entries, err := os.ReadDir(fmt.Sprintf("/proc/self/fd/%d", oldRun))
		if err != nil {
			return err
		}
		if err := unix.Mount("netlab-run", "/run", "tmpfs", 0, "mode=755"); err != nil {
			return fmt.Errorf("mount private /run: %w", err)
		}
		for _, e := range entries {
			dst := filepath.Join("/run", e.Name())
			src := fmt.Sprintf("/proc/self/fd/%d/%s", oldRun, e.Name())
			if e.IsDir() {
				os.Mkdir(dst, 0o755)
			} else if f, err := os.Create(dst); err == nil {
				f.Close()
			}
			unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, "")
		}
		if err := os.MkdirAll("/run/netns", 0o755); err != nil {
			return err
		}
	}
	if err := unix.Mount("netlab-netns", "/run/netns", "tmpfs", 0, "mode=755"); err != nil {
		return fmt.Errorf("mount private /run/netns: %w", err)
	}
	for i, n := range nodes {
		dst := filepath.Join("/run/netns", n.Name)
		f, err := os.Create(dst)
		if err != nil {
			return err
		}
		f.Close()
		if err := unix.Mount(fmt.Sprintf("/proc/self/fd/%d", fds[i]), dst, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("show %s in /run/netns: %w", n.Name, err)
		}
		unix.Close(fds[i])
	}
	unix.Close(oldRun)
	return nil
}
