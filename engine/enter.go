package engine

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"

	"github.com/netlab/netlab/engine/ns"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Enter replaces the current process with argv running in a node's
// network namespace, inside a private mount namespace whose /run/netns
// lists the other namespaces of its lab host (netnsDir), so that "ip netns exec ns01 ..." works
// there as in the tutorial while the machine's own /run/netns is never
// changed, and whose /etc/hosts holds the node's names (enter_hosts.go).
// It returns only on error.
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
	others := s.netnsDir(n, node)
	// Every namespace is opened before the mount namespace changes: the
	// run directory may lie under the /run that is replaced below.
	// Not ns.Do: the process becomes argv on this very thread, after
	// unsharing its mount namespace, so the thread never switches back.
	target, err := ns.GetNS(n.Path)
	if errors.Is(err, ns.ErrMachine) {
		return errors.New("refusing to enter the machine's own network namespace")
	}
	if err != nil {
		return fmt.Errorf("open the namespace of %s: %w", node, err)
	}
	defer target.Close() // only reached on error
	var fds []int
	for _, o := range others {
		fd, err := openNS(o.Path)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
	}
	hosts, err := s.writeHostsFile(n.Name)
	if err != nil {
		return fmt.Errorf("write the names of %s: %w", node, err)
	}
	runtime.LockOSThread() // never unlocked: the process becomes argv
	machineMounts, err := threadMountNS()
	if err != nil {
		return err
	}
	if err := privateNetnsDir(others, fds); err != nil {
		return err
	}
	if err := bindHosts(hosts, machineMounts); err != nil {
		return err
	}
	if err := netns.Set(netns.NsHandle(target.Fd())); err != nil {
		return fmt.Errorf("enter %s: %w", node, err)
	}
	return syscall.Exec(path, argv, env)
}

// netnsDir is what /run/netns lists inside node n (entered as name): the
// namespaces of n's lab host under their "ip netns" names, and that host
// itself when n is one of its namespaces, as on a machine; in a one-host
// lab, every other node. Aliases are listed under their own names too, so
// that "ip netns exec test2 ..." works there as "docker exec test2" would.
func (s *Session) netnsDir(n *Node, name string) []Node {
	host, multi := s.st.hostOf(n), s.st.multiHost()
	visible := func(o *Node) bool {
		return !multi || o.Name == host || o.Kind == KindNetns && s.st.hostOf(o) == host
	}
	var others []Node
	listed := map[string]bool{}
	for i := range s.st.Nodes {
		if o := &s.st.Nodes[i]; o.Name != n.Name && visible(o) {
			others = append(others, Node{Name: o.NetnsName(), Kind: o.Kind, Path: o.Path})
			listed[o.NetnsName()] = true
		}
	}
	for _, a := range slices.Sorted(maps.Keys(s.st.Aliases)) {
		if t := s.st.node(s.st.Aliases[a]); t != nil && a != name && !listed[a] && s.st.node(a) == nil && (visible(t) || t.Name == n.Name) {
			others = append(others, Node{Name: a, Kind: t.Kind, Path: t.Path})
		}
	}
	return others
}

// privateNetnsDir unshares the mount namespace of this thread and mounts
// a fresh /run/netns there holding the given nodes (fds are their open
// namespace files) under their names. When the machine has no /run/netns,
// /run itself is replaced by a tmpfs into which every entry of the real
// /run is bound back, so nothing is created on the machine. Every mount
// is checked: a half-built /run would hide the lab's own files.
func privateNetnsDir(nodes []Node, fds []int) error {
	if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare mount namespace: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if _, err := os.Stat("/run/netns"); err != nil {
		if err := shadowRun(); err != nil {
			return err
		}
	}
	if err := unix.Mount("netlab-netns", "/run/netns", "tmpfs", 0, "mode=755"); err != nil {
		return fmt.Errorf("mount private /run/netns: %w", err)
	}
	for i, n := range nodes {
		if !validName(n.Name) {
			return fmt.Errorf("refusing node name %q: not a plain name", n.Name)
		}
		dst := filepath.Join("/run/netns", n.Name)
		f, err := os.Create(dst)
		if err != nil {
			return err
		}
		f.Close()
		if err := unix.Mount(fmt.Sprintf("/proc/thread-self/fd/%d", fds[i]), dst, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("show %s in /run/netns: %w", n.Name, err)
		}
		unix.Close(fds[i])
	}
	return nil
}

// shadowRun replaces /run, in this thread's private mount namespace, by a
// tmpfs holding every entry of the real /run (bound back with their
// submounts, so the run directory and its namespace files stay visible)
// and an empty netns directory. /run is opened after the unshare, so the
// binds come from this namespace's own copy of its mounts (the kernel
// refuses binds from another mount namespace).
func shadowRun() error {
	oldRun, err := unix.Open("/run", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /run: %w", err)
	}
	defer unix.Close(oldRun)
	old := fmt.Sprintf("/proc/thread-self/fd/%d", oldRun)
	entries, err := os.ReadDir(old)
	if err != nil {
		return fmt.Errorf("read /run: %w", err)
	}
	if err := unix.Mount("netlab-run", "/run", "tmpfs", 0, "mode=755"); err != nil {
		return fmt.Errorf("mount private /run: %w", err)
	}
	for _, e := range entries {
		dst := filepath.Join("/run", e.Name())
		src := filepath.Join(old, e.Name())
		switch {
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(src)
			if err != nil {
				return fmt.Errorf("private /run: %w", err)
			}
			if err := os.Symlink(target, dst); err != nil {
				return fmt.Errorf("private /run: %w", err)
			}
			continue
		case e.IsDir():
			if err := os.Mkdir(dst, 0o755); err != nil {
				return fmt.Errorf("private /run: %w", err)
			}
		default:
			f, err := os.Create(dst)
			if err != nil {
				return fmt.Errorf("private /run: %w", err)
			}
			f.Close()
		}
		if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind %s into the private /run: %w", dst, err)
		}
	}
	if err := os.Mkdir("/run/netns", 0o755); err != nil {
		return fmt.Errorf("private /run: %w", err)
	}
	return nil
}
