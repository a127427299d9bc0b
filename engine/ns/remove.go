package ns

import (
	"errors"
	"fmt"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Remove unmounts and removes a namespace file, as "ip netns del" does;
// the kernel then destroys the namespace and its links in the background.
// With sync, the links are deleted first so that veth peers elsewhere are
// gone when it returns (reset and the benchmark's cleanup use that). A
// file that is no namespace mount (a placeholder left by a crash before
// the bind mount) is just removed; a missing file is not an error. The
// machine's own namespace is refused (IsNSMount). Engine checks that
// path is its own namespace file before calling it.
func Remove(path string, sync bool) error {
	mounted, err := IsNSMount(path)
	if err != nil {
		return err
	}
	if !mounted {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	if sync {
		deleteLinks(path)
	}
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount %q: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// deleteLinks deletes every link but lo in the namespace at path, as far
// as it can: what it cannot delete goes with the namespace anyway.
func deleteLinks(path string) {
	h, err := netns.GetFromPath(path)
	if err != nil {
		return
	}
	defer h.Close()
	nh, err := netlink.NewHandleAt(h)
	if err != nil {
		return
	}
	defer nh.Close()
	links, err := nh.LinkList()
	if err != nil {
		return
	}
	for _, l := range links {
		if l.Attrs().Name != "lo" {
			nh.LinkDel(l)
		}
	}
}
