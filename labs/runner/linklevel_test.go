package runner

import (
	"strings"
	"testing"
)

// linkLevelLab pings across a veth with fixed MACs twice: once with a
// tcpdump -e line for the capture, once without.
const linkLevelLab = `
id: linklevel
title: t
summary: t
nodes: [a, b]
setup:
  - node: a
    commands:
      - ip link add eth0 type veth peer name eth0 netns b
      - ip link set eth0 address 02:00:00:00:00:0a
      - ip addr add 10.0.0.1/24 dev eth0
      - ip link set eth0 up
  - node: b
    commands:
      - ip link set eth0 address 02:00:00:00:00:0b
      - ip addr add 10.0.0.2/24 dev eth0
      - ip link set eth0 up
steps:
  - title: with -e
    text: t
    commands:
      - tcpdump -i eth0 -e -nn
      - ping -c 1 10.0.0.2
    expect:
      - seen: "02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1"
      - seen: "02:00:00:00:00:0b > 02:00:00:00:00:0a, ethertype IPv4 (0x0800), length 98: 10.0.0.2 > 10.0.0.1: ICMP echo reply"
  - title: without -e
    text: t
    commands:
      - tcpdump -i eth0 -nn
      - ping -c 1 10.0.0.2
    expect:
      - seen: "IP 10.0.0.2 > 10.0.0.1: ICMP echo reply"
      - not_seen: "02:00:00:00:00:0b"
`

// A step's "tcpdump -e" line makes the packets of its capture print their
// MAC addresses, as tcpdump -e does, so that expectations can name them;
// a line without -e keeps tcpdump -nn's words.
func TestCaptureLinkLevel(t *testing.T) {
	isolate(t)
	lab := load(t, linkLevelLab)
	if !lab.Steps[0].Capture[0].LinkLevel || lab.Steps[1].Capture[0].LinkLevel {
		t.Fatalf("LinkLevel of the captures: %+v, %+v", lab.Steps[0].Capture, lab.Steps[1].Capture)
	}
	res := Test(lab, nil)
	if !res.OK || len(res.Steps) != 2 {
		t.Fatalf("%s\n%s", res.Text(), failures(res))
	}
	for i, want := range []string{"02:00:00:00:00:0a > 02:00:00:00:00:0b, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request", "IP 10.0.0.1 > 10.0.0.2: ICMP echo request"} {
		var lines []string
		for _, p := range res.Steps[i].Packets {
			lines = append(lines, p.Summary)
		}
		if all := strings.Join(lines, "\n"); !strings.Contains(all, want) {
			t.Errorf("step %d packets lack %q:\n%s", i+1, want, all)
		}
	}
}

// The targets the TUI's live capture opens for a step carry its -e too.
func TestTargetsLinkLevel(t *testing.T) {
	lab := load(t, linkLevelLab)
	s := start(t, lab)
	for i, want := range []bool{true, false} {
		ts := s.Targets(lab.Steps[i].Capture)
		if len(ts) != 1 || ts[0].LinkLevel != want {
			t.Errorf("step %d targets: %+v, want LinkLevel %v", i+1, ts, want)
		}
	}
}
