package engine

import (
	"regexp"
	"strings"
	"testing"
)

// overlaySetup is Docker's overlay namespace in miniature: an underlay
// eth0, a bridge br0 and a vxlan0 (VNI 256, port 4789) on it as a port,
// and a container's veth pair on the bridge.
var overlaySetup = [][]string{{
	"ip link add eth0 type veth peer name peer0", "ip addr add 198.51.100.1/24 dev eth0", "ip link set eth0 up",
	"ip link set peer0 up", "brctl addbr br0", "ip link set br0 up",
	"ip link add vxlan0 type vxlan id 256 dstport 4789 dev eth0", "ip link set vxlan0 master br0", "ip link set vxlan0 up",
	"ip link add veth01 type veth peer name br-veth01", "ip link set br-veth01 master br0", "ip link set br-veth01 up",
	"ip link set veth01 up",
}}

// The fdb forms join TestCommandForms: applied in a throwaway lab, the
// real "bridge fdb show" sees them, and undo restores the snapshot.
func init() {
	formCases = append(formCases,
		formCase{name: "fdb overlay entries", setup: overlaySetup,
			lines: []string{
				"bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent",
				"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2",
				"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.3",
				"bridge fdb add 02:00:00:00:00:44 dev br-veth01 master static",
				"bridge fdb add 02:00:00:00:00:45 dev br-veth01 master",
				"bridge fdb replace 02:00:00:00:00:47 dev vxlan0 dst 198.51.100.4 vni 300 port 4790 self static",
			},
			verify: func(t *testing.T, s *Session) {
				got := realTool(t, s, "host", "bridge", "fdb", "show")
				for _, want := range []string{
					"02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent\n",
					"00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2 self permanent\n",
					"00:00:00:00:00:00 dev vxlan0 dst 198.51.100.3 self permanent\n",
					"02:00:00:00:00:44 dev br-veth01 master br0 static\n",
					"02:00:00:00:00:45 dev br-veth01 master br0 permanent\n",
					"02:00:00:00:00:47 dev vxlan0 dst 198.51.100.4 port 4790 vni 300 self static\n",
				} {
					if !strings.Contains(got, want) {
						t.Errorf("bridge fdb show lacks %q:\n%s", want, got)
					}
				}
			}},
		formCase{name: "fdb del of the kernel's default remote and a static entry",
			setup: [][]string{{"ip link add eth0 type veth peer name peer0", "ip addr add 198.51.100.1/24 dev eth0", "ip link set eth0 up",
				"ip link add vxlan0 type vxlan id 1 remote 198.51.100.9 dev eth0",
				"bridge fdb add 02:00:00:00:00:33 dev vxlan0 dst 198.51.100.7 static"}},
			// Without dst the whole entry goes; with dst alone the kernel
			// would look for a remote without "via eth0" and keep it (the next
			// case names the via).
			lines: []string{"bridge fdb del 00:00:00:00:00:00 dev vxlan0", "bridge fdb delete 02:00:00:00:00:33 dev vxlan0 dst 198.51.100.7"},
			verify: func(t *testing.T, s *Session) {
				if got := realTool(t, s, "host", "bridge", "fdb", "show", "dev", "vxlan0"); got != "" {
					t.Errorf("bridge fdb show dev vxlan0 =\n%s", got)
				}
			}},
		formCase{name: "fdb del of a remote through its via",
			setup: [][]string{{"ip link add eth0 type veth peer name peer0", "ip addr add 198.51.100.1/24 dev eth0", "ip link set eth0 up",
				"ip link add vxlan0 type vxlan id 1 remote 198.51.100.9 dev eth0",
				"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.7 via eth0"}},
			lines: []string{"bridge fdb del 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.9 via eth0"},
			verify: func(t *testing.T, s *Session) {
				if got := realTool(t, s, "host", "bridge", "fdb", "show", "dev", "vxlan0"); got != "00:00:00:00:00:00 dst 198.51.100.7 via eth0 self permanent\n" {
					t.Errorf("bridge fdb show dev vxlan0 =\n%s", got)
				}
			}},
		formCase{name: "fdb replace changes state and remote", setup: append(append([][]string{}, overlaySetup...),
			[]string{"bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 static",
				"bridge fdb add 02:00:00:00:00:44 dev br-veth01 master static"}),
			lines: []string{"bridge fdb replace 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.5 permanent",
				"bridge fdb replace 02:00:00:00:00:44 dev br-veth01 master permanent"},
			verify: func(t *testing.T, s *Session) {
				got := realTool(t, s, "host", "bridge", "fdb", "show")
				if !strings.Contains(got, "02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.5 self permanent\n") ||
					strings.Contains(got, "198.51.100.2") || !strings.Contains(got, "02:00:00:00:00:44 dev br-veth01 master br0 permanent\n") {
					t.Errorf("bridge fdb show =\n%s", got)
				}
			}},
		formCase{name: "fdb default remote of a vxlan moved away from its underlay",
			setup: [][]string{{"ip netns add ns01", "ip link add eth0 type veth peer name peer0", "ip addr add 198.51.100.1/24 dev eth0",
				"ip link set eth0 up", "ip link add vxlan0 type vxlan id 1 remote 198.51.100.9 dev eth0", "ip link set vxlan0 netns ns01"}},
			lines: []string{"ip netns exec ns01 bridge fdb del 00:00:00:00:00:00 dev vxlan0"},
			verify: func(t *testing.T, s *Session) {
				if got := realTool(t, s, "ns01", "bridge", "fdb", "show", "dev", "vxlan0"); got != "" {
					t.Errorf("bridge fdb show dev vxlan0 on ns01 =\n%s", got)
				}
			}},
		formCase{name: "fdb entries come back with their vxlan device", setup: append(append([][]string{}, overlaySetup...),
			[]string{"bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent",
				"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.2", "bridge fdb add 02:00:00:00:00:54 dev vxlan0 master static"}),
			lines: []string{"ip link del vxlan0"},
			verify: func(t *testing.T, s *Session) {
				if got := realTool(t, s, "host", "bridge", "fdb", "show", "br", "br0"); strings.Contains(got, "vxlan0") {
					t.Errorf("bridge fdb show br br0 =\n%s", got)
				}
			}},
		formCase{name: "fdb entries come back with their namespace",
			setup: [][]string{{"ip netns add ov", "ip netns exec ov ip link add eth0 type veth peer name peer0",
				"ip netns exec ov ip link set eth0 up", "ip netns exec ov ip addr add 198.51.100.1/24 dev eth0",
				"ip netns exec ov ip link add br0 type bridge", "ip netns exec ov ip link set br0 up",
				"ip netns exec ov ip link add vxlan0 type vxlan id 256 dstport 4789 dev eth0",
				"ip netns exec ov ip link set vxlan0 master br0", "ip netns exec ov ip link set vxlan0 up",
				"ip netns exec ov bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent",
				"ip netns exec ov bridge fdb add 02:42:0a:00:00:04 dev vxlan0 master static"}},
			lines: []string{"ip netns del ov"},
			verify: func(t *testing.T, s *Session) {
				if _, err := s.NodePath("ov"); err == nil {
					t.Error("ov still recorded")
				}
			}},
		formCase{name: "fdb unicast address on a device's own list and a bridge's", setup: [][]string{{"ip link add veth01 type veth peer name br-veth01", "brctl addbr br0"}},
			lines: []string{"bridge fdb add 02:00:00:00:00:48 dev veth01", "bridge fdb add 02:00:00:00:00:49 dev br0 self"},
			verify: func(t *testing.T, s *Session) {
				if got := realTool(t, s, "host", "bridge", "fdb", "show", "dev", "veth01"); !strings.Contains(got, "02:00:00:00:00:48 self permanent\n") {
					t.Errorf("bridge fdb show dev veth01 =\n%s", got)
				}
				if got := realTool(t, s, "host", "bridge", "fdb", "show", "dev", "br0"); !strings.Contains(got, "02:00:00:00:00:49 ") {
					t.Errorf("bridge fdb show dev br0 =\n%s", got)
				}
			}},
	)
}

// showOf runs a read-only line through the engine on a node.
func showOf(t *testing.T, s *Session, node, line string) string {
	t.Helper()
	res := s.run(node, mustParse(t, line))
	if res.Err != nil {
		t.Fatalf("%s: %v", line, res.Err)
	}
	return res.Output
}

// brctlTimer is the ageing timer column of "brctl showmacs", which moves
// on between two reads of a learned entry.
var brctlTimer = regexp.MustCompile(`(?m)\s+\d+\.\d\d$`)

// TestFdbShowsMatchTheRealTools prints every form of the shows with the
// engine and with the real tools on the same kernel state: static,
// permanent, learned (after a ping) and vxlan entries, a bridge and ports
// whose veth peers live in another namespace.
func TestFdbShowsMatchTheRealTools(t *testing.T) {
	s := newLab(t, Spec{})
	setup := append(append([]string{}, overlaySetup[0]...),
		"ip addr add 192.168.88.1/24 dev br0", "ip netns add ns01", "ip link add veth02 type veth peer name br-veth02",
		"ip link set br-veth02 master br0", "ip link set br-veth02 up", "ip link set veth02 netns ns01",
		"ip netns exec ns01 ip link set veth02 up", "ip netns exec ns01 ip addr add 192.168.88.11/24 dev veth02",
		"ip link add vxlan1 type vxlan id 42 remote 198.51.100.9 dev eth0",
		"bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent",
		"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.51.100.3",
		"bridge fdb add 02:00:00:00:00:47 dev vxlan0 dst 198.51.100.4 port 4790 vni 300 self",
		"bridge fdb add 02:00:00:00:00:49 dev vxlan0 dst 198.51.100.4 dynamic",
		"bridge fdb add 02:00:00:00:00:44 dev br-veth01 master static",
		"bridge fdb add 02:00:00:00:00:45 dev br-veth01 master",
		"bridge fdb add 02:00:00:00:00:54 dev vxlan0 master static",
		"ip link add vxlan2 type vxlan id 43 remote 198.51.100.8 dev eth0", "ip link set vxlan2 netns ns01",
		"ip netns exec ns01 bridge fdb append 00:00:00:00:00:00 dev vxlan2 dst 198.51.100.6")
	if _, err := applyNext(s, step(t, "setup", setup...)); err != nil {
		t.Fatal(err)
	}
	if res := s.run("host", mustParse(t, "ping -c 1 -W 2 192.168.88.11")); res.ExitCode != 0 {
		t.Fatalf("ping: %v %s", res.Err, res.Output)
	}
	for _, nl := range [][2]string{{"ns01", "bridge fdb show"}, {"ns01", "bridge fdb show dev vxlan2"}} {
		node, line := nl[0], nl[1]
		f := strings.Fields(line)
		if want, got := realTool(t, s, node, f[0], f[1:]...), showOf(t, s, node, line); got != want || !strings.Contains(want, "link-netnsid") {
			t.Errorf("%s on %s:\nnetlab:\n%s\nreal:\n%s", line, node, got, want)
		}
	}
	for _, line := range []string{
		"bridge fdb show", "bridge fdb show dev br-veth01", "bridge fdb show dev vxlan0", "bridge fdb show br br0",
		"bridge fdb show br br0 dev br-veth02", "bridge fdb show dev vxlan1", "bridge fdb show dev br0",
		"bridge link show", "bridge link show dev vxlan0", "bridge link", "brctl showmacs br0",
	} {
		t.Run(line, func(t *testing.T) {
			f := strings.Fields(line)
			want := realTool(t, s, "host", f[0], f[1:]...)
			got := showOf(t, s, "host", line)
			if f[0] == "brctl" {
				want, got = brctlTimer.ReplaceAllString(want, " T"), brctlTimer.ReplaceAllString(got, " T")
			}
			if got != want {
				t.Errorf("%s:\nnetlab:\n%s\nreal:\n%s", line, got, want)
			}
			if strings.Count(want, "\n") < 1 {
				t.Errorf("%s printed nothing; the test state is too thin", line)
			}
		})
	}
}

// A learned MAC is not lab state: a ping that teaches the bridge (and
// ages out later) leaves the snapshot as it was, so undo stays exact.
func TestFdbLearnedIsNotState(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "pair", bridgeAndPair[0]...)); err != nil {
		t.Fatal(err)
	}
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if res := s.run("host", mustParse(t, "ping -c 1 -W 2 192.168.88.11")); res.ExitCode != 0 {
		t.Fatalf("ping: %v %s", res.Err, res.Output)
	}
	learned := realTool(t, s, "host", "bridge", "fdb", "show", "dev", "br-veth01")
	if !regexp.MustCompile(`(?m)^\S+ master br01 $`).MatchString(learned) {
		t.Fatalf("the bridge learned nothing:\n%s", learned)
	}
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range before.Diff(after) {
		if c.Kind == "fdb" {
			t.Errorf("a learned entry is in the snapshot: %v", c)
		}
	}
}

// The checks speak when the entry is not what the command made.
func TestFdbChecks(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "overlay", overlaySetup[0]...)); err != nil {
		t.Fatal(err)
	}
	add := step(t, "add", "bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2 self permanent",
		"bridge fdb add 02:00:00:00:00:44 dev br-veth01 master static")
	got := s.Check(add)
	if got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "host has no forwarding entry 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.2") {
		t.Errorf("check before the add = %v", got[0].Err)
	}
	if _, err := applyNext(s, step(t, "permanent instead", "bridge fdb add 02:00:00:00:00:44 dev br-veth01 master permanent")); err != nil {
		t.Fatal(err)
	}
	got = s.Check(add)
	if got[1].Err == nil || !strings.Contains(got[1].Err.Error(), "is permanent, not static") {
		t.Errorf("check of a permanent entry for a static one = %v", got[1].Err)
	}
	del := step(t, "del", "bridge fdb del 02:00:00:00:00:44 dev br-veth01 master")
	if got := s.Check(del); got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "still has the forwarding entry 02:00:00:00:00:44 dev br-veth01") {
		t.Errorf("check of a del not done = %v", got[0].Err)
	}
	if _, err := applyNext(s, del); err != nil {
		t.Fatal(err)
	}
	if got := s.Check(del); got[0].Err != nil {
		t.Errorf("check after the del = %v", got[0].Err)
	}
}

// The errors are the real tool's.
func TestFdbErrors(t *testing.T) {
	s := newLab(t, Spec{})
	if _, err := applyNext(s, step(t, "overlay", overlaySetup[0]...)); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ line, want string }{
		{"bridge fdb add 02:00:00:00:00:01 dev nope", `Cannot find device "nope"`},
		{"bridge fdb del 02:00:00:00:00:99 dev vxlan0 dst 198.51.100.2", "RTNETLINK answers: No such file or directory"},
		{"bridge fdb add 02:00:00:00:00:51 dev vxlan0 self permanent", "RTNETLINK answers: Invalid argument"},
		{"bridge fdb show br nope", `Cannot find bridge device "nope"`},
		{"bridge link show dev nope", `Cannot find device "nope"`},
		{"brctl showmacs vxlan0", "read of forward table failed"},
	}
	if _, err := applyNext(s, step(t, "one", "bridge fdb add 02:00:00:00:00:01 dev vxlan0 dst 198.51.100.2")); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, struct{ line, want string }{"bridge fdb add 02:00:00:00:00:01 dev vxlan0 dst 198.51.100.2", "RTNETLINK answers: File exists"})
	for _, tt := range tests {
		res := s.run("host", mustParse(t, tt.line))
		if res.Err == nil || !strings.Contains(res.Err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.line, res.Err, tt.want)
		}
	}
}
