package runner

import (
	"strings"
	"testing"
)

// TestTestPlaysAndRestores runs "netlab test" on a small lab: every step
// holds and undoing them all restores the lab exactly.
func TestTestPlaysAndRestores(t *testing.T) {
	needRoot(t)
	lab := load(t, strings.Replace(twoHosts, "ping -c 1 -W 0.3 192.0.2.99", "ping -c 1 192.0.2.2", 1))
	lab.Steps[1].Expect = nil
	t.Setenv("NETLAB_RUN", t.TempDir()) // its scratch session, never /run/netlab
	res := Test(lab, nil)
	if !res.OK || !res.Restored || len(res.Steps) != 3 {
		t.Fatalf("%s", res.Text())
	}
}
