package capture

import (
	"fmt"
	"runtime"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// inNamespace runs fn on a locked OS thread switched into the network
// namespace bound at path. Sockets fn opens stay in that namespace after the
// thread switches back. The path must name a lab namespace: an empty path
// or the machine's own namespace is refused, so a capture never puts one
// of the machine's interfaces into promiscuous mode. A thread that fails
// to switch back is never unlocked, so the runtime retires it instead of
// reusing it in the wrong namespace.
func inNamespace(path string, fn func() error) error {
	if path == "" {
		return fmt.Errorf("no namespace given: netlab captures only inside lab namespaces")
	}
	if machine, err := sameNamespace(path, "/proc/1/ns/net"); err == nil && machine {
		return fmt.Errorf("refusing to capture in the machine's own network namespace (%s)", path)
	}
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("failed to get current namespace: %w", err)
	}
	defer orig.Close()
	target, err := netns.GetFromPath(path)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("failed to open namespace %q: %w", path, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("failed to enter namespace %q: %w", path, err)
	}
	fnErr := fn()
	if err := netns.Set(orig); err != nil {
		// Stay locked: the thread dies with the goroutine.
		return fmt.Errorf("failed to leave namespace %q: %w", path, err)
	}
	runtime.UnlockOSThread()
	return fnErr
}

// sameNamespace reports whether two namespace files name one namespace.
func sameNamespace(a, b string) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Stat(a, &sa); err != nil {
		return false, err
	}
	if err := unix.Stat(b, &sb); err != nil {
		return false, err
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}
