package runner

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/netlab/netlab/engine/privtest"
	"github.com/netlab/netlab/labs"
)

func needRoot(t *testing.T) { t.Helper(); privtest.Need(t) }

func load(t *testing.T, yaml string) *labs.Lab {
	t.Helper()
	lab, err := labs.Load("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

func start(t *testing.T, lab *labs.Lab) *Lesson {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	s, err := Start(lab, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); Reset(t, dir) })
	return s
}

// Reset removes a test's session.
func Reset(t *testing.T, dir string) {
	if err := resetDir(dir); err != nil {
		t.Errorf("reset: %v", err)
	}
}

const twoHosts = `
id: t
title: t
summary: t
nodes: [host, peer]
setup:
  - node: host
    commands:
      - ip link add eth0 type veth peer name eth0 netns peer
      - ip addr add 192.0.2.1/24 dev eth0
      - ip link set eth0 up
  - node: peer
    commands:
      - ip addr add 192.0.2.2/24 dev eth0
      - ip link set eth0 up
steps:
  - title: ping the peer
    text: t
    capture: [host:eth0]
    commands:
      - ping -c 1 192.0.2.2
    expect:
      - ping: ok
      - seen: "IP 192.0.2.1 > 192.0.2.2: ICMP echo request"
      - state: ip neigh
        contains: "192.0.2.2"
  - title: wrong on purpose
    text: t
    capture: [host:eth0]
    commands:
      - ping -c 1 -W 0.3 192.0.2.99
    expect:
      - ping: ok
      - not_seen: "ARP, Request who-has 192.0.2.99"
      - seen: "ICMP echo reply"
  - title: a bridge
    text: t
    commands:
      - brctl addbr br01
      - ip link set br01 up
`

func TestStepJudgesExpectations(t *testing.T) {
	s := start(t, load(t, twoHosts))
	rep, err := s.Step()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Expects) != 3 || len(rep.Packets) == 0 {
		t.Fatalf("step 1: %s", rep.Text(true))
	}
	rep, err = s.Step()
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK {
		t.Fatalf("step 2 should fail: %s", rep.Text(true))
	}
	for i, e := range rep.Expects {
		if e.OK {
			t.Errorf("expectation %d (%s) held, but the packets say otherwise", i, e.What)
		}
	}
	if f := strings.Join(rep.Failures(), "\n"); !strings.Contains(f, "but it was: ARP, Request who-has 192.0.2.99") {
		t.Errorf("failures: %s", f)
	}
	if s.Applied() != 2 {
		t.Errorf("a step whose expectations failed stays applied: applied = %d", s.Applied())
	}
}

func TestCheckByHand(t *testing.T) {
	s := start(t, load(t, twoHosts))
	for range 2 {
		if _, err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.CheckByHand(before)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Checks) != 2 || !strings.Contains(rep.Checks[0].Problem, "br01 does not exist") {
		t.Fatalf("nothing done by hand yet: %+v", rep.Checks)
	}
	// The student types the commands in a shell: the real tools, in the lab host.
	path, _ := s.eng.NodePath("host")
	for _, args := range [][]string{{"ip", "link", "add", "br01", "type", "bridge"}, {"ip", "link", "set", "br01", "up"}} {
		if out, err := exec.Command("nsenter", append([]string{"--net=" + path}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	rep, err = s.CheckByHand(before)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || !rep.ByHand || s.Applied() != 3 || len(rep.Changes) == 0 {
		t.Fatalf("after doing it by hand: %s (applied %d)", rep.Text(true), s.Applied())
	}
	st, _ := s.Status()
	if !st.AppliedList[2].ByHand {
		t.Error("status does not say the step was done by hand")
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("undo of a step done by hand: %v", d)
	}
}
