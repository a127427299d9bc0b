package capture

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// liveCase is traffic captured at the same time by tcpdump and by this
// package on the same interfaces.
type liveCase struct {
	name    string
	lab     func(testing.TB) *testLab
	setup   func(*testLab)
	targets [][2]string // node, iface
	filter  string
	traffic func(*testLab)
	expect  []string // lines that must be among those captured, per target in order
	// verbose also compares our -v and -vv lines with tcpdump -v and -vv,
	// and checks vexpect among the -vv lines of the first target.
	verbose bool
	vexpect []string
	// check, when set, looks at the packets we captured.
	check func(*testing.T, []Packet)
}

var liveCases = []liveCase{
	{
		name: "bridge ping", lab: bridgeLab, setup: upBridgeLab,
		targets: [][2]string{{"host", "br01"}, {"ns01", "veth01"}},
		traffic: func(l *testLab) { l.mustRun("ns01", "ping", "-c", "3", "-i", "0.2", "192.168.88.12") },
		expect: []string{
			"ARP, Request who-has 192.168.88.12 tell 192.168.88.11, length 28",
			"IP 192.168.88.11 > 192.168.88.12: ICMP echo request, id ",
			"IP 192.168.88.12 > 192.168.88.11: ICMP echo reply, id ",
		},
	},
	{
		name: "bridge tcp and udp with kernel filter", lab: bridgeLab, setup: upBridgeLab,
		targets: [][2]string{{"host", "br01"}},
		filter:  "tcp or (udp and not port 53) or icmp",
		traffic: func(l *testLab) {
			l.mustRun("ns01", "ping", "-c", "1", "192.168.88.12")
			tcpExchange(l, "ns01", "ns02", "192.168.88.12:40001", "hello")
			sendUDP(l, "ns01", "192.168.88.12:40000", "hi")
		},
		expect: []string{"Flags [P.], seq 1:6, ack 1", "UDP, length 2", "udp port 40000 unreachable"},
	},
	{
		name: "verbose icmp udp tcp", lab: bridgeLab, setup: upBridgeLab,
		targets: [][2]string{{"host", "br01"}, {"ns02", "veth02"}},
		filter:  "tcp or udp or icmp", verbose: true,
		traffic: func(l *testLab) {
			l.mustRun("ns01", "ping", "-c", "2", "-i", "0.2", "192.168.88.12")
			udpExchange(l, "ns01", "ns02", "192.168.88.12:40002", "hi")
			tcpExchange(l, "ns01", "ns02", "192.168.88.12:40001", "hello")
		},
		vexpect: []string{
			"IP (tos 0x0, ttl 64, id ",
			", offset 0, flags [DF], proto ICMP (1), length 84)\n    192.168.88.11 > 192.168.88.12: ICMP echo request, id ",
			"proto UDP (17), length 30)\n    192.168.88.11.",
			"> 192.168.88.12.40002: [",
			"proto TCP (6), length 60)\n    192.168.88.11.",
			"> 192.168.88.12.40001: Flags [S], cksum 0x",
		},
	},
	{
		name: "http curl and wget", lab: bridgeLab, setup: upBridgeLab,
		targets: [][2]string{{"ns01", "veth01"}, {"host", "br01"}},
		filter:  "tcp or udp", verbose: true,
		traffic: func(l *testLab) {
			httpServe(l, "ns02", "192.168.88.12:80")
			httpServe(l, "ns02", "192.168.88.12:8080")
			curlGet(l, "ns01", "http://192.168.88.12/")
			wgetGet(l, "ns01", "http://192.168.88.12:8080/index.html")
			curlGet(l, "ns01", "http://192.168.88.12:8080/form", "-d", "name=netlab")
			tcpRefused(l, "ns01", "192.168.88.12:81")
			udpAnswer(l, "ns01", "ns02", "192.168.88.12:40004", "ping\n", "pong\n")
		},
		expect: []string{
			"IP 192.168.88.12.80 > 192.168.88.11.",
			"Flags [S.], seq ",
			"HTTP: GET / HTTP/1.1",
			"HTTP: HTTP/1.1 200 OK",
			"HTTP: GET /index.html HTTP/1.1",
			"HTTP: POST /form HTTP/1.1",
			"Flags [F.], seq ",
			"> 192.168.88.11.", // the reset
			"Flags [R.], seq 0, ack ",
			".40004: UDP, length 5",
		},
		vexpect: []string{
			"proto TCP (6), length ",
			": HTTP, length: ",
			"\n\tHost: 192.168.88.12:8080\n",
			"\n\tname=netlab [|http]",
			".40004: [", // the checksum, which veth leaves to the card: bad on the sender's side
			"UDP, length 5",
		},
	},
	{
		name: "http over ipv6", lab: bridgeLab, setup: upBridgeLab6,
		targets: [][2]string{{"ns01", "veth01"}},
		filter:  "tcp", verbose: true,
		traffic: func(l *testLab) {
			httpServe(l, "ns02", "[2001:db8:88::12]:80")
			curlGet(l, "ns01", "http://[2001:db8:88::12]/", "-g")
		},
		expect: []string{
			"IP6 2001:db8:88::11.",
			"> 2001:db8:88::12.80: Flags [P.], seq 1:",
			"HTTP: GET / HTTP/1.1",
			"HTTP: HTTP/1.1 200 OK",
		},
		vexpect: []string{"next-header TCP (6) payload length: ", "HTTP, length: "},
	},
	{
		name: "loopback once", lab: func(t testing.TB) *testLab { return newTestLab(t, "ns01") }, setup: func(*testLab) {},
		targets: [][2]string{{"ns01", "lo"}}, verbose: true,
		traffic: func(l *testLab) {
			l.mustRun("ns01", "ping", "-c", "2", "-i", "0.2", "127.0.0.1")
			loopbackTCP(l, "ns01", "hello")
		},
		expect: []string{
			"IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id ",
			"IP 127.0.0.1 > 127.0.0.1: ICMP echo reply, id ",
			"IP 127.0.0.1.40003 > 127.0.0.1.",
			"Flags [P.], seq 1:6, ack 1, win ",
		},
		vexpect: []string{"proto TCP (6), length 57)\n    127.0.0.1.", "length 0"},
		check: func(t *testing.T, pkts []Packet) {
			// Only the arriving copy is kept: none is outgoing.
			for _, p := range pkts {
				if p.Dir != DirIn {
					t.Errorf("on lo: %s %s, want only In", p.Dir, p.Summary(false))
				}
			}
		},
	},
	{
		name: "nat masquerade", lab: natLab, setup: upBridgeLab,
		targets: [][2]string{{"host", "eth0"}, {"host", "br01"}},
		traffic: func(l *testLab) { l.mustRun("ns01", "ping", "-c", "2", "-i", "0.2", "198.51.100.1") },
		expect: []string{
			"IP 198.51.100.2 > 198.51.100.1: ICMP echo request, id ",
			"IP 198.51.100.1 > 198.51.100.2: ICMP echo reply, id ",
		},
	},
	{
		name: "vxlan", lab: vxlanLab, setup: func(*testLab) {},
		targets: [][2]string{{"vtep1", "ul0"}},
		traffic: func(l *testLab) { l.mustRun("vtep1", "ping", "-c", "2", "-i", "0.2", "192.168.88.12") },
		expect: []string{
			"IP 203.0.113.1.",
			"> 203.0.113.2.4789: VXLAN, flags [I] (0x08), vni 256",
			"IP 192.168.88.11 > 192.168.88.12: ICMP echo request",
		},
	},
	{
		name: "flannel vxlan on 8472", lab: flannelLab, setup: func(*testLab) {},
		targets: [][2]string{{"vtep1", "ul0"}, {"vtep2", "flannel.1"}, {"vtep2", "ul0"}}, verbose: true,
		traffic: func(l *testLab) { l.mustRun("vtep1", "ping", "-c", "2", "-i", "0.2", "192.168.88.12") },
		expect: []string{
			"IP 203.0.113.1.",
			"> 203.0.113.2.8472: OTV, flags [I] (0x08), overlay 0, instance 1\nARP, Request who-has 192.168.88.12 tell 192.168.88.11",
			"> 203.0.113.2.8472: OTV, flags [I] (0x08), overlay 0, instance 1\nIP 192.168.88.11 > 192.168.88.12: ICMP echo request",
		},
	},
	{
		name: "vlan tags", lab: vlanLab, setup: func(*testLab) {},
		// a sends the tags inside its frames; b's kernel takes them off on
		// arrival and the capture puts them back, as libpcap does.
		targets: [][2]string{{"b", "eth0"}, {"a", "eth0"}}, verbose: true,
		traffic: sendTagged,
		expect:  []string{"ARP, Request who-has 192.168.10.2 tell 192.168.10.1, length 42"},
		check: func(t *testing.T, pkts []Packet) {
			wants := []string{
				"ethertype 802.1Q (0x8100), length 60: vlan 10, p 0, ethertype ARP (0x0806), Request who-has",
				"ethertype 802.1Q (0x8100), length 60: vlan 10, p 5, DEI, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 2",
				"ethertype 802.1Q-QinQ (0x88a8), length 61: vlan 100, p 0, ethertype 802.1Q (0x8100), vlan 10, p 0, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 3",
			}
			for _, on := range []string{"a:eth0", "b:eth0"} {
				var lines []string
				for _, p := range pkts {
					if p.Label() == on {
						lines = append(lines, p.Summary(true))
					}
				}
				for _, w := range wants {
					if !strings.Contains(strings.Join(lines, "\n"), w) {
						t.Errorf("%s: no -e line has %q; lines:\n%s", on, w, strings.Join(lines, "\n"))
					}
				}
			}
		},
	},
}

// TestLiveMatchesTcpdump captures real traffic in throwaway namespaces
// with tcpdump and with Open on the same interfaces at the same time, and
// checks the lines are identical, with and without -e.
func TestLiveMatchesTcpdump(t *testing.T) {
	for _, lc := range liveCases {
		t.Run(lc.name, func(t *testing.T) {
			l := lc.lab(t)
			lc.setup(l)
			type dumps struct{ plain, link, v, vv *tcpdump }
			var tds []dumps
			var targets []Target
			for _, tg := range lc.targets {
				args := []string{"-nn", "-l", "--immediate-mode", "-i", tg[1]}
				if lc.filter != "" {
					args = append(args, lc.filter)
				}
				d := dumps{
					plain: l.startTcpdump(tg[0], args...),
					link:  l.startTcpdump(tg[0], append([]string{"-e"}, args...)...),
				}
				if lc.verbose {
					d.v = l.startTcpdump(tg[0], append([]string{"-v"}, args...)...)
					d.vv = l.startTcpdump(tg[0], append([]string{"-vv"}, args...)...)
				}
				tds = append(tds, d)
				targets = append(targets, Target{Node: tg[0], NSPath: l.node(tg[0]).path(), Iface: tg[1]})
			}
			c, err := Open(targets, Options{Filter: lc.filter, ShowBackground: true})
			if err != nil {
				t.Fatal(err)
			}
			lc.traffic(l)
			time.Sleep(300 * time.Millisecond)
			c.Close()
			var pkts []Packet
			for p := range c.Packets() {
				pkts = append(pkts, p)
			}
			for i, tg := range targets {
				var mine []Packet
				for _, p := range pkts {
					if p.Label() == tg.String() {
						mine = append(mine, p)
					}
				}
				for _, linkLevel := range []bool{false, true} {
					td := tds[i].plain
					if linkLevel {
						td = tds[i].link
					}
					theirs := stripTimestamps(td.stop())
					var ours []string
					for _, p := range mine {
						ours = append(ours, strings.Split(p.Summary(linkLevel), "\n")...)
					}
					if !containsRun(theirs, ours) {
						t.Errorf("%s (-e %v): our lines are not what tcpdump printed\nours:\n%s\ntcpdump:\n%s",
							tg, linkLevel, strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
					}
					if i == 0 && !linkLevel {
						for _, want := range lc.expect {
							if !strings.Contains(strings.Join(ours, "\n"), want) {
								t.Errorf("%s: no line has %q", tg, want)
							}
						}
					}
				}
			}
			if lc.verbose {
				checkVerbose(t, lc, targets, pkts, func(i, v int) *tcpdump {
					return map[int]*tcpdump{1: tds[i].v, 2: tds[i].vv}[v]
				})
			}
			if lc.check != nil {
				lc.check(t, pkts)
			}
			if lc.name == "bridge ping" {
				checkDirections(t, pkts)
			}
			if st := c.Stats(); st.Seen != uint64(len(pkts)) {
				t.Errorf("Stats().Seen = %d, delivered %d", st.Seen, len(pkts))
			}
			for i := 1; i < len(pkts); i++ {
				if pkts[i].Time.Before(pkts[i-1].Time) {
					t.Errorf("packet %d is older than packet %d: not in time order", i, i-1)
				}
			}
		})
	}
}

// checkVerbose compares our lines at -v and -vv with tcpdump's, per
// target, and looks for lc.vexpect among the first target's -vv lines.
func checkVerbose(t *testing.T, lc liveCase, targets []Target, pkts []Packet, td func(i, v int) *tcpdump) {
	t.Helper()
	for i, tg := range targets {
		for _, v := range []int{1, 2} {
			theirs := stripTimestamps(td(i, v).stop())
			var ours []string
			for _, p := range pkts {
				if p.Label() == tg.String() {
					p.Verbose = v
					ours = append(ours, strings.Split(p.Summary(false), "\n")...)
				}
			}
			if !containsRun(theirs, ours) {
				t.Errorf("%s (-v x%d): our lines are not what tcpdump printed\nours:\n%s\ntcpdump:\n%s",
					tg, v, strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			}
			if testing.Verbose() {
				t.Logf("%s -v x%d:\n%s", tg, v, strings.Join(ours, "\n"))
			}
			if i == 0 && v == 2 {
				all := strings.Join(ours, "\n")
				for _, want := range lc.vexpect {
					if !strings.Contains(all, want) {
						t.Errorf("%s -vv: no line has %q", tg, want)
					}
				}
			}
		}
	}
}

// checkDirections: inside ns01 the request leaves veth01 and the reply
// arrives; on the bridge both are forwarded, for another host.
func checkDirections(t *testing.T, pkts []Packet) {
	t.Helper()
	want := map[string]Direction{
		"ns01:veth01 echo request": DirOut, "ns01:veth01 echo reply": DirIn,
		"host:br01 echo request": DirOtherHost, "host:br01 echo reply": DirOtherHost,
	}
	for _, p := range pkts {
		for _, kind := range []string{"echo request", "echo reply"} {
			if strings.Contains(p.Summary(false), kind) {
				if d := want[p.Label()+" "+kind]; d != p.Dir {
					t.Errorf("%s %s: direction %s, want %s", p.Label(), kind, p.Dir, d)
				}
			}
		}
	}
}

// stripTimestamps drops tcpdump's leading "15:04:05.000000 " from lines
// that have one (the inner frame of a VXLAN packet does not).
func stripTimestamps(out string) []string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(line) > 16 && line[2] == ':' && line[5] == ':' && line[8] == '.' && line[15] == ' ' {
			line = line[16:]
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// containsRun reports whether sub appears, contiguous and non-empty,
// inside all: tcpdump starts before and stops after our capture. Two
// frames that reach the interface at the same moment (a bridge flooding
// one host's IGMP and MLD reports, sent from two CPUs) may be queued to
// two packet sockets in either order, so a pair of neighbouring lines
// that tcpdump saw the other way round still matches; nothing else may
// move, be missing or be extra.
func containsRun(all, sub []string) bool {
	if len(sub) == 0 {
		return false
	}
	for i := 0; i+len(sub) <= len(all); i++ {
		if sameUpToNeighbourSwaps(all[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// sameUpToNeighbourSwaps reports whether b is a with some disjoint pairs
// of neighbouring lines exchanged.
func sameUpToNeighbourSwaps(a, b []string) bool {
	for j := 0; j < len(a); j++ {
		switch {
		case a[j] == b[j]:
		case j+1 < len(a) && a[j] == b[j+1] && a[j+1] == b[j]:
			j++
		default:
			return false
		}
	}
	return true
}

// TestRun runs the CLI entry point on a live lab: lines carry the label
// and direction, it stops after Count packets, and -w writes a pcap file
// tcpdump -r reads back.
func TestRun(t *testing.T) {
	l := bridgeLab(t)
	upBridgeLab(l)
	file := filepath.Join(t.TempDir(), "out.pcap")
	targets := []Target{{Node: "ns01", NSPath: l.node("ns01").path(), Iface: "veth01"}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, &out, targets, Options{Filter: "icmp", Count: 4, WriteFile: file})
	}()
	time.Sleep(200 * time.Millisecond)
	l.mustRun("ns01", "ping", "-c", "3", "-i", "0.2", "192.168.88.12")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines, want 4 packets and 2 counts:\n%s", len(lines), out.String())
	}
	for i, want := range []string{
		" ns01:veth01 Out IP 192.168.88.11 > 192.168.88.12: ICMP echo request, id ",
		" ns01:veth01 In IP 192.168.88.12 > 192.168.88.11: ICMP echo reply, id ",
	} {
		if !strings.Contains(lines[i], want) || len(lines[i]) < 16 || lines[i][15] != ' ' {
			t.Errorf("line %d = %q, want TIME%s...", i, lines[i], want)
		}
	}
	if lines[4] != "4 packets captured" || lines[5] != "0 packets dropped by kernel" {
		t.Errorf("counts = %q", lines[4:])
	}
	got, err := exec.Command("tcpdump", "-nn", "-t", "-r", file).Output()
	if err != nil {
		t.Fatalf("tcpdump -r: %v", err)
	}
	if n := strings.Count(string(got), "ICMP echo"); n != 4 {
		t.Errorf("tcpdump read %d echo packets from %s, want 4:\n%s", n, file, got)
	}
}

// TestWritePcap writes the ring to a file and checks tcpdump -r prints
// what tcpdump printed for the original recording.
func TestWritePcap(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	for _, name := range recorded {
		t.Run(name, func(t *testing.T) {
			pkts := readPcap(t, name+".pcap", Options{ShowBackground: true})
			r := NewRing(len(pkts) + 5)
			for _, p := range pkts {
				r.Add(p)
			}
			file := filepath.Join(t.TempDir(), name+".pcap")
			f, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := WritePcap(f, r.Last(0)); err != nil {
				t.Fatal(err)
			}
			f.Close()
			got, err := exec.Command("tcpdump", "-nn", "-t", "-r", file).Output()
			if err != nil {
				t.Fatalf("tcpdump -r %s: %v", file, err)
			}
			want := strings.Join(goldenLines(t, name+".txt"), "\n") + "\n"
			if string(got) != want {
				t.Errorf("tcpdump -r of our file:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestSameUpToNeighbourSwaps pins what the tcpdump comparison forgives:
// one swapped pair of neighbours, and nothing more.
func TestSameUpToNeighbourSwaps(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"abcd", "abcd", true},
		{"abcd", "bacd", true},
		{"abcd", "badc", true},
		{"abcd", "acbd", true},
		{"abcd", "cbad", false},
		{"abcd", "abdx", false},
		{"abcd", "bcad", false},
	} {
		if got := sameUpToNeighbourSwaps(strings.Split(c.a, ""), strings.Split(c.b, "")); got != c.want {
			t.Errorf("%s vs %s: %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
