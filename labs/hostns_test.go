package labs

import (
	"strings"
	"testing"
)

// twoHosts is a lab head with two hosts: each has its own "ip netns"
// names, as two machines do.
const twoHosts = "id: x\ntitle: t\nsummary: s\nnodes: [host1, host2]\nsteps:\n"

// overlaySteps makes Docker's overlay namespace name on both hosts, with a
// veth into each; host2's step captures on both: host1's by the bare name
// (the first host's), its own through tcpdump in it.
const overlaySteps = `  - title: host1's overlay namespace
    text: x
    node: host1
    commands:
      - ip netns add 1-722bc7739c
      - ip link add veth0 type veth peer name eth0 netns 1-722bc7739c
      - ip netns exec 1-722bc7739c ip link set eth0 up
  - title: host2's overlay namespace
    text: x
    node: host2
    commands:
      - ip netns add 1-722bc7739c
      - ip link add veth0 type veth peer name eth0 netns 1-722bc7739c
      - ip netns exec 1-722bc7739c ip link set eth0 up
      - ip netns exec 1-722bc7739c tcpdump -i eth0 -nn
    capture: [1-722bc7739c:eth0]
`

// TestNetnsNamesPerHost: the same namespace name on two lab hosts lints
// clean, each host's commands reach its own, and a capture names the one
// of host2 as NAME@HOST.
func TestNetnsNamesPerHost(t *testing.T) {
	del := twoHosts + overlaySteps + `  - title: delete host2's
    text: x
    node: host2
    commands:
      - ip netns del 1-722bc7739c
  - title: host1's is still there
    text: x
    node: host1
    commands:
      - ip link show veth0
      - ip netns exec 1-722bc7739c ip link show eth0
`
	lab, err := Load("x.yaml", []byte(del))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// host2's veth0 went with its namespace: an error at its name.
	gone := strings.Replace(del, "    node: host1\n    commands:\n      - ip link", "    node: host2\n    commands:\n      - ip link", 1)
	if _, err := Load("x.yaml", []byte(gone)); err == nil || !strings.Contains(err.Error(), `x.yaml:31:22: interface "veth0" on node "host2" is gone by now`) {
		t.Errorf("veth0 of host2 after its namespace went: %v", err)
	}
	var got []string
	for _, c := range lab.Steps[1].Capture {
		got = append(got, c.String())
	}
	if strings.Join(got, " ") != "1-722bc7739c:eth0 1-722bc7739c@host2:eth0" {
		t.Errorf("captures of host2's step: %v", got)
	}
}

// TestNetnsWrongHost: a namespace named on a host that does not have it is
// an error at the name, saying which host has it.
func TestNetnsWrongHost(t *testing.T) {
	for _, tc := range []struct {
		name, line, at string
	}{
		{"ip netns exec", "      - ip netns exec c2 ip link set lo up\n", "x.yaml:16:23:"},
		{"peer netns", "      - ip link add v0 type veth peer name v1 netns c2\n", "x.yaml:16:53:"},
		{"link set netns", "      - ip link add v0 type veth peer name v1\n      - ip link set v1 netns c2\n", "x.yaml:17:30:"},
		{"ip netns del", "      - ip netns del c2\n", "x.yaml:16:22:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := twoHosts + `  - title: c2 on host2
    text: x
    node: host2
    commands:
      - ip netns add c2
      - ip netns exec c2 ip link set lo up
  - title: c2 from host1
    text: x
    node: host1
    commands:
` + tc.line
			_, err := Load("x.yaml", []byte(src))
			if err == nil {
				t.Fatalf("Load: no error\n%s", src)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.at) || !strings.Contains(msg, `"c2" is a namespace of host2, and this command runs on host1`) {
				t.Errorf("Load = %v, want an error at %s saying c2 is host2's", msg, tc.at)
			}
		})
	}
}

// TestNetnsTwiceOnOneHost: the same name twice on one host is still an
// error, in a multi-host lab as in a one-host lab.
func TestNetnsTwiceOnOneHost(t *testing.T) {
	src := twoHosts + overlaySteps + `  - title: again on host2
    text: x
    node: host2
    commands:
      - ip netns add 1-722bc7739c
`
	_, err := Load("x.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "x.yaml:26:22:") || !strings.Contains(err.Error(), "already exists here") {
		t.Fatalf("Load = %v, want the second add on host2 refused at x.yaml:26:22", err)
	}
}
