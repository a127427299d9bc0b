package engine

import (
	"strings"
	"testing"
)

// seedSteps is the core tutorial's command sequence (seed 001), grouped in
// steps, with the outside network replaced by documentation addresses.
var seedSteps = [][]string{
	{"sudo brctl addbr br01", "sudo ip link set dev br01 up", "sudo ifconfig br01 192.168.88.1/24 up"},
	{"sudo ip netns add ns01", "sudo ip netns add ns02", "sudo ip netns list"},
	{"sudo ip link add veth01 type veth peer name br-veth01", "sudo ip link add veth02 type veth peer name br-veth02"},
	{"sudo brctl addif br01 br-veth01", "sudo brctl addif br01 br-veth02", "sudo brctl show br01"},
	{"sudo ip link set dev br-veth01 up", "sudo ip link set dev br-veth02 up"},
	{"sudo ip link set veth01 netns ns01", "sudo ip link set veth02 netns ns02"},
	{"sudo ip netns exec ns01 ip link set dev veth01 up", "sudo ip netns exec ns01 ifconfig veth01 192.168.88.11/24 up",
		"sudo ip netns exec ns01 ip route add default via 192.168.88.1",
		"sudo ip netns exec ns02 ip link set dev veth02 up", "sudo ip netns exec ns02 ifconfig veth02 192.168.88.12/24 up",
		"sudo ip netns exec ns02 ip route add default via 192.168.88.1"},
	{"sudo ip netns exec ns01 ping 192.168.88.12 -c 1", "sudo ip netns exec ns01 arp"},
	{"sudo sysctl -w net.ipv4.conf.all.forwarding=1"},
	{"sudo iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "sudo iptables -t nat -nL --line-number"},
	{"sudo ip netns del ns01", "sudo ip netns del ns02", "sudo ifconfig br01 down", "sudo brctl delbr br01",
		"sudo iptables -t nat -D POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"},
}

func TestSeedSequenceApplyCheckUndo(t *testing.T) {
	s := newLab(t, Spec{})
	var snaps []*Snapshot
	for i, lines := range seedSteps {
		before, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, before)
		st := step(t, "seed", lines...)
		st.Index = i
		res, err := applyNext(s, st)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		for _, r := range res {
			if r.Command.Program == "ping" && r.ExitCode != 0 {
				t.Fatalf("ping failed:\n%s", r.Output)
			}
		}
		for _, c := range s.Check(st) {
			if c.Err != nil {
				t.Errorf("step %d check %q: %v", i, c.Command.Text, c.Err)
			}
		}
		if i == 7 && !strings.Contains(res[0].Output, "1 received") {
			t.Errorf("ping output:\n%s", res[0].Output)
		}
		if i == 7 {
			t.Logf("ping:\n%s\narp:\n%s", res[0].Output, res[1].Output)
		}
	}
	for i := len(seedSteps) - 1; i >= 0; i-- {
		if _, err := s.Undo(); err != nil {
			t.Fatalf("undo step %d: %v", i, err)
		}
		after, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if d := snaps[i].Diff(after); len(d) > 0 {
			t.Fatalf("undo of step %d is not exact: %v", i, d)
		}
	}
}
