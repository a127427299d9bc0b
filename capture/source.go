package capture

import (
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/google/gopacket"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// packetSocket is an AF_PACKET socket bound to one interface with a
// TPACKET_V3 ring shared with the kernel, as libpcap sets it up for
// tcpdump: the kernel fills blocks of frames and hands a block over when
// it is full or blockTimeout has passed, so a flood costs no system call
// per packet. The socket is read through Go's poller, so Close wakes a
// blocked read. Each frame carries its direction (sockaddr_ll pkttype),
// wire length and kernel timestamp.
type packetSocket struct {
	f    *os.File
	rc   syscall.RawConn
	ring []byte
	anc  []any

	block int    // the block being read
	pkt   uint32 // packets of it already read
	next  uint32 // offset of the next packet in it

	waitBlock func(fd uintptr) bool // built once: reports whether a block is ready
	// loopback: the socket is bound to the loopback device, where every
	// packet is seen twice, leaving and arriving; the leaving copy is
	// dropped, as libpcap does for tcpdump (linux_check_direction).
	loopback bool
	unmap    sync.Once
	// taken counts the frames read out of the ring (those then skipped
	// too), to tell whether the reader has caught up with the kernel.
	taken atomic.Uint64
}

const (
	ringBlockSize = 1 << 18 // 256 KiB
	ringBlocks    = 32      // 8 MiB in all
	ringFrameSize = 1 << 11
	// blockTimeout bounds how long a packet waits in a block that is not
	// full: the delay before a quiet capture shows it.
	blockTimeout = 10 // ms

	blockStatusOff = 8  // tpacket_block_desc.hdr.bh1.block_status
	blockNumOff    = 12 // .num_pkts
	blockFirstOff  = 16 // .offset_to_first_pkt
)

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// openPacketSocket opens a promiscuous packet socket on iface, running
// prog in the kernel if it is not nil. It must run in the interface's
// namespace; the socket stays there afterwards.
func openPacketSocket(iface string, prog []bpf.RawInstruction) (*packetSocket, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("failed to find interface %q: %w", iface, err)
	}
	// Protocol 0 receives nothing until bind, so no packet slips past the filter.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("failed to open packet socket: %w", err)
	}
	ok := false
	var ring []byte
	defer func() {
		if !ok {
			if ring != nil {
				unix.Munmap(ring)
			}
			unix.Close(fd)
		}
	}()
	if prog != nil {
		filter := make([]unix.SockFilter, len(prog))
		for i, ins := range prog {
			filter[i] = unix.SockFilter{Code: ins.Op, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
		}
		fprog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
		if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
			return nil, fmt.Errorf("failed to attach filter on %q: %w", iface, err)
		}
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("failed to set TPACKET_V3 on %q: %w", iface, err)
	}
	req := unix.TpacketReq3{
		Block_size: ringBlockSize, Block_nr: ringBlocks,
		Frame_size: ringFrameSize, Frame_nr: ringBlockSize / ringFrameSize * ringBlocks,
		Retire_blk_tov: blockTimeout,
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("failed to set up the packet ring on %q: %w", iface, err)
	}
	ring, err = unix.Mmap(fd, 0, ringBlockSize*ringBlocks, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("failed to map the packet ring of %q: %w", iface, err)
	}
	mreq := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_PROMISC}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
		return nil, fmt.Errorf("failed to set %q promiscuous: %w", iface, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
		return nil, fmt.Errorf("failed to bind packet socket to %q: %w", iface, err)
	}
	s := &packetSocket{f: os.NewFile(uintptr(fd), "packet:"+iface), ring: ring, anc: make([]any, 1)}
	// libpcap finds the loopback device by its name, "lo", in the namespace.
	if lo, err := net.InterfaceByName("lo"); err == nil && lo.Index == ifi.Index {
		s.loopback = true
	}
	ok = true
	if s.rc, err = s.f.SyscallConn(); err != nil {
		s.Close()
		s.release()
		return nil, err
	}
	s.waitBlock = func(uintptr) bool { return s.blockReady() }
	return s, nil
}

func (s *packetSocket) word(off int) *uint32 { return (*uint32)(unsafe.Pointer(&s.ring[off])) }

func (s *packetSocket) blockReady() bool {
	return atomic.LoadUint32(s.word(s.block*ringBlockSize+blockStatusOff))&unix.TP_STATUS_USER != 0
}

// ReadPacketData implements gopacket.PacketDataSource. The frame's
// Direction is AncillaryData[0]. It must not be called concurrently.
func (s *packetSocket) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	for {
		base := s.block * ringBlockSize
		if s.pkt == 0 {
			if err := s.rc.Read(s.waitBlock); err != nil {
				return nil, gopacket.CaptureInfo{}, err
			}
			s.next = *s.word(base + blockFirstOff)
		}
		if s.pkt < *s.word(base + blockNumOff) {
			h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&s.ring[base+int(s.next)]))
			frame := base + int(s.next)
			// struct sockaddr_ll follows the aligned header; pkttype is at offset 10.
			sll := frame + (int(unsafe.Sizeof(*h))+unix.TPACKET_ALIGNMENT-1)&^(unix.TPACKET_ALIGNMENT-1)
			pktType := s.ring[sll+10]
			s.pkt++
			s.taken.Add(1)
			s.next += h.Next_offset
			if s.loopback && pktType == unix.PACKET_OUTGOING {
				continue // it comes round again as incoming
			}
			data := make([]byte, h.Snaplen)
			copy(data, s.ring[frame+int(h.Mac):])
			wire := int(h.Len)
			// The kernel keeps a received (or offloaded) VLAN tag beside
			// the frame; libpcap's test (VLAN_VALID) puts it back.
			if h.Hv1.Vlan_tci != 0 || h.Status&unix.TP_STATUS_VLAN_VALID != 0 {
				tpid := uint16(0)
				if h.Hv1.Vlan_tpid != 0 || h.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
					tpid = h.Hv1.Vlan_tpid
				}
				data = withVLANTag(data, uint16(h.Hv1.Vlan_tci), tpid)
				wire += vlanTagLen
			}
			s.anc[0] = pktTypeDirection(pktType)
			ci := gopacket.CaptureInfo{
				Timestamp:     time.Unix(int64(h.Sec), int64(h.Nsec)),
				CaptureLength: len(data), Length: wire, AncillaryData: s.anc,
			}
			return data, ci, nil
		}
		// Hand the block back to the kernel and move on.
		atomic.StoreUint32(s.word(base+blockStatusOff), unix.TP_STATUS_KERNEL)
		s.block = (s.block + 1) % ringBlocks
		s.pkt = 0
	}
}

func pktTypeDirection(t uint8) Direction {
	switch t {
	case unix.PACKET_HOST:
		return DirIn
	case unix.PACKET_BROADCAST:
		return DirBroadcast
	case unix.PACKET_MULTICAST:
		return DirMulticast
	case unix.PACKET_OTHERHOST:
		return DirOtherHost
	case unix.PACKET_OUTGOING:
		return DirOut
	}
	return DirUnknown
}

// counters returns what the kernel counted since the last call: the
// packets it queued in the ring and those it dropped for want of room.
func (s *packetSocket) counters() (queued, dropped uint64, err error) {
	var st *unix.TpacketStats
	var serr error
	err = s.rc.Control(func(fd uintptr) {
		st, serr = unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return 0, 0, err
	}
	// For TPACKET_V3 the kernel's packet count includes its drops.
	queued, dropped = uint64(st.Packets), uint64(st.Drops)
	if queued >= dropped {
		queued -= dropped
	}
	return queued, dropped, nil
}

// Close closes the socket, waking a blocked read.
func (s *packetSocket) Close() error { return s.f.Close() }

// release unmaps the ring, after Close, once no reader can touch it.
func (s *packetSocket) release() {
	s.unmap.Do(func() { unix.Munmap(s.ring) })
}
