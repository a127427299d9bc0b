package tui

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// flowKey identifies one packet across the interfaces it crosses, with
// what NAT does not rewrite: for IPv4 the IP id, protocol and, for ICMP,
// type and sequence (MASQUERADE may change addresses and the echo id);
// for ARP the operation, sender MAC and the two addresses.
type flowKey struct {
	arp                bool
	op                 uint16
	mac, spa, tpa      string
	ipID               uint16
	proto              uint8
	icmpType, icmpCode uint8
	icmpSeq            uint16
	length             uint16 // for non-ICMP: the IP payload length
}

// keyOf reads a frame's flow key; ok is false for what cannot be followed.
// A VXLAN packet is followed by its inner frame, so it matches the same
// frame seen on either side of the overlay.
func keyOf(d []byte) (k flowKey, src, dst string, ok bool) {
	for depth := 0; depth < 2; depth++ {
		if len(d) < 14 {
			return k, "", "", false
		}
		et, off := binary.BigEndian.Uint16(d[12:14]), 14
		if et == etherVLAN && len(d) >= 18 {
			et, off = binary.BigEndian.Uint16(d[16:18]), 18
		}
		p := d[off:]
		switch et {
		case etherARP:
			if len(p) < 28 {
				return k, "", "", false
			}
			k = flowKey{arp: true, op: binary.BigEndian.Uint16(p[6:8]), mac: net.HardwareAddr(p[8:14]).String(),
				spa: net.IP(p[14:18]).String(), tpa: net.IP(p[24:28]).String()}
			return k, k.spa, k.tpa, true
		case etherIPv4:
			if len(p) < 20 {
				return k, "", "", false
			}
			ihl := int(p[0]&0x0f) * 4
			if ihl < 20 || len(p) < ihl {
				return k, "", "", false
			}
			k = flowKey{ipID: binary.BigEndian.Uint16(p[4:6]), proto: p[9]}
			src, dst = net.IP(p[12:16]).String(), net.IP(p[16:20]).String()
			l4 := p[ihl:]
			switch {
			case k.proto == 1 && len(l4) >= 8:
				k.icmpType, k.icmpCode = l4[0], l4[1]
				k.icmpSeq = binary.BigEndian.Uint16(l4[6:8])
			case k.proto == 17 && len(l4) >= 16 && binary.BigEndian.Uint16(l4[2:4]) == 4789:
				d = l4[16:] // the VXLAN frame inside
				continue
			default:
				k.length = binary.BigEndian.Uint16(p[2:4]) - uint16(ihl)
			}
			return k, src, dst, true
		default:
			return k, "", "", false
		}
	}
	return k, "", "", false
}

// followWindow is how far apart in time two sightings of one packet may be.
const followWindow = 2 * time.Second

// hop is one place a followed packet was seen.
type hop struct {
	e        *pktEntry
	src, dst string
}

// followModel lists every place the selected packet was seen.
type followModel struct {
	open   bool
	hops   []hop
	reason string // why nothing can be followed
}

// follow finds the packet e among entries, in time order.
func follow(e *pktEntry, entries []*pktEntry) followModel {
	if e == nil || !e.hasData {
		return followModel{open: true, reason: "only packets captured live can be followed: select one with ↑/↓ first"}
	}
	want, _, _, ok := keyOf(e.pkt.Data)
	if !ok {
		return followModel{open: true, reason: "netlab follows ARP and IPv4 packets; this one is neither"}
	}
	var fm followModel
	fm.open = true
	for _, o := range entries {
		if !o.hasData {
			continue
		}
		dt := o.pkt.Time.Sub(e.pkt.Time)
		if dt < -followWindow || dt > followWindow {
			continue
		}
		if k, src, dst, ok := keyOf(o.pkt.Data); ok && k == want {
			fm.hops = append(fm.hops, hop{e: o, src: src, dst: dst})
		}
	}
	return fm
}

func (f *followModel) view(ctx *shared, w, h int) string {
	st := ctx.st
	lines := []string{st.Bold.Render("Follow the packet"), ""}
	if f.reason != "" {
		lines = append(lines, f.reason)
	} else {
		var path []string
		for _, hp := range f.hops {
			path = append(path, hp.e.label)
		}
		lines = append(lines, ansi.Wrap(fmt.Sprintf("seen %d time(s): %s", len(f.hops), strings.Join(path, " -> ")), w-6, " "))
		lines = append(lines, "")
		first := f.hops[0]
		for i, hp := range f.hops {
			line := fmt.Sprintf("%s %-14s %-3s %s", hp.e.time, hp.e.label, hp.e.dir, hp.e.text())
			lines = append(lines, kindStyle(st, hp.e.kind).Render(ansi.Truncate(line, w-6, "…")))
			if i > 0 && (hp.src != first.src || hp.dst != first.dst) {
				var what []string
				if hp.src != first.src {
					what = append(what, fmt.Sprintf("source %s -> %s", first.src, hp.src))
				}
				if hp.dst != first.dst {
					what = append(what, fmt.Sprintf("destination %s -> %s", first.dst, hp.dst))
				}
				lines = append(lines, st.Warn.Render(ansi.Truncate("    rewritten (NAT): "+strings.Join(what, ", "), w-6, "…")))
			}
		}
	}
	lines = append(lines, "", st.Subtle.Render("esc closes"))
	if len(lines) > h-2 {
		lines = lines[:h-2]
	}
	return st.Dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}
