package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// machineNS is the inode of the network namespace netlab started in: the
// machine's own. No mutating operation may ever run there.
var machineNS = func() uint64 {
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/ns/net", &st); err != nil {
		return 0
	}
	return st.Ino
}()

// createNS makes a new network namespace and pins it with a bind mount at
// path, the way "ip netns add" does under /run/netns, but under netlab's
// own directory. Like "ip netns add", the new namespace's loopback is down;
// loUp brings it up (lab hosts, which stand for running machines).
func createNS(path string, loUp bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := checkNSPath(filepath.Dir(filepath.Dir(path)), path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("cannot create namespace file %q: %w", path, err)
	}
	f.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		fresh, err := netns.New() // unshares this thread into a new namespace
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("unshare network namespace: %w", err)
			return
		}
		fresh.Close()
		err = unix.Mount(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), path, "none", unix.MS_BIND, "")
		if serr := netns.Set(orig); serr != nil {
			// The thread is stuck in the lab namespace: leave it locked so
			// the runtime ends it with this goroutine.
			errc <- fmt.Errorf("switch back to the original namespace: %w", serr)
			return
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	if err := <-errc; err != nil {
		os.Remove(path)
		return fmt.Errorf("bind namespace to %q: %w", path, err)
	}
	if !loUp {
		return nil
	}
	h, err := netns.GetFromPath(path)
	if err != nil {
		return err
	}
	defer h.Close()
	nh, err := netlink.NewHandleAt(h)
	if err != nil {
		return err
	}
	defer nh.Close()
	if lo, err := nh.LinkByName("lo"); err == nil {
		return nh.LinkSetUp(lo)
	}
	return nil
}

// removeNS unmounts and removes a namespace file, as "ip netns del" does;
// the kernel then destroys the namespace and its links in the background.
// With sync, the links are deleted first so that veth peers elsewhere are
// gone when it returns (reset and the benchmark's cleanup use that). A
// missing file is not an error.
func removeNS(path string, sync bool) error {
	dir := filepath.Dir(filepath.Dir(path))
	if err := checkNSPath(dir, path); err != nil {
		return err
	}
	mounted, err := isNamespaceMount(path)
	if err != nil {
		return err
	}
	if mounted {
		// Only what the mount table lists as netlab's own mount in this
		// run directory: never a namespace reached some other way.
		mounts, err := nsMounts(dir)
		if err != nil {
			return err
		}
		if _, ok := mounts[filepath.Base(path)]; !ok {
			return fmt.Errorf("refusing %s: the mount table lists no namespace mounted there", path)
		}
	}
	if !mounted { // a placeholder left by a crash before the bind mount
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	if h, err := netns.GetFromPath(path); err == nil && sync {
		if nh, err := netlink.NewHandleAt(h); err == nil {
			if links, err := nh.LinkList(); err == nil {
				for _, l := range links {
					if l.Attrs().Name != "lo" {
						nh.LinkDel(l)
					}
				}
			}
			nh.Close()
		}
		h.Close()
	} else if err == nil {
		h.Close()
	}
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount %q: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// nsfsMagic is NSFS_MAGIC, the filesystem of a bound namespace file.
const nsfsMagic = 0x6e736673

// isNamespaceMount reports whether path is a bound network namespace that
// is not the machine's own; it refuses the machine's own outright, so no
// damaged state file can point netlab at it.
func isNamespaceMount(path string) (bool, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		if os.IsNotExist(err) {
			return false, nil
		}
		return false, err
	}
	if fs.Type != nsfsMagic {
		return false, nil
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return false, err
	}
	if st.Ino == machineNS {
		return false, fmt.Errorf("refusing %s: it is the machine's own network namespace", path)
	}
	return true, nil
}

// inNS runs fn on a locked OS thread switched into the namespace at path
// and switches back afterwards. A thread that fails to switch back is never
// unlocked, so the runtime ends it. Goroutines fn starts do not inherit the
// namespace. fn refuses to run if the namespace is the machine's own.
func inNS(path string, fn func() error) error {
	target, err := netns.GetFromPath(path)
	if err != nil {
		return fmt.Errorf("open namespace %q: %w", path, err)
	}
	defer target.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(target), &st); err != nil {
		return err
	}
	if st.Ino == machineNS {
		return fmt.Errorf("refusing to act in the machine's own network namespace (%s)", path)
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := netns.Set(target); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("enter namespace %q: %w", path, err)
			return
		}
		ferr := fn()
		if err := netns.Set(orig); err != nil {
			errc <- fmt.Errorf("switch back from %q: %w", path, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
