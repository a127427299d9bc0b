// Package privtest holds the rule every privileged test follows: a test
// that needs root skips when it lacks it, except in CI (CI=true), where a
// privileged test that cannot run is a failure.
package privtest

import (
	"os"
	"testing"
)

// Need skips t when not root, or fails it when CI=true.
func Need(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root and CI runs as root: refusing to skip")
	}
	t.Skip("needs root (it creates network namespaces): run 'sudo make test'")
}
