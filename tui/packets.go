package tui

import (
	"encoding/binary"
	"strings"

	"github.com/netlab/netlab/capture"
	"github.com/netlab/netlab/labs/runner"
)

// pktKind decides a capture line's colour.
type pktKind int

const (
	kindOther pktKind = iota
	kindARP
	kindRequest // ICMP echo request
	kindReply   // ICMP echo reply
	kindError   // ICMP unreachable, time exceeded, ...
	kindMarker  // not a packet: "step 9 ran"
)

// pktEntry is one line of the capture pane: a live packet (with its bytes,
// so it can be filtered, followed and saved) or a line from a step report
// (text only) or a marker.
type pktEntry struct {
	pkt     capture.Packet
	hasData bool
	label   string
	dir     string
	time    string
	summary string // computed on first display: a flood is never summarised
	kind    pktKind
}

func newLiveEntry(p capture.Packet) *pktEntry {
	return &pktEntry{pkt: p, hasData: true, label: p.Where(), dir: p.Dir.String(),
		time: p.Time.Format("15:04:05.000"), kind: kindOf(p.Data)}
}

func newReportEntry(p runner.PacketLine) *pktEntry {
	t := p.Time
	if len(t) > len("15:04:05.000") {
		t = t[:len("15:04:05.000")]
	}
	sum := oneLine(p.Summary)
	return &pktEntry{label: p.Label, dir: p.Dir, time: t, summary: sum, kind: kindOfText(sum)}
}

func newMarker(text string) *pktEntry { return &pktEntry{summary: text, kind: kindMarker} }

// text is the packet's tcpdump words on one line.
func (e *pktEntry) text() string {
	if e.summary == "" && e.hasData {
		e.summary = oneLine(e.pkt.Summary(false))
	}
	return e.summary
}

// oneLine joins a summary's lines (VXLAN's inner frame, -v's IP fields,
// -v's HTTP header lines after a tab) with " | ": a pane row has no tab.
func oneLine(s string) string {
	return lineJoiner.Replace(strings.TrimRight(s, "\n"))
}

var lineJoiner = strings.NewReplacer("\n\t", " | ", "\n", " | ", "\t", " ")

const (
	etherARP  = 0x0806
	etherIPv4 = 0x0800
	etherVLAN = 0x8100
)

// kindOf classifies a frame from its bytes, without a full decode.
func kindOf(d []byte) pktKind {
	if len(d) < 14 {
		return kindOther
	}
	et := binary.BigEndian.Uint16(d[12:14])
	off := 14
	if et == etherVLAN && len(d) >= 18 {
		et, off = binary.BigEndian.Uint16(d[16:18]), 18
	}
	switch et {
	case etherARP:
		return kindARP
	case etherIPv4:
		ip := d[off:]
		if len(ip) < 20 || ip[9] != 1 {
			return kindOther
		}
		ihl := int(ip[0]&0x0f) * 4
		if len(ip) < ihl+1 {
			return kindOther
		}
		switch ip[ihl] {
		case 8:
			return kindRequest
		case 0:
			return kindReply
		case 3, 4, 5, 11, 12:
			return kindError
		}
	}
	return kindOther
}

// kindOfText classifies a report line, which has no bytes.
func kindOfText(s string) pktKind {
	switch {
	case strings.Contains(s, "ARP"):
		return kindARP
	case strings.Contains(s, "echo request"):
		return kindRequest
	case strings.Contains(s, "echo reply"):
		return kindReply
	case strings.Contains(s, "unreachable"), strings.Contains(s, "exceeded"):
		return kindError
	}
	return kindOther
}
