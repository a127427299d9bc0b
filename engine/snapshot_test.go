package engine

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestChangeStrings(t *testing.T) {
	tests := []struct {
		name string
		c    Change
		want string
	}{
		{"state", Change{Node: "host", Kind: "link", Op: "~", Old: "br-veth01 veth down mtu=1500 master=br01", New: "br-veth01 veth up mtu=1500 master=br01"},
			"~ host link br-veth01: down -> up"},
		{"master and mtu", Change{Node: "host", Kind: "link", Op: "~", Old: "v1 veth up mtu=1500", New: "v1 veth up mtu=1400 master=br01"},
			"~ host link v1: mtu=1500 -> mtu=1400, +master=br01"},
		{"detached", Change{Node: "host", Kind: "link", Op: "~", Old: "v1 veth up mtu=1500 master=br01", New: "v1 veth up mtu=1500"},
			"~ host link v1: -master=br01"},
		{"sysctl", Change{Node: "host", Kind: "sysctl", Op: "~", Old: "net.ipv4.ip_forward = 0", New: "net.ipv4.ip_forward = 1"},
			"~ host sysctl: net.ipv4.ip_forward = 0 -> net.ipv4.ip_forward = 1"},
		{"added", Change{Node: "ns01", Kind: "route", Op: "+", New: "default via 192.168.88.1 dev veth01"},
			"+ ns01 route: default via 192.168.88.1 dev veth01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// snapOf is a one-node snapshot with the given links and neighbours.
func snapOf(learned bool, links []LinkSnap, neighs ...NeighSnap) *Snapshot {
	return &Snapshot{Order: []string{"ns01"}, Learned: learned,
		Nodes: map[string]*NodeSnap{"ns01": {Kind: KindNetns, Links: links, Neighs: neighs}}}
}

func TestDiffLearnedFacts(t *testing.T) {
	veth := LinkSnap{Name: "veth01", Kind: "veth", Up: true, MTU: 1500, MAC: "aa:00:00:00:00:01", Carrier: true, Oper: "UP",
		LinkLocal: []string{"fe80::a800:ff:fe00:1/64"}}
	noCarrier := veth
	noCarrier.Carrier, noCarrier.Oper, noCarrier.LinkLocal = false, "LOWERLAYERDOWN", nil
	noCarrierDown := noCarrier
	noCarrierDown.Oper = "DOWN"
	bridge := LinkSnap{Name: "br01", Kind: "bridge", Up: true, MTU: 1500, MAC: "02:00:00:00:00:01", Carrier: true, Oper: "UNKNOWN",
		LinkLocal: []string{"fe80::ff:fe00:1/64"}}
	bridge2 := bridge
	bridge2.MAC, bridge2.LinkLocal = "02:00:00:00:00:02", []string{"fe80::ff:fe00:2/64"}
	port := veth
	port.Master = "br01"
	reach := NeighSnap{IP: "192.168.88.12", Dev: "veth01", LLAddr: "aa:00:00:00:00:02", State: "REACHABLE"}
	stale := reach
	stale.State = "STALE"
	perm := reach
	perm.State = "PERMANENT"
	tests := []struct {
		name          string
		before, after *Snapshot
		want          []string
	}{
		{"a learned neighbour is shown", snapOf(true, []LinkSnap{veth}), snapOf(true, []LinkSnap{veth}, reach),
			[]string{"+ ns01 neigh: 192.168.88.12 lladdr aa:00:00:00:00:02 dev veth01"}},
		{"ageing from REACHABLE to STALE is no change", snapOf(true, []LinkSnap{veth}, reach), snapOf(true, []LinkSnap{veth}, stale), nil},
		{"a permanent entry says so", snapOf(true, []LinkSnap{veth}, reach), snapOf(true, []LinkSnap{veth}, perm),
			[]string{"~ ns01 neigh: 192.168.88.12 lladdr aa:00:00:00:00:02 dev veth01 -> 192.168.88.12 lladdr aa:00:00:00:00:02 dev veth01 permanent"}},
		{"carrier lost, link-local address kept", snapOf(true, []LinkSnap{veth}), snapOf(true, []LinkSnap{noCarrier}),
			[]string{"~ ns01 link veth01: carrier=yes -> carrier=no, oper=UP -> oper=LOWERLAYERDOWN", "- ns01 addr: fe80::a800:ff:fe00:1/64 scope link dev veth01"}},
		{"LOWERLAYERDOWN compares as DOWN", snapOf(true, []LinkSnap{noCarrier}), snapOf(true, []LinkSnap{noCarrierDown}), nil},
		{"a portless bridge's random MAC is any", snapOf(true, []LinkSnap{bridge}), snapOf(true, []LinkSnap{bridge2}), nil},
		{"a bridge with a port has its MAC compared", snapOf(true, []LinkSnap{bridge, port}), snapOf(true, []LinkSnap{bridge2, port}),
			[]string{"~ ns01 link br01: mac=02:00:00:00:00:01 -> mac=02:00:00:00:00:02", "~ ns01 addr: fe80::ff:fe00:1/64 scope link dev br01 -> fe80::ff:fe00:2/64 scope link dev br01"}},
		{"an old snapshot without learned facts compares without them", snapOf(false, []LinkSnap{{Name: "veth01", Kind: "veth", Up: true, MTU: 1500, MAC: "aa:00:00:00:00:01"}}),
			snapOf(true, []LinkSnap{veth}, reach), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range tt.before.Diff(tt.after) {
				got = append(got, c.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestSnapshotJSONOnce: a snapshot's JSON, made once and kept, is what
// encoding it field by field gives, and it reads back to the same lab.
func TestSnapshotJSONOnce(t *testing.T) {
	s := newLab(t, Spec{})
	st := step(t, "lab", "ip netns add ns01", "ip link add v0 type veth peer name v1", "ip link set v1 netns ns01", "ip link set v0 up")
	if _, err := applyNext(s, st); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	type plain Snapshot
	want, err := json.Marshal((*plain)(snap))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		got, err := json.Marshal(snap)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("marshal %d: %v\n%s\nwant\n%s", i, err, got, want)
		}
	}
	var back Snapshot
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatal(err)
	}
	if d := snap.Diff(&back); len(d) != 0 {
		t.Errorf("read back, the snapshot differs: %v", d)
	}
}
