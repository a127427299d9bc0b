package runner

import (
	"strings"
	"testing"
)

// flannelHosts is two lab hosts joined by an underlay (eth0,
// 198.51.100.1/.2) and flannel's vxlan (flannel.1, id 1, port 8472), each
// holding a container namespace (c1 on host1, c2 on host2).
const flannelHosts = `
id: t
title: t
summary: t
nodes: [host1, host2]
setup:
  - node: host1
    commands:
      - ip link add eth0 type veth peer name eth0 netns host2
      - ip addr add 198.51.100.1/24 dev eth0
      - ip link set eth0 up
  - node: host2
    commands:
      - ip addr add 198.51.100.2/24 dev eth0
      - ip link set eth0 up
steps:
  - title: a container and flannel.1 on each host
    text: t
    node: host1
    commands:
      - ip netns add c1
      - ip link add veth0 type veth peer name eth0 netns c1
      - ip addr add 10.244.0.1/24 dev veth0
      - ip link set veth0 up
      - ip netns exec c1 ip addr add 10.244.0.2/24 dev eth0
      - ip netns exec c1 ip link set eth0 up
      - ip netns exec c1 ip route add default via 10.244.0.1
      - ip link add flannel.1 type vxlan id 1 dstport 8472 local 198.51.100.1 remote 198.51.100.2 dev eth0
      - ip addr add 10.1.1.1/24 dev flannel.1
      - ip link set flannel.1 up
      - ip route add 10.244.1.0/24 via 10.1.1.2
      - sysctl -w net.ipv4.ip_forward=1
  - title: the other host
    text: t
    node: host2
    commands:
      - ip netns add c2
      - ip link add veth0 type veth peer name eth0 netns c2
      - ip addr add 10.244.1.1/24 dev veth0
      - ip link set veth0 up
      - ip netns exec c2 ip addr add 10.244.1.2/24 dev eth0
      - ip netns exec c2 ip link set eth0 up
      - ip netns exec c2 ip route add default via 10.244.1.1
      - ip link add flannel.1 type vxlan id 1 dstport 8472 local 198.51.100.2 remote 198.51.100.1 dev eth0
      - ip addr add 10.1.1.2/24 dev flannel.1
      - ip link set flannel.1 up
      - ip route add 10.244.0.0/24 via 10.1.1.1
      - sysctl -w net.ipv4.ip_forward=1
  - title: c1 pings c2 across the hosts
    text: t
    capture: [c1:eth0, host1:flannel.1, host1:eth0, host2:eth0, c2:eth0]
    commands:
      - ip netns exec c1 ping -c 1 10.244.1.2
    expect:
      - ping: ok
      - seen: "OTV, flags [I] (0x08), overlay 0, instance 1"
        on: host2:eth0
      - seen: "IP 10.244.0.2 > 10.244.1.2: ICMP echo request"
        on: c2:eth0
`

// TestMultiHostCaptureNamesHosts plays a two-host lab whose step captures
// both hosts' underlay and overlay and both containers: one merged,
// time-ordered stream in which every line says which host it came from,
// the expectations (written with node:iface) still judged on the right
// interface.
func TestMultiHostCaptureNamesHosts(t *testing.T) {
	s := start(t, load(t, flannelHosts))
	for i := 0; i < 3; i++ {
		rep, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Fatalf("step %d: %s", i+1, rep.Text(true))
		}
		if i < 2 {
			continue
		}
		seen := map[string]bool{}
		var lines []string
		for _, p := range rep.Packets {
			seen[p.Label] = true
			lines = append(lines, p.Label+" "+p.Dir+" "+p.Summary)
		}
		all := strings.Join(lines, "\n")
		for _, want := range []string{"c1@host1:eth0", "host1:flannel.1", "host1:eth0", "host2:eth0", "c2@host2:eth0"} {
			if !seen[want] {
				t.Errorf("no packet line on %s:\n%s", want, all)
			}
		}
		for _, want := range []string{
			"c1@host1:eth0 Out IP 10.244.0.2 > 10.244.1.2: ICMP echo request",
			"host1:eth0 Out IP 198.51.100.1.",
			"> 198.51.100.2.8472: OTV, flags [I] (0x08), overlay 0, instance 1\nIP 10.244.0.2 > 10.244.1.2: ICMP echo request",
			"c2@host2:eth0 Out IP 10.244.1.2 > 10.244.0.2: ICMP echo reply",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("no line has %q:\n%s", want, all)
			}
		}
		for j := 1; j < len(rep.Packets); j++ {
			if rep.Packets[j].Time < rep.Packets[j-1].Time {
				t.Errorf("line %d is older than line %d: not one time-ordered stream", j+1, j)
			}
		}
		if text := rep.Text(true); !strings.Contains(text, " c2@host2:eth0 ") {
			t.Errorf("the report does not name the host:\n%s", text)
		}
	}
}

// TestOneHostCaptureLinesUnchanged: a lab whose namespaces are all on one
// host (the second host, the "internet", holds none) keeps node:iface.
func TestOneHostCaptureLinesUnchanged(t *testing.T) {
	oneHost := flannelHosts[:strings.Index(flannelHosts, "  - title: the other host")] + `  - title: c1 pings host1
    text: t
    capture: [c1:eth0]
    commands:
      - ip netns exec c1 ping -c 1 10.244.0.1
`
	s := start(t, load(t, oneHost))
	if got := s.labHost("c1"); got != "" {
		t.Errorf("labHost(c1) = %q in a lab of one host with namespaces, want \"\"", got)
	}
	for i := 0; i < 2; i++ {
		rep, err := s.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Fatalf("step %d: %s", i+1, rep.Text(true))
		}
		for _, p := range rep.Packets {
			if p.Label != "c1:eth0" {
				t.Errorf("line on %q, want c1:eth0 as before", p.Label)
			}
		}
		if i == 1 && len(rep.Packets) == 0 {
			t.Error("no packet on c1:eth0")
		}
	}
	full := start(t, load(t, flannelHosts))
	if got := full.labHost("host1"); got != "host1" {
		t.Errorf("before any step, labHost(host1) = %q, want host1: the file puts namespaces on both hosts", got)
	}
	for i := 0; i < 2; i++ {
		if rep, err := full.Step(); err != nil || !rep.OK {
			t.Fatalf("step %d: %v %v", i+1, err, rep)
		}
	}
	for node, want := range map[string]string{"c1": "host1", "c2": "host2", "host2": "host2", "nope": ""} {
		if got := full.labHost(node); got != want {
			t.Errorf("labHost(%s) = %q, want %q", node, got, want)
		}
	}
}
