package labs

import "testing"

// TestCaptureLinkLevel: a step's "tcpdump -e" line asks its capture for
// the Ethernet addresses (CaptureTarget.LinkLevel), a line without -e
// does not, and two lines on one interface keep the -e of either.
func TestCaptureLinkLevel(t *testing.T) {
	lab, err := Load("e.yaml", []byte(`id: e
title: e
summary: e
nodes: [host1, host2]
setup:
  - node: host1
    commands:
      - ip link add eth0 type veth peer name eth0 netns host2
steps:
  - title: one with -e, one without
    text: t
    commands:
      - tcpdump -i eth0 -nn -e
      - ip netns exec host2 tcpdump -nn -i eth0
  - title: the same interface twice
    text: t
    commands:
      - tcpdump -i eth0 -nn
      - tcpdump -ne -i eth0 icmp
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]bool{
		{"host1:eth0": true, "host2:eth0": false},
		{"host1:eth0": true},
	}
	for i, st := range lab.Steps {
		if len(st.Capture) != len(want[i]) {
			t.Fatalf("step %d: captures %v, want %v", i+1, st.Capture, want[i])
		}
		for _, c := range st.Capture {
			if w, ok := want[i][c.String()]; !ok || c.LinkLevel != w {
				t.Errorf("step %d: capture %s LinkLevel = %v, want %v", i+1, c, c.LinkLevel, w)
			}
		}
	}
}
