package ns

import (
	"fmt"
	"runtime"

	"github.com/vishvananda/netns"
)

// setns switches the calling thread's network namespace; a variable so a
// test can make the switch back fail.
var setns = netns.Set

// onFreshThread runs fn on a new goroutine locked to its OS thread and
// puts the thread back into the namespace it had, in a defer. A new
// goroutine, as in CNI's pkg/ns, and not the caller's: the caller may
// itself be locked to a thread (one with a private mount namespace, say),
// which unlocking here would hand back to the runtime. A thread that fails
// to switch back is never unlocked, so the runtime retires it with the
// goroutine instead of running other goroutines in the wrong namespace.
func onFreshThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get() // this thread's namespace, not the leader's
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("open the current namespace: %w", err)
			return
		}
		defer orig.Close()
		errc <- func() (err error) {
			defer func() {
				if serr := setns(orig); serr != nil {
					err = fmt.Errorf("switch back to the original namespace: %w", serr)
					return // still locked: the thread dies with this goroutine
				}
				runtime.UnlockOSThread()
			}()
			return fn()
		}()
	}()
	return <-errc
}
