package capture

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
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

var recorded = []string{"bridge", "nat", "icmp-errors", "vxlan", "otv", "vlan"}

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

// tcpFrame builds an Ethernet frame holding a TCP segment from
// 192.0.2.1:sport to 192.0.2.2:dport (IPv6 documentation addresses with
// v6) with the flags given as tcpdump prints them ("P." is PSH and ACK),
// seq 1, ack 1, win 502, options nop,nop,TS val 1 ecr 2, and payload.
func tcpFrame(t testing.TB, v6 bool, sport, dport uint16, flags, payload string) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: 1, Ack: 1, Window: 502,
		Options: []layers.TCPOption{{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: []byte{0, 0, 0, 1, 0, 0, 0, 2}}}}
	for _, f := range flags {
		switch f {
		case 'S':
			tcp.SYN = true
		case 'F':
			tcp.FIN = true
		case 'R':
			tcp.RST = true
		case 'P':
			tcp.PSH = true
		case '.':
			tcp.ACK = true
		}
	}
	var ip gopacket.SerializableLayer
	if v6 {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
		tcp.SetNetworkLayerForChecksum(ip6)
		ip = ip6
	} else {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 7, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolTCP,
			SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}
		tcp.SetNetworkLayerForChecksum(ip4)
		ip = ip4
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// httpCase is one crafted segment and the line tcpdump 4.99 prints for it.
type httpCase struct {
	name         string
	v6           bool
	sport, dport uint16
	flags        string
	payload      string
	verbose      int
	want         string // the summary after "IP 192.0.2.1.SPORT > 192.0.2.2.DPORT: "; under -v, after the IP line
}

const (
	curlGet80  = "GET / HTTP/1.1\r\nHost: 192.0.2.2\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
	okResponse = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
)

var httpCases = []httpCase{
	{name: "request", sport: 40000, dport: 80, flags: "P.", payload: curlGet80,
		want: "Flags [P.], seq 1:74, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 73: HTTP: GET / HTTP/1.1"},
	{name: "status line", sport: 80, dport: 40000, flags: "P.", payload: okResponse,
		want: "Flags [P.], seq 1:71, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 70: HTTP: HTTP/1.1 200 OK"},
	{name: "status line on 8080", sport: 8080, dport: 40001, flags: "P.", payload: "HTTP/1.0 404 Not Found\r\n\r\n",
		want: "Flags [P.], seq 1:27, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 26: HTTP: HTTP/1.0 404 Not Found"},
	{name: "method in lower case", sport: 40002, dport: 8080, flags: "P.", payload: "post /form HTTP/1.0\n\n",
		want: "Flags [P.], seq 1:22, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 21: HTTP: post /form HTTP/1.0"},
	{name: "body alone", sport: 80, dport: 40003, flags: "P.", payload: "hello\n",
		want: "Flags [P.], seq 1:7, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 6: HTTP"},
	{name: "request line cut", sport: 40004, dport: 80, flags: "P.", payload: "GET /a-long-path HTT",
		want: "Flags [P.], seq 1:21, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 20: HTTP: GET /a-long-path HTT [|http]"},
	{name: "binary", sport: 40005, dport: 80, flags: "P.", payload: "\x16\x03\x01\x02\x00\x01",
		want: "Flags [P.], seq 1:7, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 6: HTTP"},
	{name: "not a method", sport: 40006, dport: 80, flags: "P.", payload: "HELLO there\r\n",
		want: "Flags [P.], seq 1:14, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 13: HTTP"},
	{name: "other port", sport: 40007, dport: 8000, flags: "P.", payload: curlGet80,
		want: "Flags [P.], seq 1:74, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 73"},
	{name: "ssh before http", sport: 22, dport: 80, flags: "P.", payload: curlGet80,
		want: "Flags [P.], seq 1:74, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 73"},
	{name: "ipv6 request", v6: true, sport: 40008, dport: 80, flags: "P.", payload: curlGet80,
		want: "Flags [P.], seq 1:74, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 73: HTTP: GET / HTTP/1.1"},
	{name: "request -v", sport: 40009, dport: 80, flags: "P.", payload: curlGet80, verbose: 1,
		want: "length 73: HTTP, length: 73\n\tGET / HTTP/1.1\n\tHost: 192.0.2.2\n\tUser-Agent: curl/7.88.1\n\tAccept: */*\n\t"},
	{name: "response -v", sport: 80, dport: 40010, flags: "P.", payload: okResponse, verbose: 1,
		want: "length 70: HTTP, length: 70\n\tHTTP/1.1 200 OK\n\tContent-Type: text/plain\n\tContent-Length: 6\n\t\n\thello"},
	{name: "body without newline -vv", sport: 8080, dport: 40011, flags: "P.", payload: "HTTP/1.1 200 OK\r\n\r\nhi", verbose: 2,
		want: "length 21: HTTP, length: 21\n\tHTTP/1.1 200 OK\n\t\n\thi [|http]"},
	{name: "stray CR -v", sport: 40012, dport: 80, flags: "P.", payload: "GET / HTTP/1.1\r\nX: a\rb\r\n", verbose: 1,
		want: "length 24: HTTP, length: 24\n\tGET / HTTP/1.1"},
	{name: "reset with text -v", sport: 40013, dport: 80, flags: "R.", payload: "no\r\x80 thanks, not today, not ever", verbose: 1,
		want: "length 32 [RST+ no^MM-^@ thanks, not today, not ev]"},
	{name: "reset with text", sport: 40014, dport: 80, flags: "R.", payload: "GET / HTTP/1.1\r\n",
		want: "Flags [R.], seq 1:17, ack 1, win 502, options [nop,nop,TS val 1 ecr 2], length 16: HTTP: GET / HTTP/1.1"},
}

// TestSummaryHTTP spells out, for crafted segments, what tcpdump prints
// after a TCP header on the HTTP ports: the request or status line, every
// text line under -v, and the text of a reset under -v.
func TestSummaryHTTP(t *testing.T) {
	for _, c := range httpCases {
		t.Run(c.name, func(t *testing.T) {
			f := tcpFrame(t, c.v6, c.sport, c.dport, c.flags, c.payload)
			p := Packet{Data: f, Length: len(f), Verbose: c.verbose}
			got := p.Summary(false)
			if c.verbose == 0 {
				ip := "IP"
				src, dst := "192.0.2.1", "192.0.2.2"
				if c.v6 {
					ip, src, dst = "IP6", "2001:db8::1", "2001:db8::2"
				}
				want := fmt.Sprintf("%s %s.%d > %s.%d: %s", ip, src, c.sport, dst, c.dport, c.want)
				if got != want {
					t.Errorf("got  %q\nwant %q", got, want)
				}
				return
			}
			if !strings.HasSuffix(got, c.want) || !strings.Contains(got, fmt.Sprintf(".%d > 192.0.2.2.%d: Flags [%s], cksum 0x", c.sport, c.dport, c.flags)) {
				t.Errorf("got  %q\nwant it to end in %q", got, c.want)
			}
		})
	}
}

// TestSummaryHTTPMatchesTcpdump writes the crafted segments to a pcap
// file and checks tcpdump -r prints, at each verbosity, what we print.
func TestSummaryHTTPMatchesTcpdump(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	var pkts []Packet
	for i, c := range httpCases {
		f := tcpFrame(t, c.v6, c.sport, c.dport, c.flags, c.payload)
		pkts = append(pkts, Packet{Time: time.Unix(int64(i), 0), Data: f, Length: len(f)})
	}
	file := filepath.Join(t.TempDir(), "http.pcap")
	var buf bytes.Buffer
	if err := WritePcap(&buf, pkts); err != nil {
		t.Fatal(err)
	}
	writeFile(t, file, buf.String())
	for v, flag := range []string{"-nn", "-v", "-vv"} {
		out, err := exec.Command("tcpdump", "-nn", "-t", flag, "-r", file).Output()
		if err != nil {
			t.Fatalf("tcpdump %s -r: %v", flag, err)
		}
		want := strings.TrimSuffix(string(out), "\n")
		var got []string
		for _, p := range pkts {
			p.Verbose = v
			got = append(got, p.Summary(false))
		}
		if g := strings.Join(got, "\n"); g != want {
			t.Errorf("tcpdump %s:\n%s\nours:\n%s", flag, want, g)
		}
	}
}
