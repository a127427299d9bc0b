package ns

import (
	"fmt"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Create makes a new network namespace and pins it with a bind mount at
// path, the way "ip netns add" does under /run/netns (engine passes a
// path inside its run directory, checked first). The directory must
// exist and path must not. Like "ip netns add", the new namespace's
// loopback is down; loUp brings it up (lab hosts, which stand for running
// machines). On failure nothing is left at path.
func Create(path string, loUp bool) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("cannot create namespace file %q: %w", path, err)
	}
	f.Close()
	err = onFreshThread(func() error {
		fresh, err := netns.New() // unshares this thread into a new namespace
		if err != nil {
			return fmt.Errorf("unshare network namespace: %w", err)
		}
		fresh.Close()
		return unix.Mount(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), path, "none", unix.MS_BIND, "")
	})
	if err != nil {
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
