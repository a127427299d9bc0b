package capture

import (
	"context"
	"encoding/binary"
	"io"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/gopacket"
)

// pingSource is an endless ICMP echo exchange, made up in memory, n frames
// long: a ping flood without the kernel.
type pingSource struct {
	n, i  int
	frame []byte
}

func newPingSource(n int) *pingSource {
	f := make([]byte, 98)
	copy(f, []byte{0x1e, 0x45, 0xd0, 0xdd, 0x5d, 0xb1, 0x86, 0xcc, 0xb4, 0x06, 0x0f, 0x1f, 0x08, 0x00})
	ip := f[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 1
	binary.BigEndian.PutUint16(ip[2:], 84)
	copy(ip[12:], []byte{192, 168, 88, 11, 192, 168, 88, 12})
	ip[20] = 8 // echo request
	return &pingSource{n: n, frame: f}
}

func (s *pingSource) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if s.i >= s.n {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	s.i++
	d := make([]byte, len(s.frame))
	copy(d, s.frame)
	binary.BigEndian.PutUint16(d[14+26:], uint16(s.i)) // icmp seq
	return d, gopacket.CaptureInfo{Timestamp: time.Unix(0, int64(s.i)*1000), CaptureLength: len(d), Length: len(d)}, nil
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// drainPrinting reads a capture to the end, formatting every line as Run does.
func drainPrinting(c *Capture) int {
	n := 0
	for p := range c.Packets() {
		_ = p.Line(false)
		n++
	}
	return n
}

// TestMemoryFlatUnderFlood pushes a long ping flood through a capture
// with a 1000-packet ring and checks the heap stays flat: what the ring
// holds, not what went through it.
func TestMemoryFlatUnderFlood(t *testing.T) {
	run := func(n int) uint64 {
		c, err := openSources([]Target{{Node: "ns01", Iface: "veth01"}}, []gopacket.PacketDataSource{newPingSource(n)}, Options{RingSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		drainPrinting(c)
		c.Close()
		if got := c.Ring().Len(); got != 1000 {
			t.Fatalf("ring holds %d packets, want 1000", got)
		}
		h := heapInUse()
		runtime.KeepAlive(c)
		return h
	}
	small, large := run(10_000), run(300_000)
	t.Logf("heap in use after 10k packets: %d KiB, after 300k: %d KiB", small>>10, large>>10)
	if large > small+2<<20 {
		t.Errorf("heap grew from %d to %d bytes between 10k and 300k packets", small, large)
	}
}

// BenchmarkRing reports the bytes allocated per packet going through the
// capture pipeline and the heap in use at the end.
func BenchmarkRing(b *testing.B) {
	c, _ := openSources([]Target{{Node: "ns01", Iface: "veth01"}}, []gopacket.PacketDataSource{newPingSource(b.N)}, Options{RingSize: 1000})
	b.ReportAllocs()
	drainPrinting(c)
	c.Close()
	b.ReportMetric(float64(heapInUse())/(1<<20), "heap-MiB")
}

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingWriter counts the lines Run prints.
type countingWriter struct{ lines atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			w.lines.Add(1)
		}
	}
	return len(p), nil
}

// BenchmarkCaptureVsTcpdump floods pings between two namespaces for 5 s
// and captures on ns01:veth01 with tcpdump -nn and with Run (which prints
// every line) at the same time. It reports how many packets each saw and
// the CPU each used per packet: tcpdump's from getrusage of the child,
// ours as this process's CPU time during the flood minus the same time
// idle. Needs root:
//
//	go test ./capture/ -run '^$' -bench BenchmarkCaptureVsTcpdump -benchtime 1x
func BenchmarkCaptureVsTcpdump(b *testing.B) {
	for i := 0; i < b.N; i++ {
		l := bridgeLab(b)
		upBridgeLab(l)
		l.mustRun("ns01", "ping", "-c", "1", "192.168.88.12") // settle ARP

		idleStart := cpuSelf()
		time.Sleep(time.Second)
		idle := cpuSelf() - idleStart

		td := l.startTcpdumpMode("ns01", true, "-nn", "-i", "veth01")
		target := Target{Node: "ns01", NSPath: l.node("ns01").path(), Iface: "veth01"}
		ctx, cancel := context.WithCancel(context.Background())
		var out countingWriter
		done := make(chan error, 1)
		c, err := Open([]Target{target}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		go func() { done <- run(ctx, &out, c, Options{}) }()

		start := cpuSelf()
		const flood = 5 * time.Second
		l.run("ns01", "ping", "-f", "-q", "-w", "5", "192.168.88.12")
		time.Sleep(1500 * time.Millisecond) // tcpdump hands over a TPACKET_V3 block after 1 s
		ours := cpuSelf() - start - idle*(flood+1500*time.Millisecond)/time.Second
		st := c.Stats()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		td.stop()
		tdPkts := float64(td.lines)
		ourPkts := float64(out.lines.Load() - 2)
		b.ReportMetric(ourPkts, "ours-pkts")
		b.ReportMetric(tdPkts, "tcpdump-pkts")
		b.ReportMetric(100*ourPkts/tdPkts, "ours-%-of-tcpdump")
		b.ReportMetric(float64(ours.Microseconds())/ourPkts, "ours-cpu-µs/pkt")
		b.ReportMetric(float64(td.cpu().Microseconds())/tdPkts, "tcpdump-cpu-µs/pkt")
		b.ReportMetric(float64(st.KernelDrops), "ours-kernel-drops")
		b.ReportMetric(float64(heapInUse())/(1<<20), "heap-MiB")
		b.Logf("ours: %.0f packets, %v CPU, %d kernel drops; tcpdump: %.0f packets, %v CPU",
			ourPkts, ours, st.KernelDrops, tdPkts, td.cpu())
	}
}
