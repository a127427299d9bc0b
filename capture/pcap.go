package capture

import (
	"bufio"
	"io"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// pcapSnaplen is the snapshot length written in pcap headers, tcpdump's default.
const pcapSnaplen = 262144

// WritePcap writes packets to w as a pcap file (Ethernet, microsecond
// timestamps) that tcpdump -r and Wireshark open.
func WritePcap(w io.Writer, pkts []Packet) error {
	pw, err := newPcapWriter(w)
	if err != nil {
		return err
	}
	for i := range pkts {
		if err := pw.write(&pkts[i]); err != nil {
			return err
		}
	}
	return pw.flush()
}

// pcapWriter streams packets to a pcap file.
type pcapWriter struct {
	buf *bufio.Writer
	w   *pcapgo.Writer
}

func newPcapWriter(w io.Writer) (*pcapWriter, error) {
	buf := bufio.NewWriter(w)
	pw := pcapgo.NewWriter(buf)
	if err := pw.WriteFileHeader(pcapSnaplen, layers.LinkTypeEthernet); err != nil {
		return nil, err
	}
	return &pcapWriter{buf: buf, w: pw}, nil
}

func (pw *pcapWriter) write(p *Packet) error {
	length := p.Length
	if length < len(p.Data) {
		length = len(p.Data)
	}
	ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: length}
	return pw.w.WritePacket(ci, p.Data)
}

func (pw *pcapWriter) flush() error { return pw.buf.Flush() }
