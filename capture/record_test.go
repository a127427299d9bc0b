package capture

import (
	"flag"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "record testdata/*.pcap from real traffic and refresh the golden files from tcpdump -r")

// recording is one pcap file of testdata/ and how its traffic is made.
type recording struct {
	name    string
	lab     func(testing.TB) *testLab
	node    string
	iface   string
	traffic func(*testLab)
}

var recordings = []recording{
	{name: "bridge", lab: bridgeLab, node: "host", iface: "br01", traffic: func(l *testLab) {
		upBridgeLab(l)
		l.mustRun("ns01", "ping", "-c", "2", "-i", "0.2", "192.168.88.12")
		sendUDP(l, "ns01", "192.168.88.12:40000", "hello")
		tcpExchange(l, "ns01", "ns02", "192.168.88.12:40001", "hello")
		tcpRefused(l, "ns01", "192.168.88.12:40002")
		time.Sleep(2 * time.Second) // let IPv6 router solicitation and MLD go out
	}},
	{name: "nat", lab: natLab, node: "host", iface: "eth0", traffic: func(l *testLab) {
		upBridgeLab(l)
		l.mustRun("ns01", "ping", "-c", "2", "-i", "0.2", "198.51.100.1")
	}},
	{name: "icmp-errors", lab: natLab, node: "host", iface: "br01", traffic: func(l *testLab) {
		upBridgeLab(l)
		l.run("ns01", "ping", "-c", "1", "-t", "1", "198.51.100.1")
		l.run("ns01", "ping", "-c", "1", "-W", "1", "203.0.113.9")
		sendUDP(l, "ns01", "198.51.100.1:33434", "probe")
		time.Sleep(100 * time.Millisecond)
	}},
	{name: "vxlan", lab: vxlanLab, node: "vtep1", iface: "ul0", traffic: func(l *testLab) {
		time.Sleep(100 * time.Millisecond)
		l.mustRun("vtep1", "ping", "-c", "2", "-i", "0.2", "192.168.88.12")
	}},
	{name: "otv", lab: flannelLab, node: "vtep1", iface: "ul0", traffic: func(l *testLab) {
		time.Sleep(100 * time.Millisecond)
		l.mustRun("vtep1", "ping", "-c", "2", "-i", "0.2", "192.168.88.12")
	}},
	{name: "vlan", lab: vlanLab, node: "b", iface: "eth0", traffic: sendTagged},
}

// TestRecordTestdata records the pcap files the decoding tests read, with
// tcpdump -w in throwaway namespaces, and the golden lines tcpdump -r
// prints for them. Run: go test ./capture/ -run TestRecordTestdata -update
func TestRecordTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to record testdata")
	}
	for _, r := range recordings {
		t.Run(r.name, func(t *testing.T) {
			l := r.lab(t)
			file, _ := filepath.Abs(filepath.Join("testdata", r.name+".pcap"))
			td := l.startTcpdump(r.node, "-nn", "--immediate-mode", "-i", r.iface, "-w", file)
			r.traffic(l)
			time.Sleep(100 * time.Millisecond)
			td.stop()
			for suffix, args := range map[string][]string{".txt": {"-nn", "-t"}, ".e.txt": {"-nn", "-t", "-e"}} {
				out, err := exec.Command("tcpdump", append(args, "-r", file)...).Output()
				if err != nil {
					t.Fatalf("tcpdump -r %s: %v", file, err)
				}
				writeFile(t, filepath.Join("testdata", r.name+suffix), string(out))
			}
		})
	}
}
