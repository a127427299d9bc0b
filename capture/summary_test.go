package capture

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/pcapgo"
)

// readPcap reads a testdata pcap file through the capture pipeline, the
// way the unexported constructor feeds recorded data.
func readPcap(t testing.TB, name string, opts Options) []Packet {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := openSources([]Target{{Node: "file", Iface: name}}, []gopacket.PacketDataSource{r}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var pkts []Packet
	for p := range c.Packets() {
		pkts = append(pkts, p)
	}
	return pkts
}

func goldenLines(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

var recorded = []string{"bridge", "nat", "icmp-errors", "vxlan"}

// TestSummaryGolden checks every recorded packet against what tcpdump -nn
// -t (and -e) printed for it.
func TestSummaryGolden(t *testing.T) {
	for _, name := range recorded {
		for _, mode := range []struct {
			suffix    string
			linkLevel bool
		}{{".txt", false}, {".e.txt", true}} {
			t.Run(name+mode.suffix, func(t *testing.T) {
				pkts := readPcap(t, name+".pcap", Options{ShowBackground: true})
				want := goldenLines(t, name+mode.suffix)
				var got []string
				for _, p := range pkts {
					got = append(got, strings.Split(p.Summary(mode.linkLevel), "\n")...)
				}
				if len(got) != len(want) {
					t.Errorf("got %d lines, tcpdump printed %d", len(got), len(want))
				}
				for i := 0; i < len(got) && i < len(want); i++ {
					if got[i] != want[i] {
						t.Errorf("line %d:\n got: %s\nwant: %s", i+1, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestSummary spells out one packet of each kind, as tcpdump -nn printed
// it for the recording (re-recording testdata changes addresses and ids).
func TestSummary(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		linkLevel bool
		contains  string // the packet whose summary contains this
		want      string
	}{
		{name: "arp request", file: "bridge", contains: "ARP, Request",
			want: "ARP, Request who-has 192.168.88.12 tell 192.168.88.11, length 28"},
		{name: "arp reply", file: "bridge", contains: "ARP, Reply",
			want: "ARP, Reply 192.168.88.12 is-at 66:61:b5:5d:ee:bf, length 28"},
		{name: "arp request link level", file: "bridge", linkLevel: true, contains: "Request who-has",
			want: "a2:35:df:54:88:2a > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.88.12 tell 192.168.88.11, length 28"},
		{name: "echo request", file: "bridge", contains: "echo request",
			want: "IP 192.168.88.11 > 192.168.88.12: ICMP echo request, id 4868, seq 1, length 64"},
		{name: "echo reply", file: "bridge", contains: "echo reply",
			want: "IP 192.168.88.12 > 192.168.88.11: ICMP echo reply, id 4868, seq 1, length 64"},
		{name: "udp", file: "bridge", contains: "UDP",
			want: "IP 192.168.88.11.32775 > 192.168.88.12.40000: UDP, length 5"},
		{name: "port unreachable", file: "bridge", contains: "unreachable",
			want: "IP 192.168.88.12 > 192.168.88.11: ICMP 192.168.88.12 udp port 40000 unreachable, length 41"},
		{name: "tcp syn", file: "bridge", contains: "Flags [S]",
			want: "IP 192.168.88.11.51338 > 192.168.88.12.40001: Flags [S], seq 329146010, win 64240, options [mss 1460,sackOK,TS val 614387975 ecr 0,nop,wscale 10], length 0"},
		{name: "tcp data relative seq", file: "bridge", contains: "Flags [P.]",
			want: "IP 192.168.88.11.51338 > 192.168.88.12.40001: Flags [P.], seq 1:6, ack 1, win 63, options [nop,nop,TS val 614387976 ecr 2974494532], length 5"},
		{name: "tcp reset", file: "bridge", contains: "Flags [R.]",
			want: "IP 192.168.88.12.40002 > 192.168.88.11.45666: Flags [R.], seq 0, ack 264866936, win 0, length 0"},
		{name: "mld report", file: "bridge", contains: "listener report",
			want: "IP6 :: > ff02::16: HBH ICMP6, multicast listener report v2, 1 group record(s), length 28"},
		{name: "neighbor solicitation", file: "bridge", contains: "neighbor solicitation",
			want: "IP6 :: > ff02::1:ff5d:eebf: ICMP6, neighbor solicitation, who has fe80::6461:b5ff:fe5d:eebf, length 32"},
		{name: "router solicitation", file: "bridge", contains: "router solicitation",
			want: "IP6 fe80::a035:dfff:fe54:882a > ff02::2: ICMP6, router solicitation, length 16"},
		{name: "masqueraded echo request", file: "nat", contains: "echo request",
			want: "IP 198.51.100.2 > 198.51.100.1: ICMP echo request, id 4878, seq 1, length 64"},
		{name: "time exceeded", file: "icmp-errors", contains: "time exceeded",
			want: "IP 192.168.88.1 > 192.168.88.11: ICMP time exceeded in-transit, length 92"},
		{name: "net unreachable", file: "icmp-errors", contains: "net ",
			want: "IP 192.168.88.1 > 192.168.88.11: ICMP net 203.0.113.9 unreachable, length 92"},
		{name: "vxlan", file: "vxlan", contains: "VXLAN",
			want: "IP 203.0.113.1.52548 > 203.0.113.2.4789: VXLAN, flags [I] (0x08), vni 256\nARP, Request who-has 192.168.88.12 tell 192.168.88.11, length 28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range readPcap(t, tt.file+".pcap", Options{ShowBackground: true}) {
				if s := p.Summary(tt.linkLevel); strings.Contains(s, tt.contains) {
					if s != tt.want {
						t.Errorf("got  %s\nwant %s", s, tt.want)
					}
					return
				}
			}
			t.Errorf("no packet in %s contains %q", tt.file, tt.contains)
		})
	}
}
