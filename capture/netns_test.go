package capture

import (
	"runtime"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/privtest"
)

// TestCaptureRefusesTheMachine: no capture opens on the machine's own
// namespace (engine/ns's one definition of it) nor without a namespace.
func TestCaptureRefusesTheMachine(t *testing.T) {
	privtest.Need(t)
	runtime.LockOSThread() // /proc/thread-self: this thread, in the machine's namespace
	defer runtime.UnlockOSThread()
	for _, c := range []struct{ path, want string }{
		{"/proc/thread-self/ns/net", "refusing to capture in the machine's own network namespace"},
		{"", "no namespace given: netlab captures only inside lab namespaces"},
	} {
		_, err := Open([]Target{{Node: "machine", NSPath: c.path, Iface: "lo"}}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open on %q: %v, want %q", c.path, err, c.want)
		}
		if _, err := IfIndex(Target{Node: "machine", NSPath: c.path, Iface: "lo"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("IfIndex on %q: %v, want %q", c.path, err, c.want)
		}
	}
}
