package tui

import (
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/netlab/netlab/engine"
	"github.com/netlab/netlab/labs/i18n"
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

// followModel is the path of the selected packet: every place it was seen,
// in time order, drawn on the map of the lab; pos is the hop the student
// has stepped to (←/→).
type followModel struct {
	ctx     *shared
	hops    []hop
	reason  func() string    // why nothing can be followed, in the current language
	notLive bool             // the selection is no packet captured live
	pos     int              // the current hop, from 0
	snap    *engine.Snapshot // the lab's map; nil draws the path alone
}

// follow finds the packet e among entries, in time order.
func follow(e *pktEntry, entries []*pktEntry) followModel {
	if e == nil || !e.hasData {
		return followModel{notLive: true}
	}
	want, _, _, ok := keyOf(e.pkt.Data)
	if !ok {
		return followModel{reason: func() string {
			return i18n.T("tui.follow.unsupported", "netlab follows ARP and IPv4 packets; this one is neither")
		}}
	}
	var fm followModel
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
	sort.SliceStable(fm.hops, func(i, j int) bool { return fm.hops[i].e.pkt.Time.Before(fm.hops[j].e.pkt.Time) })
	for i, hp := range fm.hops {
		if hp.e == e {
			fm.pos = i
		}
	}
	return fm
}

// Update steps along the path, or closes the view.
func (f *followModel) Update(msg tea.KeyMsg) (dialog, tea.Cmd) {
	k := f.ctx.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Follow), key.Matches(msg, k.Quit):
		return nil, nil
	case key.Matches(msg, k.HopNext):
		f.pos = min(f.pos+1, max(len(f.hops)-1, 0))
	case key.Matches(msg, k.HopPrev):
		f.pos = max(f.pos-1, 0)
	}
	return f, nil
}

func (f *followModel) keys() []key.Binding {
	k := f.ctx.keys
	return []key.Binding{k.HopPrev, k.HopNext, k.Back}
}

// rewrite says how NAT changed the packet's addresses at hop i, compared
// with the hop before; "" when it did not.
func (f *followModel) rewrite(i int) string {
	if i == 0 {
		return ""
	}
	prev, hp := f.hops[i-1], f.hops[i]
	var what []string
	if hp.src != prev.src {
		what = append(what, i18n.T("tui.follow.src", "source {{.From}} -> {{.To}}", "From", prev.src, "To", hp.src))
	}
	if hp.dst != prev.dst {
		what = append(what, i18n.T("tui.follow.dst", "destination {{.From}} -> {{.To}}", "From", prev.dst, "To", hp.dst))
	}
	if len(what) == 0 {
		return ""
	}
	return i18n.T("tui.follow.rewritten", "rewritten (NAT): {{.What}}", "What", strings.Join(what, i18n.T("tui.follow.sep", ", ")))
}

// marks numbers the hops on the map.
func (f *followModel) marks() topoMarks {
	mk := topoMarks{changed: map[string]bool{}, hops: map[string][]int{}, cur: f.pos + 1}
	for i, hp := range f.hops {
		k := hp.e.pkt.Node + "/" + hp.e.pkt.Iface
		mk.hops[k] = append(mk.hops[k], i+1)
	}
	return mk
}

// View fills w x h: the numbered path, then the map with the hops on it,
// scrolled so the current hop shows.
func (f *followModel) View(w, h int) string {
	st, k := f.ctx.st, f.ctx.keys
	if f.notLive || f.reason != nil || len(f.hops) == 0 {
		var reason string
		if f.reason != nil {
			reason = f.reason()
		}
		switch {
		case f.notLive:
			reason = i18n.T("tui.follow.notLive", "only packets captured live can be followed: select one with {{.Up}} or {{.Down}} first", "Up", keyName(k.Up), "Down", keyName(k.Down))
		case reason == "":
			reason = i18n.T("tui.follow.notFound", "the packet was not found among the captured ones")
		}
		lines := []string{st.Bold.Render(i18n.T("tui.follow.title", "Follow the packet")), "", reason, "", st.Subtle.Render(i18n.T("tui.follow.closes", "{{.Key}} closes", "Key", keyName(k.Back)))}
		return st.Dialog.Width(min(w-2, 70)).Render(wrap(strings.Join(lines, "\n"), min(w-8, 64)))
	}
	cut := func(s string) string { return ansi.Truncate(s, w, "…") }
	var path []string
	for _, hp := range f.hops {
		path = append(path, hp.e.label)
	}
	lines := []string{
		cut(st.Bold.Render(i18n.T("tui.follow.hop", "Follow the packet: hop {{.N}} of {{.Of}}", "N", f.pos+1, "Of", len(f.hops))) + st.Subtle.Render("  "+i18n.T("tui.follow.keys", "{{.Prev}}/{{.Next}} step · {{.Back}} closes", "Prev", keyName(k.HopPrev), "Next", keyName(k.HopNext), "Back", keyName(k.Back)))),
		cut(i18n.N("tui.follow.seen", len(f.hops), "seen {{.Count}} time(s): {{.Path}}", "seen {{.Count}} time(s): {{.Path}}", "Path", strings.Join(path, " -> "))),
	}
	// the path: a window of hops around the current one
	show := min(len(f.hops), max(3, h/4))
	from := max(0, min(f.pos-show/2, len(f.hops)-show))
	for i := from; i < from+show; i++ {
		hp := f.hops[i]
		mark := "  "
		if i == f.pos {
			mark = "▶ "
		}
		line := fmt.Sprintf("%s%c %-16s %-3s %s", mark, circled(i+1), hp.e.label, hp.e.dir, hp.e.text())
		s := kindStyle(st, hp.e.kind)
		if i == f.pos {
			s = st.TopoHopNow
		}
		lines = append(lines, s.Render(cut(line)))
		if r := f.rewrite(i); r != "" {
			lines = append(lines, st.Warn.Render(cut("      "+r)))
		}
	}
	if f.snap != nil {
		mk := f.marks()
		m := topoMap(st, f.snap, w, mk)
		room := h - len(lines)
		if room > 0 && len(m) > room {
			// scroll the map so the current hop's port is on screen
			at := 0
			for y, l := range m {
				if strings.ContainsRune(ansi.Strip(l), circled(mk.cur)) {
					at = y
					break
				}
			}
			start := max(0, min(at-room/2, len(m)-room))
			m = m[start : start+room]
		}
		lines = append(lines, m...)
	}
	return fit(strings.Join(lines, "\n"), w, h)
}
