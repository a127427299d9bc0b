package engine

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/engine/ns"
)

// A form case applies setup steps, then the command form under test, and
// asserts: the step succeeds, its derived checks pass, the real tools see
// the effect, and undo brings the snapshot back exactly.
type formCase struct {
	name   string
	setup  [][]string
	lines  []string
	verify func(t *testing.T, s *Session)
}

var bridgeAndPair = [][]string{
	{"brctl addbr br01", "ip link set br01 up", "ip addr add 192.168.88.1/24 dev br01",
		"ip netns add ns01", "ip link add veth01 type veth peer name br-veth01",
		"brctl addif br01 br-veth01", "ip link set br-veth01 up", "ip link set veth01 netns ns01",
		"ip netns exec ns01 ip link set veth01 up", "ip netns exec ns01 ip addr add 192.168.88.11/24 dev veth01",
		"ip netns exec ns01 ip route add default via 192.168.88.1",
		"ip netns exec ns01 iptables -A INPUT -p icmp -j ACCEPT", "ip netns exec ns01 sysctl -w net.ipv4.ip_forward=1"},
}

var formCases = []formCase{
	{name: "netns add", lines: []string{"ip netns add ns01"}, verify: func(t *testing.T, s *Session) {
		if _, ok := linkOf(t, s, "ns01", "lo"); !ok {
			t.Error("ns01 has no lo")
		}
	}},
	{name: "netns del destroys veth, peer and bridge port", setup: bridgeAndPair, lines: []string{"ip netns del ns01"},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "host", "br-veth01"); ok {
				t.Error("br-veth01 survived the deletion of ns01")
			}
			if _, err := s.NodePath("ns01"); err == nil {
				t.Error("ns01 still recorded")
			}
		}},
	{name: "bridge", lines: []string{"ip link add br0 type bridge"}, verify: func(t *testing.T, s *Session) {
		if l, ok := linkOf(t, s, "host", "br0"); !ok || l.LinkInfo.InfoKind != "bridge" {
			t.Errorf("br0 = %+v", l)
		}
	}},
	{name: "veth", lines: []string{"ip link add veth01 type veth peer name br-veth01"}, verify: func(t *testing.T, s *Session) {
		for _, n := range []string{"veth01", "br-veth01"} {
			if l, ok := linkOf(t, s, "host", n); !ok || l.LinkInfo.InfoKind != "veth" {
				t.Errorf("%s = %+v", n, l)
			}
		}
	}},
	{name: "veth peer in another namespace", setup: [][]string{{"ip netns add ns01"}},
		lines: []string{"ip link add eth0 type veth peer name wan0 netns ns01"}, verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "ns01", "wan0"); !ok {
				t.Error("wan0 not in ns01")
			}
		}},
	{name: "vxlan", setup: [][]string{{"ip link add eth0 type veth peer name peer0", "ip addr add 198.51.100.2/24 dev eth0"}},
		lines: []string{"ip link add vxlan0 type vxlan id 256 dstport 4789 remote 198.51.100.3 local 198.51.100.2 dev eth0"},
		verify: func(t *testing.T, s *Session) {
			l, ok := linkOf(t, s, "host", "vxlan0")
			if !ok || l.LinkInfo.InfoKind != "vxlan" || l.LinkInfo.InfoData["id"] != float64(256) ||
				l.LinkInfo.InfoData["port"] != float64(4789) || l.LinkInfo.InfoData["remote"] != "198.51.100.3" {
				t.Errorf("vxlan0 = %+v", l.LinkInfo)
			}
		}},
	{name: "macvlan", setup: [][]string{{"ip link add eth0 type veth peer name peer0"}},
		lines: []string{"ip link add link eth0 name mac1 type macvlan mode bridge"}, verify: func(t *testing.T, s *Session) {
			l, ok := linkOf(t, s, "host", "mac1")
			if !ok || l.LinkInfo.InfoKind != "macvlan" || l.LinkInfo.InfoData["mode"] != "bridge" {
				t.Errorf("mac1 = %+v", l.LinkInfo)
			}
		}},
	{name: "link set everything", setup: [][]string{{"ip link add veth01 type veth peer name br-veth01", "brctl addbr br01"}},
		lines: []string{"ip link set dev br-veth01 mtu 1400 address 02:00:00:00:00:01 promisc on master br01 up"},
		verify: func(t *testing.T, s *Session) {
			l, _ := linkOf(t, s, "host", "br-veth01")
			if l.Mtu != 1400 || l.Address != "02:00:00:00:00:01" || l.Promiscuity == 0 || l.Master != "br01" || !l.up() {
				t.Errorf("br-veth01 = %+v", l)
			}
		}},
	{name: "link set down and nomaster", setup: [][]string{{"ip link add veth01 type veth peer name br-veth01", "brctl addbr br01",
		"ip link set br-veth01 master br01 up"}},
		lines: []string{"ip link set br-veth01 nomaster", "ip link set br-veth01 down"}, verify: func(t *testing.T, s *Session) {
			l, _ := linkOf(t, s, "host", "br-veth01")
			if l.Master != "" || l.up() {
				t.Errorf("br-veth01 = %+v", l)
			}
		}},
	{name: "link set name", setup: [][]string{{"ip link add veth01 type veth peer name br-veth01", "ip addr add 192.0.2.1/24 dev veth01"}},
		lines: []string{"ip link set veth01 name eth1"}, verify: func(t *testing.T, s *Session) {
			if l, ok := linkOf(t, s, "host", "eth1"); !ok || !l.has("192.0.2.1/24") {
				t.Errorf("eth1 = %+v", l)
			}
		}},
	{name: "link set netns", setup: [][]string{{"ip netns add ns01", "ip link add veth01 type veth peer name br-veth01"}},
		lines: []string{"ip link set veth01 netns ns01"}, verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "ns01", "veth01"); !ok {
				t.Error("veth01 not in ns01")
			}
		}},
	{name: "link del with addresses and master", setup: bridgeAndPair, lines: []string{"ip link del br-veth01"},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "ns01", "veth01"); ok {
				t.Error("veth01 survived its peer's deletion")
			}
		}},
	{name: "brctl delbr after ifconfig down", setup: bridgeAndPair, lines: []string{"ifconfig br01 down", "brctl delbr br01"},
		verify: func(t *testing.T, s *Session) {
			if _, ok := linkOf(t, s, "host", "br01"); ok {
				t.Error("br01 still exists")
			}
		}},
	{name: "brctl addif and delif", setup: [][]string{{"brctl addbr br01", "ip link add veth01 type veth peer name br-veth01",
		"ip link add veth02 type veth peer name br-veth02"}},
		lines: []string{"brctl addif br01 br-veth01 br-veth02", "brctl delif br01 br-veth02"}, verify: func(t *testing.T, s *Session) {
			ls := ipLinks(t, s, "host")
			if ls["br-veth01"].Master != "br01" || ls["br-veth02"].Master != "" {
				t.Errorf("masters: %q %q", ls["br-veth01"].Master, ls["br-veth02"].Master)
			}
		}},
	{name: "addr add and del", setup: [][]string{{"brctl addbr br01", "ip addr add 192.168.88.1/24 dev br01"}},
		lines: []string{"ip addr add 192.168.99.1/24 dev br01", "ip addr del 192.168.88.1/24 dev br01"}, verify: func(t *testing.T, s *Session) {
			l, _ := linkOf(t, s, "host", "br01")
			if !l.has("192.168.99.1/24") || l.has("192.168.88.1/24") {
				t.Errorf("br01 addresses = %+v", l.AddrInfo)
			}
		}},
	{name: "ifconfig replaces the primary address", setup: [][]string{{"brctl addbr br01", "ip addr add 192.168.88.1/24 dev br01"}},
		lines: []string{"ifconfig br01 192.168.77.1 netmask 255.255.255.0 up"}, verify: func(t *testing.T, s *Session) {
			l, _ := linkOf(t, s, "host", "br01")
			if !l.has("192.168.77.1/24") || l.has("192.168.88.1/24") || !l.up() {
				t.Errorf("br01 = %+v", l)
			}
		}},
	{name: "routes", setup: [][]string{{"brctl addbr br01", "ip link set br01 up", "ip addr add 192.168.88.1/24 dev br01",
		"ip route add 10.9.0.0/16 dev br01"}},
		lines: []string{"ip route add default via 192.168.88.254", "ip route add 10.1.0.0/16 via 192.168.88.2",
			"ip route del 10.9.0.0/16 dev br01"},
		verify: func(t *testing.T, s *Session) {
			r := ipRoutes(t, s, "host")
			if !slices.Contains(r, "default via 192.168.88.254 dev br01") || !slices.Contains(r, "10.1.0.0/16 via 192.168.88.2 dev br01") ||
				slices.Contains(r, "10.9.0.0/16 dev br01") {
				t.Errorf("routes = %v", r)
			}
		}},
	{name: "neigh add replace del", setup: [][]string{{"ip link add veth01 type veth peer name br-veth01", "ip link set veth01 up",
		"ip addr add 192.168.88.11/24 dev veth01", "ip neigh add 192.168.88.13 lladdr 02:00:00:00:00:13 dev veth01"}},
		lines: []string{"ip neigh add 192.168.88.12 lladdr 02:00:00:00:00:12 dev veth01",
			"ip neigh replace 192.168.88.14 lladdr 02:00:00:00:00:14 nud reachable dev veth01",
			"ip neigh del 192.168.88.13 dev veth01"},
		verify: func(t *testing.T, s *Session) {
			got := realTool(t, s, "host", "ip", "neigh", "show", "dev", "veth01")
			if !strings.Contains(got, "192.168.88.12 lladdr 02:00:00:00:00:12 PERMANENT") ||
				!strings.Contains(got, "192.168.88.14 lladdr 02:00:00:00:00:14 ") ||
				strings.Contains(got, "192.168.88.13 ") {
				t.Errorf("ip neigh show dev veth01 =\n%s", got)
			}
		}},
	{name: "sysctl and echo", lines: []string{"sysctl -w net.ipv4.conf.all.forwarding=1", "echo 1 > /proc/sys/net/ipv4/conf/all/proxy_arp"},
		verify: func(t *testing.T, s *Session) {
			got := realTool(t, s, "host", "sysctl", "-n", "net.ipv4.ip_forward", "net.ipv4.conf.all.proxy_arp")
			if got != "1\n1\n" {
				t.Errorf("sysctl = %q", got)
			}
		}},
	{name: "iptables append insert replace", setup: [][]string{{"iptables -A FORWARD -s 192.168.88.11 -j ACCEPT"}},
		lines: []string{"iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "iptables -I FORWARD 1 -i br01 -o br01 -j DROP",
			"iptables -R FORWARD 2 -s 192.168.88.12 -j ACCEPT"},
		verify: func(t *testing.T, s *Session) {
			save := realTool(t, s, "host", "iptables-save")
			for _, want := range []string{"-A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE",
				"-A FORWARD -i br01 -o br01 -j DROP\n-A FORWARD -s 192.168.88.12/32 -j ACCEPT"} {
				if !strings.Contains(save, want) {
					t.Errorf("iptables-save lacks %q:\n%s", want, save)
				}
			}
		}},
	{name: "iptables delete flush policy chains", setup: [][]string{{"iptables -N DOCKER", "iptables -A DOCKER -j RETURN",
		"iptables -A FORWARD -s 192.168.88.11 -j ACCEPT", "iptables -A FORWARD -s 192.168.88.12 -j ACCEPT",
		"iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"}},
		lines: []string{"iptables -D FORWARD 1", "iptables -t nat -D POSTROUTING -s 192.168.88.0/24 -j MASQUERADE",
			"iptables -F DOCKER", "iptables -X DOCKER", "iptables -P FORWARD DROP", "iptables -N ISOLATION"},
		verify: func(t *testing.T, s *Session) {
			save := realTool(t, s, "host", "iptables-save")
			if strings.Contains(save, "DOCKER") || strings.Contains(save, "192.168.88.11") || strings.Contains(save, "MASQUERADE") ||
				!strings.Contains(save, ":FORWARD DROP") || !strings.Contains(save, ":ISOLATION") {
				t.Errorf("iptables-save:\n%s", save)
			}
		}},
	{name: "iptables flush all", setup: [][]string{{"iptables -A FORWARD -j ACCEPT", "iptables -A INPUT -j ACCEPT"}},
		lines: []string{"iptables -F"}, verify: func(t *testing.T, s *Session) {
			if save := realTool(t, s, "host", "iptables-save"); strings.Contains(save, "-A ") {
				t.Errorf("rules remain:\n%s", save)
			}
		}},
}

func TestCommandForms(t *testing.T) {
	for _, tc := range formCases {
		t.Run(tc.name, func(t *testing.T) {
			s := newLab(t, Spec{})
			for i, lines := range tc.setup {
				if _, err := applyNext(s, step(t, "setup", lines...)); err != nil {
					t.Fatalf("setup %d: %v", i, err)
				}
			}
			before, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			st := step(t, tc.name, tc.lines...)
			if _, err := applyNext(s, st); err != nil {
				t.Fatalf("apply: %v", err)
			}
			for _, c := range s.Check(st) {
				if c.Err != nil {
					t.Errorf("check %q: %v", c.Command.Text, c.Err)
				}
			}
			if err := s.Settle(); err != nil {
				t.Fatal(err)
			}
			tc.verify(t, s)
			mid, _ := s.Snapshot()
			if before.Equal(mid) {
				t.Fatal("the step changed nothing the snapshot sees")
			}
			if _, err := s.Undo(); err != nil {
				t.Fatalf("undo: %v", err)
			}
			after, err := s.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if d := before.Diff(after); len(d) > 0 {
				t.Fatalf("snapshot after apply+undo differs: %v", d)
			}
		})
	}
}

func TestFailedStepRollsBack(t *testing.T) {
	s := newLab(t, Spec{})
	before, _ := s.Snapshot()
	st := step(t, "broken", "brctl addbr br01", "ip link add veth01 type veth peer name br-veth01",
		"iptables -t nat -A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE", "ip link set veth99 up", "ip netns add never")
	_, err := applyNext(s, st)
	var se *StepError
	if !errors.As(err, &se) || se.Command != 3 || !strings.Contains(se.Error(), `Cannot find device "veth99"`) {
		t.Fatalf("err = %v", err)
	}
	after, _ := s.Snapshot()
	if d := before.Diff(after); len(d) > 0 {
		t.Fatalf("rollback left changes: %v", d)
	}
	if len(s.State().Applied) != 0 || s.State().Running != nil {
		t.Fatalf("state after rollback: %+v", s.State())
	}
}

func TestCheckReportsMissingEffects(t *testing.T) {
	s := newLab(t, Spec{})
	st := step(t, "bridge", "brctl addbr br01", "ip link set dev br01 up", "ifconfig br01 192.168.88.1/24 up")
	got := s.Check(st)
	if got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "br01 does not exist") {
		t.Errorf("check before apply = %v", got[0].Err)
	}
	if _, err := applyNext(s, step(t, "half", "brctl addbr br01")); err != nil {
		t.Fatal(err)
	}
	got = s.Check(st)
	// "ip link set dev br01 up" is decided again by the ifconfig line, whose
	// check is the one that speaks.
	if got[0].Err != nil || got[1].Err != nil || got[2].Err == nil || !strings.Contains(got[2].Err.Error(), "br01 on host is down, should be up") {
		t.Errorf("checks after a partial step = %v, %v, %v", got[0].Err, got[1].Err, got[2].Err)
	}
}

func TestCommandErrors(t *testing.T) {
	s := newLab(t, Spec{})
	tests := []struct{ name, line, want string }{
		{"missing device", "ip link set veth01 up", `Cannot find device "veth01"`},
		{"duplicate bridge", "brctl addbr br01", "File exists"},
		{"not a bridge master", "ip link set br01 master nothere", "bridge nothere does not exist"},
		{"delbr while up", "brctl delbr br01", "still up"},
		{"unknown namespace", "ip netns exec ns9 ip link", `Cannot open network namespace "ns9"`},
		{"unknown sysctl", "sysctl -w net.ipv4.nope=1", "cannot stat /proc/sys/net/ipv4/nope"},
		{"bad gateway", "ip route add default via 10.99.0.1", "Nexthop has invalid gateway"},
		{"iptables delete missing", "iptables -D FORWARD -s 192.0.2.9 -j DROP", "does a matching rule exist"},
	}
	if _, err := applyNext(s, step(t, "base", "brctl addbr br01", "ip link set br01 up")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.run("host", mustParse(t, tt.line))
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.want) {
				t.Errorf("%q: err = %v, want %q", tt.line, res.Err, tt.want)
			}
		})
	}
}

// A capture's packet socket makes an interface promiscuous without the
// user asking; snapshots must not see it, or undo would switch it on.
func TestCapturePromiscIsNotState(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "br", "brctl addbr br01", "ip link set br01 up")); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Snapshot()
	path, _ := s.NodePath("host")
	done := make(chan struct{})
	ready := make(chan error)
	go func() {
		ready <- ns.WithNetNSPath(path, func(ns.NetNS) error {
			c := exec.Command("tcpdump", "-i", "br01", "-c", "1000")
			if err := c.Start(); err != nil {
				return err
			}
			go func() { <-done; c.Process.Kill(); c.Wait() }()
			return nil
		})
	}()
	if err := <-ready; err != nil {
		t.Fatal(err)
	}
	defer close(done)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(realTool(t, s, "host", "ip", "-d", "link", "show", "br01"), "promiscuity 1") {
		if time.Now().After(deadline) {
			t.Fatal("tcpdump never made br01 promiscuous")
		}
		time.Sleep(20 * time.Millisecond)
	}
	during, _ := s.Snapshot()
	if d := before.Diff(during); len(d) > 0 {
		t.Fatalf("a capture changed the snapshot: %v", d)
	}
}
