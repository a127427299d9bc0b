package engine

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// bridgeLab is a lab host with a bridge and two namespaces on it.
func bridgeLab(t *testing.T) *Session {
	t.Helper()
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "bridge",
		"ip link add br0 type bridge", "ip link set br0 up",
		"ip netns add c1", "ip netns add c2",
		"ip link add v1 type veth peer name eth0 netns c1", "ip link add v2 type veth peer name eth0 netns c2",
		"ip link set v1 master br0", "ip link set v2 master br0", "ip link set v1 up", "ip link set v2 up",
		"ip netns exec c1 ip addr add 172.17.0.2/16 dev eth0", "ip netns exec c1 ip link set eth0 up",
		"ip netns exec c2 ip addr add 172.17.0.3/16 dev eth0", "ip netns exec c2 ip link set eth0 up",
	)); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBridgeNetfilterPerNamespace: Docker's icc=false rule drops traffic
// between two containers on one bridge only while the lab host's
// bridge-nf-call-iptables is on; the switch is the lab host's own (the
// machine's stays as it was), and undo restores it.
func TestBridgeNetfilterPerNamespace(t *testing.T) {
	machine := readFile(t, "/proc/sys/net/bridge/bridge-nf-call-iptables")
	s := bridgeLab(t)
	ping := func() bool {
		res, err := applyNext(s, step(t, "ping", "ip netns exec c1 ping -c 1 -W 1 172.17.0.3"))
		if err != nil {
			t.Fatal(err)
		}
		return res[0].ExitCode == 0
	}
	if _, err := applyNext(s, step(t, "icc=false", "sysctl -w net.bridge.bridge-nf-call-iptables=1", "iptables -A FORWARD -i br0 -o br0 -j DROP")); err != nil {
		t.Fatal(err)
	}
	if ping() {
		t.Errorf("the DROP rule did not drop bridged traffic with bridge-nf-call-iptables=1")
	}
	if _, err := applyNext(s, step(t, "off", "sysctl -w net.bridge.bridge-nf-call-iptables=0")); err != nil {
		t.Fatal(err)
	}
	if !ping() {
		t.Errorf("bridged traffic was dropped with bridge-nf-call-iptables=0")
	}
	if got := strings.TrimSpace(realTool(t, s, "host", "sysctl", "-n", "net.bridge.bridge-nf-call-iptables")); got != "0" {
		t.Errorf("lab host's switch: %q", got)
	}
	if now := readFile(t, "/proc/sys/net/bridge/bridge-nf-call-iptables"); now != machine {
		t.Errorf("the machine's bridge-nf-call-iptables changed: %q -> %q", machine, now)
	}
}

// TestNoBrNetfilterRefusedBeforeTheStep: without the module (simulated:
// its directory is looked for elsewhere), a step that needs it is refused
// before its first command runs, in plain words.
func TestNoBrNetfilterRefusedBeforeTheStep(t *testing.T) {
	s := newLab(t, Spec{})
	old := bridgeSysctlDir
	bridgeSysctlDir = t.TempDir() + "/none"
	defer func() { bridgeSysctlDir = old }()
	_, err := applyNext(s, step(t, "icc", "ip link add br0 type bridge", "sysctl -w net.bridge.bridge-nf-call-iptables=1"))
	var nb *NoBrNetfilterError
	if !errors.As(err, &nb) || !strings.Contains(err.Error(), "modprobe br_netfilter") || !strings.Contains(err.Error(), "command 2") {
		t.Fatalf("got %v", err)
	}
	if _, ok := ipLinks(t, s, "host")["br0"]; ok {
		t.Errorf("the step's first command ran")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestHairpin: "brctl hairpin BR PORT on" sets the port's hairpin mode as
// ip -d link shows it, the step checks it, the snapshot lists it, and undo
// turns it off again; a port of another bridge is refused as brctl does.
func TestHairpin(t *testing.T) {
	s := bridgeLab(t)
	mode := func() bool {
		return strings.Contains(realTool(t, s, "host", "ip", "-d", "link", "show", "v1"), "hairpin on")
	}
	st := step(t, "hairpin", "brctl hairpin br0 v1 on")
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	if !mode() {
		t.Fatalf("v1 is not in hairpin mode:\n%s", realTool(t, s, "host", "ip", "-d", "link", "show", "v1"))
	}
	for _, c := range s.Check(st) {
		if c.Err != nil {
			t.Errorf("check: %v", c.Err)
		}
	}
	snap, err := s.SnapshotLean()
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, l := range snap.Nodes["host"].Links {
		found = found || (l.Name == "v1" && l.Hairpin)
	}
	if !found {
		t.Errorf("the snapshot does not record v1's hairpin mode")
	}
	if _, err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if mode() {
		t.Errorf("undo left v1 in hairpin mode")
	}
	if _, err := applyNext(s, step(t, "wrong bridge", "brctl addbr br1", "brctl hairpin br1 v1 on")); err == nil || !strings.Contains(err.Error(), "device v1 is not a slave of br1") {
		t.Errorf("hairpin on a port of another bridge: %v", err)
	}
}
