package tui

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs"
	"github.com/netlab/netlab/labs/runner"
)

// fakeDriver plays a lab without a kernel: every step passes, show
// commands print a fixed line, and the snapshot is fixed.
type fakeDriver struct {
	mu       sync.Mutex
	lab      *labs.Lab
	applied  []runner.StepState
	byHandOK bool
	closed   bool
	// stepPackets, when set, are what every step with a capture reports
	// having seen (real frames, summarised as the runner does).
	stepPackets []capture.Packet
	// skip, when set, is why every step is passed over (a kernel without
	// the feature the step needs), as the runner reports it.
	skip string
}

func (f *fakeDriver) Lab() *labs.Lab { return f.lab }

func (f *fakeDriver) Step() (*runner.StepReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.applied)
	if i >= len(f.lab.Steps) {
		return nil, runner.ErrAllDone
	}
	st := f.lab.Steps[i]
	if f.skip != "" {
		f.applied = append(f.applied, runner.StepState{Index: i + 1, Title: st.Title, Skipped: f.skip})
		return &runner.StepReport{Index: i + 1, Title: st.Title, Skipped: f.skip}, nil
	}
	rep := &runner.StepReport{Index: i + 1, Title: st.Title, OK: true}
	for _, c := range st.Commands {
		cr := runner.CommandReport{Text: c.Text, Node: st.Node}
		if !c.Parsed.Mutating() {
			cr.Output = "output of " + c.Text + "\n"
		} else {
			rep.Checks = append(rep.Checks, runner.CheckReport{Command: c.Text, OK: true})
		}
		rep.Commands = append(rep.Commands, cr)
	}
	for _, e := range st.Expect {
		rep.Expects = append(rep.Expects, runner.ExpectReport{What: string(e.Kind) + " " + e.Text, OK: true})
	}
	for _, p := range f.stepPackets {
		if len(st.Capture) > 0 {
			rep.Packets = append(rep.Packets, runner.PacketLine{Label: p.Label(), Dir: p.Dir.String(), Time: p.Timestamp(), Summary: p.Summary(false)})
		}
	}
	for _, t := range st.Capture {
		if f.stepPackets != nil {
			break
		}
		rep.Packets = append(rep.Packets, runner.PacketLine{Label: t.String(), Dir: "P", Time: "12:00:00.000000",
			Summary: "ARP, Request who-has 192.168.88.12 tell 192.168.88.11, length 28"})
	}
	rep.Changes = []engine.Change{
		{Node: "host", Kind: "link", Op: "+", New: fmt.Sprintf("thing%d bridge up", i+1)},
		{Node: "host", Kind: "sysctl", Op: "~", Old: "net.ipv4.ip_forward = 0", New: "net.ipv4.ip_forward = 1"},
		{Node: "ns01", Kind: "route", Op: "-", Old: "default via 192.168.88.1 dev veth01"},
	}
	f.applied = append(f.applied, runner.StepState{Index: i + 1, Title: st.Title})
	return rep, nil
}

func (f *fakeDriver) Undo() (*runner.UndoReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.applied) == 0 {
		return nil, errors.New("no step to undo")
	}
	last := f.applied[len(f.applied)-1]
	f.applied = f.applied[:len(f.applied)-1]
	return &runner.UndoReport{Index: last.Index, Title: last.Title,
		Changes: []engine.Change{{Node: "host", Kind: "link", Op: "-", Old: fmt.Sprintf("thing%d bridge up", last.Index)}}}, nil
}

func (f *fakeDriver) CheckByHand(before *engine.Snapshot) (*runner.StepReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.applied)
	st := f.lab.Steps[i]
	rep := &runner.StepReport{Index: i + 1, Title: st.Title, ByHand: true, OK: f.byHandOK}
	for _, c := range st.Commands {
		if c.Parsed.Mutating() {
			cr := runner.CheckReport{Command: c.Text, OK: f.byHandOK}
			if !f.byHandOK {
				cr.Problem = "not found in the kernel"
			}
			rep.Checks = append(rep.Checks, cr)
		}
	}
	if f.byHandOK {
		f.applied = append(f.applied, runner.StepState{Index: i + 1, Title: st.Title, ByHand: true})
	}
	return rep, nil
}

func (f *fakeDriver) Snapshot() (*engine.Snapshot, error) { return fakeSnapshot(), nil }

func (f *fakeDriver) SnapshotBeforeShell() (*engine.Snapshot, error) { return fakeSnapshot(), nil }

func (f *fakeDriver) Progress() ([]runner.StepState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]runner.StepState(nil), f.applied...), nil
}

func (f *fakeDriver) Nodes() []string     { return []string{"host", "internet", "ns01"} }
func (f *fakeDriver) DefaultNode() string { return "host" }
func (f *fakeDriver) Close()              { f.mu.Lock(); f.closed = true; f.mu.Unlock() }

func (f *fakeDriver) Targets(ts []labs.CaptureTarget) []capture.Target {
	var out []capture.Target
	for _, t := range ts {
		out = append(out, capture.Target{Node: t.Node, NSPath: "/fake/" + t.Node, Iface: t.Iface})
	}
	return out
}

func fakeSnapshot() *engine.Snapshot {
	return &engine.Snapshot{Order: []string{"host", "internet", "ns01"}, Nodes: map[string]*engine.NodeSnap{
		"host": {Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "br-veth01", Kind: "veth", Up: true, Master: "br01", Peer: "ns01/veth01"},
			{Name: "br01", Kind: "bridge", Up: true, Addrs: []engine.AddrSnap{{CIDR: "192.168.88.1/24"}}},
			{Name: "eth0", Kind: "veth", Up: true, Peer: "internet/wan0", Addrs: []engine.AddrSnap{{CIDR: "198.51.100.2/24"}}},
			{Name: "lo", Kind: "device", Up: false},
		}, Routes: []engine.RouteSnap{{Text: "default via 198.51.100.1 dev eth0", Gw: "198.51.100.1"}},
			Sysctls:  map[string]string{"net.ipv4.ip_forward": "1"},
			Iptables: map[string][]string{"nat": {":POSTROUTING ACCEPT", "-A POSTROUTING -s 192.168.88.0/24 -j MASQUERADE"}}},
		"internet": {Kind: engine.KindHost, Links: []engine.LinkSnap{
			{Name: "lo", Kind: "device", Up: true, Addrs: []engine.AddrSnap{{CIDR: "127.0.0.1/8"}, {CIDR: "203.0.113.10/32"}}},
			{Name: "wan0", Kind: "veth", Up: true, Peer: "host/eth0", Addrs: []engine.AddrSnap{{CIDR: "198.51.100.1/24"}}},
		}, Sysctls: map[string]string{}},
		"ns01": {Kind: engine.KindNetns, Parent: "host", Links: []engine.LinkSnap{
			{Name: "veth01", Kind: "veth", Up: false, Peer: "host/br-veth01"},
		}, Sysctls: map[string]string{}},
	}}
}

// fakeBackend hands out fake sessions and fake captures.
type fakeBackend struct {
	mu       sync.Mutex
	running  *fakeDriver
	resets   int
	sources  []*fakeSource
	captures [][]capture.Target
	shells   []string
	byHandOK bool
	// stepPackets go to the sessions Start makes (fakeDriver.stepPackets).
	stepPackets []capture.Packet
	skip        string // fakeDriver.skip of the sessions Start makes
}

// The built-in labs, read once for the whole test binary (in init, where
// no harness is timing commands): under the race detector reading four
// labs with their translations takes longer than the harness gives a
// command before it takes it for a reader waiting on packets.
var (
	fakeSums  []labs.Summary
	fakeLabs  = map[string]*labs.Lab{}
	fakeLabsE error
)

func init() {
	fakeSums, fakeLabsE = labs.List("")
	for _, s := range fakeSums {
		if l, err := labs.Find(s.ID, ""); err == nil {
			fakeLabs[s.ID] = l
		}
	}
}

func (b *fakeBackend) Labs() ([]labs.Summary, error) {
	return append([]labs.Summary(nil), fakeSums...), fakeLabsE
}

// Find returns the built-in lab read at init (a copy of its top level;
// tests do not change steps) or reads the lab again.
func (b *fakeBackend) Find(id string) (*labs.Lab, error) {
	if l, ok := fakeLabs[id]; ok {
		c := *l
		return &c, nil
	}
	return labs.Find(id, "")
}

func (b *fakeBackend) Open() (Driver, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running == nil {
		return nil, fmt.Errorf("open: %w", engine.ErrNoSession)
	}
	return b.running, nil
}

func (b *fakeBackend) Start(lab *labs.Lab) (Driver, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running != nil {
		return nil, errors.New("a lab session is already running")
	}
	b.running = &fakeDriver{lab: lab, byHandOK: b.byHandOK, stepPackets: b.stepPackets, skip: b.skip}
	return b.running, nil
}

func (b *fakeBackend) Reset() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running = nil
	b.resets++
	return nil
}

func (b *fakeBackend) Capture(targets []capture.Target) (PacketSource, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &fakeSource{ch: make(chan capture.Packet, 4096)}
	b.sources = append(b.sources, s)
	b.captures = append(b.captures, targets)
	return s, nil
}

func (b *fakeBackend) Shell(node string) *exec.Cmd {
	b.mu.Lock()
	b.shells = append(b.shells, node)
	b.mu.Unlock()
	return exec.Command("true")
}

// fakeSource is a live capture fed by the test.
type fakeSource struct {
	ch     chan capture.Packet
	once   sync.Once
	mu     sync.Mutex
	closed bool
}

func (s *fakeSource) Packets() <-chan capture.Packet { return s.ch }
func (s *fakeSource) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.ch)
		s.mu.Unlock()
	})
	return nil
}

// flowLab is testdata/flow.yaml: two steps with explanations, the second
// with a question, and markdown bold in the texts.
func flowLab(t testing.TB) *labs.Lab {
	t.Helper()
	lab, err := labs.LoadFile("testdata/flow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// manyPackets is more packets than a step's outcome lists (packetsShown).
func manyPackets(t testing.TB) []capture.Packet {
	var ps []capture.Packet
	for range 3 {
		ps = append(ps, natPackets(t)...)
	}
	return ps
}

func bridgeLab(t testing.TB) *labs.Lab {
	t.Helper()
	lab, err := labs.Find("bridge", "")
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

// base is a fixed time so golden screens never change.
var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.Local)

var (
	macNS01 = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x11}
	macNS02 = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x12}
	macBr   = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	macWAN  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x99}
)

func frame(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func arpRequest(t testing.TB, from net.HardwareAddr, src, dst string) []byte {
	eth := &layers.Ethernet{SrcMAC: from, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP}
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: from, SourceProtAddress: net.ParseIP(src).To4(),
		DstHwAddress: make([]byte, 6), DstProtAddress: net.ParseIP(dst).To4()}
	return frame(t, eth, arp)
}

func icmpEcho(t testing.TB, smac, dmac net.HardwareAddr, src, dst string, ipid, seq uint16, reply bool) []byte {
	typ := layers.ICMPv4TypeEchoRequest
	if reply {
		typ = layers.ICMPv4TypeEchoReply
	}
	eth := &layers.Ethernet{SrcMAC: smac, DstMAC: dmac, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: ipid, Protocol: layers.IPProtocolICMPv4,
		SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(uint8(typ), 0), Id: 4242, Seq: seq}
	return frame(t, eth, ip, icmp, gopacket.Payload(make([]byte, 56)))
}

func pkt(node, iface string, dir capture.Direction, ms int, data []byte) capture.Packet {
	return capture.Packet{Time: base.Add(time.Duration(ms) * time.Millisecond), Node: node, Iface: iface, Dir: dir, Data: data, Length: len(data)}
}

// natPackets is a ping from ns02 leaving through eth0 after MASQUERADE,
// and its reply, as captured on br01 and eth0.
func natPackets(t testing.TB) []capture.Packet {
	return []capture.Packet{
		pkt("host", "br01", capture.DirBroadcast, 0, arpRequest(t, macNS02, "192.168.88.12", "192.168.88.1")),
		pkt("host", "br01", capture.DirIn, 1, icmpEcho(t, macNS02, macBr, "192.168.88.12", "203.0.113.10", 777, 1, false)),
		pkt("host", "eth0", capture.DirOut, 2, icmpEcho(t, macBr, macWAN, "198.51.100.2", "203.0.113.10", 777, 1, false)),
		pkt("host", "eth0", capture.DirIn, 3, icmpEcho(t, macWAN, macBr, "203.0.113.10", "198.51.100.2", 9001, 1, true)),
		pkt("host", "br01", capture.DirOut, 4, icmpEcho(t, macBr, macNS02, "203.0.113.10", "192.168.88.12", 9001, 1, true)),
	}
}

var runnerReportFailed = runner.StepReport{Index: 1, Title: "Create the bridge br01", Error: `"brctl addbr br01": bridge br01 exists`,
	Commands: []runner.CommandReport{{Text: "brctl addbr br01", Node: "host", Error: "bridge br01 exists"}}}

// send feeds p to the live (not closed) sources.
func (b *fakeBackend) send(ps ...capture.Packet) {
	b.mu.Lock()
	srcs := append([]*fakeSource(nil), b.sources...)
	b.mu.Unlock()
	for _, s := range srcs {
		s.mu.Lock()
		if !s.closed {
			for _, p := range ps {
				s.ch <- p
			}
		}
		s.mu.Unlock()
	}
}
