package capture

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// TestSummaryVerboseMatchesTcpdump reads each recording with tcpdump -v
// and -vv (leaving out IPv6 and IGMP, whose -v detail netlab does not
// print: background chatter a lab hides) and checks our lines at the same verbosity are the same, line
// for line: the IP header's fields, and the checksums -vv checks.
func TestSummaryVerboseMatchesTcpdump(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	for _, name := range recorded {
		for _, v := range []struct {
			name  string
			flag  string
			level int
		}{{"-v", "-v", 1}, {"-vv", "-vv", 2}} {
			t.Run(name+v.name, func(t *testing.T) {
				out, err := exec.Command("tcpdump", "-nn", "-t", v.flag, "-r", filepath.Join("testdata", name+".pcap"), "not ip6 and not igmp").Output()
				if err != nil {
					t.Fatalf("tcpdump -r: %v", err)
				}
				want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
				var got []string
				for _, p := range readPcap(t, name+".pcap", Options{}) {
					p.Verbose = v.level
					got = append(got, strings.Split(p.Summary(false), "\n")...)
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

// TestSummaryVerboseFields spells out the -v header of the seed's
// forwarded echo request, with a correct checksum, and what -vv adds.
func TestSummaryVerboseFields(t *testing.T) {
	pkts := readPcap(t, "nat.pcap", Options{ShowBackground: true})
	var found bool
	for _, p := range pkts {
		p.Verbose = 2
		s := p.Summary(false)
		if !strings.Contains(s, "ICMP echo request") {
			continue
		}
		found = true
		for _, want := range []string{"IP (tos 0x0, ttl ", ", id ", ", offset 0, flags [", "], proto ICMP (1), length 84)\n    "} {
			if !strings.Contains(s, want) {
				t.Errorf("-vv line %q lacks %q", s, want)
			}
		}
		p.Verbose = 0
		if s := p.Summary(false); strings.Contains(s, "ttl") || strings.Contains(s, "\n") {
			t.Errorf("plain line %q carries -v detail", s)
		}
	}
	if !found {
		t.Fatal("no echo request in nat.pcap")
	}
}

// TestSummaryVerboseBuiltPackets builds packets the recordings lack (IPv6
// TCP and UDP, IPv4 UDP with a correct, a zero and a wrong checksum, a TCP
// segment with a correct one), writes them to a pcap file and compares our
// -v and -vv lines with what tcpdump -v and -vv read from it.
func TestSummaryVerboseBuiltPackets(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump not installed")
	}
	mac1, _ := net.ParseMAC("02:00:00:00:00:01")
	mac2, _ := net.ParseMAC("02:00:00:00:00:02")
	build := func(v6 bool, l4 gopacket.SerializableLayer, payload string, fix func([]byte)) Packet {
		eth := &layers.Ethernet{SrcMAC: mac1, DstMAC: mac2, EthernetType: layers.EthernetTypeIPv4}
		var nl gopacket.SerializableLayer
		var net6 *layers.IPv6
		var net4 *layers.IPv4
		proto := layers.IPProtocolTCP
		if _, ok := l4.(*layers.UDP); ok {
			proto = layers.IPProtocolUDP
		}
		if v6 {
			eth.EthernetType = layers.EthernetTypeIPv6
			net6 = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, FlowLabel: 0x12345,
				SrcIP: net.ParseIP("2001:db8::1"), DstIP: net.ParseIP("2001:db8::2")}
			nl = net6
		} else {
			net4 = &layers.IPv4{Version: 4, IHL: 5, TTL: 63, Id: 4242, Flags: layers.IPv4DontFragment, Protocol: proto,
				SrcIP: net.ParseIP("192.168.88.12").To4(), DstIP: net.ParseIP("203.0.113.10").To4()}
			nl = net4
		}
		switch l := l4.(type) {
		case *layers.TCP:
			if v6 {
				l.SetNetworkLayerForChecksum(net6)
			} else {
				l.SetNetworkLayerForChecksum(net4)
			}
		case *layers.UDP:
			if v6 {
				l.SetNetworkLayerForChecksum(net6)
			} else {
				l.SetNetworkLayerForChecksum(net4)
			}
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, nl, l4, gopacket.Payload(payload)); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if fix != nil {
			fix(data)
		}
		return Packet{Time: time.Unix(1700000000, 0), Data: data, Length: len(data)}
	}
	udpCksum := func(off int, v uint16) func([]byte) {
		return func(b []byte) { b[off], b[off+1] = byte(v>>8), byte(v) }
	}
	pkts := []Packet{
		build(false, &layers.UDP{SrcPort: 40000, DstPort: 40053}, "hello", nil),
		build(false, &layers.UDP{SrcPort: 40000, DstPort: 40053}, "hello", udpCksum(14+20+6, 0)),
		build(false, &layers.UDP{SrcPort: 40000, DstPort: 40053}, "hello", udpCksum(14+20+6, 0x1234)),
		build(false, &layers.TCP{SrcPort: 40001, DstPort: 40080, Seq: 1000, Ack: 2000, ACK: true, PSH: true, Window: 502}, "GET /", nil),
		build(true, &layers.UDP{SrcPort: 40000, DstPort: 40053}, "hello", nil),
		build(true, &layers.TCP{SrcPort: 40001, DstPort: 40080, Seq: 1000, SYN: true, Window: 64800}, "", nil),
		build(true, &layers.TCP{SrcPort: 40001, DstPort: 40080, Seq: 1000, SYN: true, Window: 64800}, "", udpCksum(14+40+16, 0xbeef)),
	}
	file := filepath.Join(t.TempDir(), "built.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePcap(f, pkts); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, v := range []struct {
		flag  string
		level int
	}{{"-v", 1}, {"-vv", 2}} {
		t.Run(v.flag, func(t *testing.T) {
			out, err := exec.Command("tcpdump", "-nn", "-t", v.flag, "-r", file).Output()
			if err != nil {
				t.Fatalf("tcpdump -r: %v", err)
			}
			want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			var got []string
			for _, p := range pkts {
				p.Verbose = v.level
				got = append(got, strings.Split(p.Summary(false), "\n")...)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("ours:\n%s\ntcpdump %s:\n%s", strings.Join(got, "\n"), v.flag, strings.Join(want, "\n"))
			}
			if v.level == 2 {
				all := strings.Join(got, "\n")
				for _, w := range []string{"[udp sum ok]", "[no cksum]", "[bad udp cksum 0x1234 -> ", "(correct)", "(incorrect -> ", "flowlabel 0x12345, hlim 64, next-header TCP (6)"} {
					if !strings.Contains(all, w) {
						t.Errorf("-vv lines lack %q", w)
					}
				}
			}
		})
	}
}
