package capture

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"golang.org/x/sys/unix"
)

// vlanLab is a and b joined by a veth (eth0 on both) that carries
// 802.1Q-tagged frames: a writes them raw (sendTagged), so no 8021q
// module and no VLAN-filtering bridge is needed. a's capture sees the
// tags inside the frames it sends; b's kernel takes the outer tag off on
// arrival and hands it to the capture beside the frame.
func vlanLab(t testing.TB) *testLab {
	l := newTestLab(t, "a", "b")
	l.veth("a", "eth0", "b", "eth0")
	for _, n := range []string{"a", "b"} {
		l.mustRun(n, "sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1")
		l.up(n, "eth0")
	}
	time.Sleep(50 * time.Millisecond)
	return l
}

// taggedFrames are what sendTagged writes from src to dst: an ARP
// request and an echo request in VLAN 10, an echo request with priority 5
// and DEI, and one in VLAN 10 inside an 802.1ad (QinQ) VLAN 100. Frames
// are padded to Ethernet's 60 bytes.
func taggedFrames(t testing.TB, src, dst net.HardwareAddr) [][]byte {
	t.Helper()
	ip := func(id uint16) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{
			&layers.IPv4{Version: 4, TTL: 64, Id: id, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolICMPv4,
				SrcIP: net.IPv4(192, 168, 10, 1), DstIP: net.IPv4(192, 168, 10, 2)},
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 77, Seq: id},
			gopacket.Payload("netlab vlan"),
		}
	}
	eth := func(t layers.EthernetType, d net.HardwareAddr) *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: src, DstMAC: d, EthernetType: t}
	}
	tag := func(vid uint16, prio uint8, dei bool, t layers.EthernetType) *layers.Dot1Q {
		return &layers.Dot1Q{VLANIdentifier: vid, Priority: prio, DropEligible: dei, Type: t}
	}
	frames := [][]gopacket.SerializableLayer{
		{eth(layers.EthernetTypeDot1Q, layers.EthernetBroadcast), tag(10, 0, false, layers.EthernetTypeARP),
			&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
				Operation: 1, SourceHwAddress: src, SourceProtAddress: []byte{192, 168, 10, 1},
				DstHwAddress: make([]byte, 6), DstProtAddress: []byte{192, 168, 10, 2}}},
		append([]gopacket.SerializableLayer{eth(layers.EthernetTypeDot1Q, dst), tag(10, 0, false, layers.EthernetTypeIPv4)}, ip(1)...),
		append([]gopacket.SerializableLayer{eth(layers.EthernetTypeDot1Q, dst), tag(10, 5, true, layers.EthernetTypeIPv4)}, ip(2)...),
		append([]gopacket.SerializableLayer{eth(layers.EthernetTypeQinQ, dst), tag(100, 0, false, layers.EthernetTypeDot1Q),
			tag(10, 0, false, layers.EthernetTypeIPv4)}, ip(3)...),
	}
	var out [][]byte
	for _, f := range frames {
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, f...); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// sendTagged writes taggedFrames on a:eth0, to b's MAC, through an
// AF_PACKET socket in a's namespace.
func sendTagged(l *testLab) {
	l.t.Helper()
	src, dst := l.link("a", "eth0").Attrs(), l.link("b", "eth0").Attrs()
	frames := taggedFrames(l.t, src.HardwareAddr, dst.HardwareAddr)
	err := l.do("a", func() error {
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		to := &unix.SockaddrLinklayer{Ifindex: src.Index}
		for _, f := range frames {
			if err := unix.Sendto(fd, f, 0, to); err != nil {
				return err
			}
			time.Sleep(20 * time.Millisecond)
		}
		return nil
	})
	if err != nil {
		l.t.Fatalf("send tagged frames on a:eth0: %v", err)
	}
}

// TestVLANLines pins the -e lines of the tagged frames as tcpdump 4.99
// printed them for the recording (testdata/vlan.e.txt holds them all),
// and that without -e the tags do not show.
func TestVLANLines(t *testing.T) {
	pkts := readPcap(t, "vlan.pcap", Options{ShowBackground: true})
	want := []struct{ e, plain string }{
		{"ethertype 802.1Q (0x8100), length 60: vlan 10, p 0, ethertype ARP (0x0806), Request who-has 192.168.10.2 tell 192.168.10.1, length 42",
			"ARP, Request who-has 192.168.10.2 tell 192.168.10.1, length 42"},
		{"ethertype 802.1Q (0x8100), length 60: vlan 10, p 0, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 1, length 19",
			"IP 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 1, length 19"},
		{"ethertype 802.1Q (0x8100), length 60: vlan 10, p 5, DEI, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 2, length 19",
			"IP 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 2, length 19"},
		{"ethertype 802.1Q-QinQ (0x88a8), length 61: vlan 100, p 0, ethertype 802.1Q (0x8100), vlan 10, p 0, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 3, length 19",
			"IP 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 3, length 19"},
	}
	if len(pkts) != len(want) {
		t.Fatalf("read %d packets, want %d", len(pkts), len(want))
	}
	for i, w := range want {
		got := pkts[i].Summary(true)
		if _, rest, _ := cut(got, ", "); rest != w.e {
			t.Errorf("packet %d -e:\n got: %s\nwant: ... %s", i+1, got, w.e)
		}
		if got := pkts[i].Summary(false); got != w.plain {
			t.Errorf("packet %d:\n got: %s\nwant: %s", i+1, got, w.plain)
		}
	}
}

// cut is strings.Cut, kept local so the table above reads as tcpdump's lines.
func cut(s, sep string) (before, after string, found bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// TestKernelFilterUnderVLANTag: the kernel runs a capture's filter on a
// received frame without its outer VLAN tag (kept beside the frame), as
// for tcpdump: "icmp" passes the two echo requests in VLAN 10, not the
// ARP request nor the QinQ frame, whose inner tag stays in the frame; the
// lines still show the tags. (Match, run on the frame as shown, and
// tcpdump -r on a file see the tags and do not pass them.)
func TestKernelFilterUnderVLANTag(t *testing.T) {
	l := vlanLab(t)
	c, err := Open([]Target{{Node: "b", NSPath: l.node("b").path(), Iface: "eth0"}}, Options{Filter: "icmp", ShowBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	sendTagged(l)
	time.Sleep(200 * time.Millisecond)
	c.Close()
	var got []string
	for p := range c.Packets() {
		got = append(got, p.Summary(true))
	}
	want := []string{"vlan 10, p 0, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 1,",
		"vlan 10, p 5, DEI, ethertype IPv4 (0x0800), 192.168.10.1 > 192.168.10.2: ICMP echo request, id 77, seq 2,"}
	if len(got) != len(want) {
		t.Fatalf("the kernel's icmp filter passed %d frames, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("frame %d: %s\nwant it to contain %s", i+1, got[i], want[i])
		}
	}
}
