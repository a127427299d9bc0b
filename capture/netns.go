package capture

import (
	"fmt"
	"runtime"

	"github.com/vishvananda/netns"
)

// inNamespace runs fn on a locked OS thread switched into the network
// namespace bound at path. Sockets fn opens stay in that namespace after the
// thread switches back. An empty path means the caller's own namespace.
// A thread that fails to switch back is never unlocked, so the runtime
// retires it instead of reusing it in the wrong namespace.
func inNamespace(path string, fn func() error) error {
	if path == "" {
		return fn()
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
