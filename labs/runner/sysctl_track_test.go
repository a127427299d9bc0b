package runner

import (
	"testing"

	"github.com/netlab/netlab/labs"
)

// TestSysctlOutsideBaseSetRestored: a lab whose step writes a sysctl key
// outside the set every snapshot reads is restored exactly by "netlab
// test": the key is tracked before the lab's first snapshot (it once came
// back "+ host sysctl: ... = 1").
func TestSysctlOutsideBaseSetRestored(t *testing.T) {
	isolate(t)
	lab, err := labs.Load("sysctl.yaml", []byte(`id: sysctl-track
title: A key outside the base set
summary: One step writes a key no snapshot reads by default.
steps:
  - title: Write it
    text: Redirects off.
    commands:
      - sysctl -w net.ipv4.conf.all.accept_redirects=0
  - title: And a link
    text: Something else to undo.
    commands:
      - ip link add br0 type bridge
`))
	if err != nil {
		t.Fatal(err)
	}
	if res := Test(lab, nil); !res.OK || !res.Restored {
		t.Fatalf("%s\n%v", res.Text(), res.Diff)
	}
}
