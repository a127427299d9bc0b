package capture

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/gopacket"
	"golang.org/x/net/bpf"
)

// Options configure a capture.
type Options struct {
	// Filter is a tcpdump-style expression (see Filter); empty keeps all.
	Filter string
	// ShowBackground shows the chatter interfaces make on their own (IPv6
	// neighbour discovery, router solicitations, MLD, IGMP), hidden by
	// default.
	ShowBackground bool
	// RingSize is how many of the newest packets the capture keeps
	// (default 1000).
	RingSize int
	// Count stops Run after this many packets; 0 runs until cancelled.
	Count int
	// LinkLevel prints Ethernet addresses, as tcpdump -e; every packet
	// the capture delivers carries it (Packet.LinkLevel).
	LinkLevel bool
	// Verbose is tcpdump's -v count (0, 1 or 2), carried by every packet
	// the capture delivers (Packet.Verbose).
	Verbose int
	// WriteFile, for Run, also writes every packet to this pcap file.
	WriteFile string
}

// DefaultRingSize is the ring's size when Options.RingSize is 0.
const DefaultRingSize = 1000

// reorderWindow is how long packets from several interfaces wait so they
// come out in time order.
const reorderWindow = 10 * blockTimeout * time.Millisecond

// Stats counts what a capture has seen.
type Stats struct {
	Seen        uint64 // packets that passed the filter
	KernelDrops uint64 // packets the kernel dropped because we were too slow (PACKET_STATISTICS)
	Unread      uint64 // packets not delivered on Packets() because nobody was reading (still in the ring)
}

// Capture reads packets from one or more interfaces, merged in time order.
type Capture struct {
	filter     *Filter
	userFilter bool // the filter runs in user space (no kernel BPF)
	showBG     bool
	verbose    int
	linkLevel  bool

	ring *Ring
	out  chan Packet

	sources []*source
	in      chan Packet
	wg      sync.WaitGroup
	stop    chan struct{}
	once    sync.Once

	seen, drops, unread atomic.Uint64
	queued              atomic.Uint64 // frames the kernel put in the rings (PACKET_STATISTICS)
}

// source is one interface (or file) being read.
type source struct {
	target Target
	data   gopacket.PacketDataSource
	sock   *packetSocket // nil for files
	tcp    tcpTracker
}

// Open starts capturing on the targets: a promiscuous AF_PACKET socket per
// interface, opened inside its node's namespace, with the filter compiled
// to BPF in the kernel where it fits.
func Open(targets []Target, opts Options) (*Capture, error) {
	if len(targets) == 0 {
		return nil, errors.New("capture: no interface to capture on")
	}
	f, err := ParseFilter(opts.Filter)
	if err != nil {
		return nil, err
	}
	var raw []bpf.RawInstruction
	prog, err := f.BPF()
	if err == nil {
		raw, err = bpf.Assemble(prog)
	}
	userFilter := err != nil
	var srcs []gopacket.PacketDataSource
	closeAll := func() {
		for _, s := range srcs {
			s.(*packetSocket).Close()
			s.(*packetSocket).release()
		}
	}
	for _, t := range targets {
		var s *packetSocket
		err := inNamespace(t.NSPath, func() (err error) {
			s, err = openPacketSocket(t.Iface, raw)
			return err
		})
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("capture on %s: %w", t, err)
		}
		srcs = append(srcs, s)
	}
	return newCapture(targets, srcs, f, userFilter, opts), nil
}

// openSources captures from recorded data, e.g. pcap files: the filter
// always runs in user space. Each source ends at io.EOF.
func openSources(targets []Target, srcs []gopacket.PacketDataSource, opts Options) (*Capture, error) {
	f, err := ParseFilter(opts.Filter)
	if err != nil {
		return nil, err
	}
	return newCapture(targets, srcs, f, true, opts), nil
}

func newCapture(targets []Target, srcs []gopacket.PacketDataSource, f *Filter, userFilter bool, opts Options) *Capture {
	size := opts.RingSize
	if size <= 0 {
		size = DefaultRingSize
	}
	c := &Capture{
		filter:     f,
		userFilter: userFilter,
		showBG:     opts.ShowBackground,
		verbose:    opts.Verbose,
		linkLevel:  opts.LinkLevel,
		ring:       NewRing(size),
		out:        make(chan Packet, 4096),
		in:         make(chan Packet, 1024),
		stop:       make(chan struct{}),
	}
	for i, d := range srcs {
		s := &source{target: targets[i], data: d}
		s.sock, _ = d.(*packetSocket)
		c.sources = append(c.sources, s)
	}
	var readers sync.WaitGroup
	for _, s := range c.sources {
		readers.Add(1)
		go func() {
			defer readers.Done()
			c.read(s)
		}()
	}
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		readers.Wait()
		close(c.in)
	}()
	go func() {
		defer c.wg.Done()
		c.merge()
	}()
	return c
}

// read turns one source's frames into Packets until it ends or is closed.
func (c *Capture) read(s *source) {
	for {
		data, ci, err := s.data.ReadPacketData()
		if err != nil {
			return // io.EOF, or the socket was closed
		}
		if c.userFilter && !c.filter.Match(data) {
			continue
		}
		if !c.showBG && isBackground(data) {
			continue
		}
		p := Packet{Time: ci.Timestamp, Host: s.target.Host, Node: s.target.Node, Iface: s.target.Iface,
			Data: data, Length: ci.Length, Verbose: c.verbose, LinkLevel: c.linkLevel || s.target.LinkLevel, tcp: s.tcp.observe(data)}
		if len(ci.AncillaryData) > 0 {
			p.Dir, _ = ci.AncillaryData[0].(Direction)
		}
		if len(c.sources) == 1 {
			// Already in time order: skip the hop through merge.
			c.deliver(p)
			continue
		}
		select {
		case c.in <- p:
		case <-c.stop:
			return
		}
	}
}

// merge puts packets in the ring and on the channel, in time order across
// sources: with several, each waits reorderWindow for older ones.
func (c *Capture) merge() {
	defer close(c.out)
	var h packetHeap
	tick := time.NewTicker(reorderWindow / 2)
	defer tick.Stop()
	flush := func(all bool) {
		limit := time.Now().Add(-reorderWindow)
		for len(h) > 0 && (all || h[0].Time.Before(limit)) {
			c.deliver(heap.Pop(&h).(Packet))
		}
	}
	for {
		select {
		case p, ok := <-c.in:
			if !ok {
				flush(true)
				return
			}
			heap.Push(&h, p)
			flush(false)
		case <-tick.C:
			flush(false)
		}
	}
}

func (c *Capture) deliver(p Packet) {
	c.ring.Add(p)
	c.seen.Add(1)
	select {
	case c.out <- p:
	default:
		c.unread.Add(1)
	}
}

type packetHeap []Packet

func (h packetHeap) Len() int           { return len(h) }
func (h packetHeap) Less(i, j int) bool { return h[i].Time.Before(h[j].Time) }
func (h packetHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *packetHeap) Push(x any)        { *h = append(*h, x.(Packet)) }
func (h *packetHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	old[len(old)-1] = Packet{}
	*h = old[:len(old)-1]
	return p
}

// Packets delivers packets in time order; it is closed when the capture
// ends. A reader that falls behind misses packets on the channel (counted
// in Stats.Unread) but they stay in the Ring.
func (c *Capture) Packets() <-chan Packet { return c.out }

// Ring holds the newest packets.
func (c *Capture) Ring() *Ring { return c.ring }

// Stats returns the counters so far.
func (c *Capture) Stats() Stats {
	for _, s := range c.sources {
		if s.sock != nil {
			if q, d, err := s.sock.counters(); err == nil {
				c.queued.Add(q)
				c.drops.Add(d)
			}
		}
	}
	return Stats{Seen: c.seen.Load(), KernelDrops: c.drops.Load(), Unread: c.unread.Load()}
}

// Behind reports whether the kernel has queued frames in the capture's
// rings that its readers have not taken out yet: a reader starved of CPU
// (a loaded machine) is still to deliver them, however long the wire has
// been quiet. A caller waiting for the last packets of a burst waits
// while it is behind.
func (c *Capture) Behind() bool {
	c.Stats()
	var taken uint64
	for _, s := range c.sources {
		if s.sock != nil {
			taken += s.sock.taken.Load()
		}
	}
	return c.queued.Load() > taken
}

// WritePcap writes the last n packets of the ring (all when n <= 0) to w
// as a pcap file.
func (c *Capture) WritePcap(w io.Writer, n int) error {
	return WritePcap(w, c.ring.Last(n))
}

// Close stops the capture and waits for its goroutines. Packets still
// buffered on Packets() can be read after it returns; then it is closed.
func (c *Capture) Close() error {
	c.once.Do(func() {
		c.Stats() // collect the last kernel drop counts before the sockets go
		close(c.stop)
		for _, s := range c.sources {
			if cl, ok := s.data.(interface{ Close() error }); ok {
				cl.Close()
			}
		}
		c.wg.Wait()
		for _, s := range c.sources {
			if s.sock != nil {
				s.sock.release() // no reader is left to touch the ring
			}
		}
	})
	return nil
}
