package engine

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// linkKindsSetup makes one link of each kind netlab shows details of
// (bridge, its veth port, vxlans with and without options, a macvlan),
// with the bridge left down so its timers stand still between two reads.
var linkKindsSetup = []string{
	"ip link add br0 type bridge",
	"ip link add veth0 type veth peer name veth1",
	"ip link set veth1 master br0",
	"ip link set veth0 up",
	"ip addr add 198.51.100.2/24 dev veth0",
	"ip link add vxlan0 type vxlan id 256 dstport 4789 proxy l2miss l3miss nolearning ttl inherit",
	"ip link add flannel.1 type vxlan id 1 local 198.51.100.2 dev veth0 dstport 8472 nolearning",
	"ip link add vx2 type vxlan id 2 group 239.1.1.1 dev veth0 ttl 5 srcport 1000 2000",
	"ip link add vx3 type vxlan id 3 remote 198.51.100.3 dstport 4789",
	"ip link add link veth0 name mv0 type macvlan mode bridge",
}

// ip -d link show, whole and one device at a time, is what the real ip
// prints on the same kernel state, byte for byte.
func TestLinkDetailsMatchIP(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "kinds", linkKindsSetup...)); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-d", "link", "show"},
		{"-d", "link"},
		{"-d", "link", "show", "dev", "vxlan0"},
		{"-d", "link", "show", "flannel.1"},
		{"-d", "link", "show", "vx2"},
		{"-d", "link", "show", "vx3"},
		{"-d", "link", "show", "br0"},
		{"-d", "link", "show", "veth1"},
		{"-d", "link", "show", "mv0"},
		{"-d", "link", "show", "lo"},
	} {
		line := "ip " + strings.Join(args, " ")
		t.Run(line, func(t *testing.T) {
			res := s.run("host", mustParse(t, line))
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			want := realTool(t, s, "host", "ip", args...)
			if res.Output != want {
				t.Errorf("%s:\nnetlab:\n%s\nip:\n%s", line, res.Output, want)
			}
		})
	}
	res := s.run("host", mustParse(t, "ip -d link show vxlan0"))
	for _, w := range []string{"vxlan id 256 srcport 0 0 dstport 4789 nolearning proxy l2miss l3miss ttl inherit ageing 300"} {
		if !strings.Contains(res.Output, w) {
			t.Errorf("ip -d link show vxlan0 lacks %q:\n%s", w, res.Output)
		}
	}
	if res := s.run("host", mustParse(t, "ip -d link show nosuch")); res.Err == nil || !strings.Contains(res.Err.Error(), `"nosuch" does not exist`) {
		t.Errorf("missing device: %v", res.Err)
	}
}

// detailsWithoutIdentity is "ip -d link show DEV" without what a link
// made again cannot keep: its index and its random MAC.
var identityRE = regexp.MustCompile(`^\d+: |([0-9a-f]{2}:){5}[0-9a-f]{2}`)

func detailsWithoutIdentity(t *testing.T, s *Session, dev string) string {
	t.Helper()
	out := realTool(t, s, "host", "ip", "-d", "link", "show", "dev", dev)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		lines = append(lines, identityRE.ReplaceAllString(l, "_"))
	}
	return strings.Join(lines, "\n")
}

// A vxlan deleted by a step and made again by its undo has every option
// it had: the snapshot and the real ip -d both say so.
func TestVxlanUndoRecreatesOptions(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "kinds", linkKindsSetup...)); err != nil {
		t.Fatal(err)
	}
	devs := []string{"vxlan0", "flannel.1", "vx2", "vx3"}
	before := map[string]string{}
	for _, d := range devs {
		before[d] = detailsWithoutIdentity(t, s, d)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range devs {
		lines = append(lines, "ip link del "+d)
	}
	if _, err := applyNext(s, step(t, "delete", lines...)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(); err != nil {
		t.Fatalf("undo: %v", err)
	}
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if d := snap.Diff(after); len(d) > 0 {
		t.Fatalf("snapshot after undo differs: %v", d)
	}
	for _, d := range devs {
		if got := detailsWithoutIdentity(t, s, d); got != before[d] {
			t.Errorf("%s made again:\n%s\nwas:\n%s", d, got, before[d])
		}
	}
}

// The snapshot words a vxlan's options, so a change to any of them is
// a change undo sees and the comparison reports.
func TestVxlanSnapshotWords(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "kinds", linkKindsSetup...)); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"vxlan0":    "vxlan-id=256 dstport=4789 nolearning proxy l2miss l3miss ttl=inherit",
		"flannel.1": "vxlan-id=1 dstport=8472 local=198.51.100.2 dev=veth0 nolearning",
		"vx2":       "vxlan-id=2 dstport=8472 group=239.1.1.1 dev=veth0 ttl=5 srcport=1000-2000",
		"vx3":       "vxlan-id=3 dstport=4789 group=198.51.100.3",
	}
	for _, l := range snap.Nodes["host"].Links {
		if w, ok := want[l.Name]; ok {
			if got := strings.Join(l.kindWords(), " "); got != w {
				t.Errorf("%s: %q, want %q", l.Name, got, w)
			}
			delete(want, l.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("not in the snapshot: %v", want)
	}
}

// A VLAN sub-interface on a kernel without 802.1Q fails with the typed
// error that names the missing feature, and leaves nothing behind; where
// the kernel has it, the link is made and undone.
func TestVlanMissingFeature(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "parent", "ip link add eth0 type veth peer name peer0")); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Snapshot()
	_, err := applyNext(s, step(t, "vlan", "ip link add link eth0 name eth0.10 type vlan id 10"))
	var mf *MissingFeatureError
	switch {
	case errors.As(err, &mf):
		if mf.Kind != "vlan" || !strings.Contains(err.Error(), "this kernel has no 802.1Q VLAN support (module 8021q)") {
			t.Errorf("err = %v", err)
		}
		after, _ := s.Snapshot()
		if d := before.Diff(after); len(d) > 0 {
			t.Errorf("the refused step left changes: %v", d)
		}
	case err != nil:
		t.Fatalf("err = %v, want a *MissingFeatureError or success", err)
	default:
		t.Log("this kernel has 8021q: the vlan is made")
		if out := realTool(t, s, "host", "ip", "-d", "link", "show", "eth0.10"); !strings.Contains(out, "vlan protocol 802.1Q id 10") {
			t.Errorf("eth0.10:\n%s", out)
		}
		if res := s.run("host", mustParse(t, "ip -d link show eth0.10")); res.Output != realTool(t, s, "host", "ip", "-d", "link", "show", "eth0.10") {
			t.Errorf("netlab:\n%s", res.Output)
		}
		if _, err := s.Undo(); err != nil {
			t.Fatal(err)
		}
	}
}

// sysctl keys that name an interface with a dot in its name, in both
// forms sysctl and /proc take, are written where the real sysctl reads
// them, checked and undone.
func TestSysctlDottedInterface(t *testing.T) {
	for _, line := range []string{
		"sysctl -w net.ipv4.conf.flannel/1.proxy_arp=1",
		"sysctl -w net/ipv4/conf/flannel.1/proxy_arp=1",
		"echo 1 > /proc/sys/net/ipv4/conf/flannel.1/proxy_arp",
	} {
		t.Run(line, func(t *testing.T) {
			s := newLab(t, Spec{})
			if _, err := applyNext(s, step(t, "flannel", "ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning")); err != nil {
				t.Fatal(err)
			}
			st := step(t, "proxy_arp", line)
			if err := s.Track(st); err != nil { // as netlab test does
				t.Fatal(err)
			}
			before, _ := s.Snapshot()
			res, err := applyNext(s, st)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(line, "echo") && res[0].Output != "net.ipv4.conf.flannel/1.proxy_arp = 1\n" {
				t.Errorf("output %q", res[0].Output)
			}
			for _, c := range s.Check(st) {
				if c.Err != nil {
					t.Errorf("check: %v", c.Err)
				}
			}
			if got := realTool(t, s, "host", "sysctl", "net.ipv4.conf.flannel/1.proxy_arp"); got != "net.ipv4.conf.flannel/1.proxy_arp = 1\n" {
				t.Errorf("sysctl: %q", got)
			}
			if got := s.run("host", mustParse(t, "sysctl net/ipv4/conf/flannel.1/proxy_arp")); got.Output != "net.ipv4.conf.flannel/1.proxy_arp = 1\n" {
				t.Errorf("netlab sysctl: %q %v", got.Output, got.Err)
			}
			if _, err := s.Undo(); err != nil {
				t.Fatal(err)
			}
			if got := realTool(t, s, "host", "sysctl", "-n", "net.ipv4.conf.flannel/1.proxy_arp"); got != "0\n" {
				t.Errorf("after undo: %q", got)
			}
			after, _ := s.Snapshot()
			if d := before.Diff(after); len(d) > 0 {
				t.Errorf("undo left: %v", d)
			}
		})
	}
}

// bridgeID writes the MAC as ether_ntoa does, which the random MACs of
// the test above only sometimes exercise.
func TestBridgeIDLikeEtherNtoa(t *testing.T) {
	got := bridgeID([]byte{0x80, 0x00, 0x0a, 0x49, 0x00, 0x6b, 0x61, 0xc1})
	if want := "8000.a:49:0:6b:61:c1"; got != want {
		t.Errorf("bridgeID = %q, want %q", got, want)
	}
}

// A veth whose peer is in another namespace, up with carrier, and a vxlan
// on it, are printed as ip prints them there (@ifN, link-netnsid).
func TestLinkDetailsAcrossNamespaces(t *testing.T) {
	s := pairLab(t)
	if _, err := applyNext(s, step(t, "vxlan", "ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.0.2.2 local 192.0.2.1 dev eth0 nolearning",
		"ip link set vxlan0 up", "ip link add link eth0 name mv0 type macvlan mode private", "ip link set mv0 up")); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	for _, node := range []string{"host", "peer"} {
		res := s.run(node, mustParse(t, "ip -d link show"))
		if want := realTool(t, s, node, "ip", "-d", "link", "show"); res.Err != nil || res.Output != want {
			t.Errorf("%s: %v\nnetlab:\n%s\nip:\n%s", node, res.Err, res.Output, want)
		}
	}
}

// timerRE matches the bridge timers, which tick between two reads.
var timerRE = regexp.MustCompile(`(_timer) +\d+\.\d\d `)

// A bridge up with a forwarding port: the same as ip, the running timers
// aside (their format is the one a stopped bridge shows above).
func TestLinkDetailsBridgeUp(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "bridge", "ip link add br0 type bridge", "ip link add veth0 type veth peer name veth1",
		"ip link set veth1 master br0", "ip link set br0 up", "ip link set veth1 up", "ip link set veth0 up", "brctl hairpin br0 veth1 on")); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	res := s.run("host", mustParse(t, "ip -d link show"))
	got := timerRE.ReplaceAllString(res.Output, "$1 T ")
	want := timerRE.ReplaceAllString(realTool(t, s, "host", "ip", "-d", "link", "show"), "$1 T ")
	if res.Err != nil || got != want {
		t.Errorf("%v\nnetlab:\n%s\nip:\n%s", res.Err, got, want)
	}
	if !strings.Contains(got, "bridge_slave state forwarding") || !strings.Contains(got, "hairpin on") {
		t.Errorf("the port is not forwarding with hairpin on:\n%s", got)
	}
}

// BenchmarkLinkDetails is "ip -d link show" of ten links, natively (go
// test -run X -bench LinkDetails ./engine/).
func BenchmarkLinkDetails(b *testing.B) {
	s := newLab(b, Spec{})
	if _, err := applyNext(s, step(b, "kinds", linkKindsSetup...)); err != nil {
		b.Fatal(err)
	}
	cmd := mustParse(b, "ip -d link show")
	b.ResetTimer()
	for range b.N {
		if res := s.run("host", cmd); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
}
