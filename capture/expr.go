package capture

import (
	"encoding/binary"
	"net"
)

// expr is a filter as a tree of primitive byte tests, the same tests
// libpcap generates for the tcpdump words, so user-space evaluation and the
// compiled BPF program agree.
type expr interface {
	// eval reports whether data matches; inBounds is false when a test
	// read past the end, which rejects the packet as BPF does.
	eval(data []byte) (match, inBounds bool)
}

type andExpr struct{ l, r expr }
type orExpr struct{ l, r expr }
type notExpr struct{ x expr }

// cmpExpr tests (load(off) & mask) == val. With ipv4Transport set, off is
// relative to the IPv4 transport header (past the variable IP header).
type cmpExpr struct {
	off           uint32
	size          int // 1, 2 or 4 bytes
	mask          uint32
	val           uint32
	ipv4Transport bool
}

func (e andExpr) eval(d []byte) (bool, bool) {
	m, ok := e.l.eval(d)
	if !ok || !m {
		return m, ok
	}
	return e.r.eval(d)
}

func (e orExpr) eval(d []byte) (bool, bool) {
	m, ok := e.l.eval(d)
	if !ok || m {
		return m, ok
	}
	return e.r.eval(d)
}

func (e notExpr) eval(d []byte) (bool, bool) {
	m, ok := e.x.eval(d)
	return !m, ok
}

func (e cmpExpr) eval(d []byte) (bool, bool) {
	off := int(e.off)
	if e.ipv4Transport {
		if len(d) <= ethHeaderLen {
			return false, false
		}
		off += ethHeaderLen + int(d[ethHeaderLen]&0x0f)*4
	}
	if off+e.size > len(d) {
		return false, false
	}
	var v uint32
	switch e.size {
	case 1:
		v = uint32(d[off])
	case 2:
		v = uint32(binary.BigEndian.Uint16(d[off:]))
	default:
		v = binary.BigEndian.Uint32(d[off:])
	}
	if e.mask != 0 {
		v &= e.mask
	}
	return v == e.val, true
}

const ethHeaderLen = 14

type direction int

const (
	dirAny direction = iota
	dirSrc
	dirDst
)

func etherType(t uint32) expr { return cmpExpr{off: 12, size: 2, val: t} }

// ipProto is "ip proto P": the IPv4 protocol field, fragments included.
func ipProto(p uint32) expr {
	return andExpr{etherType(0x0800), cmpExpr{off: ethHeaderLen + 9, size: 1, val: p}}
}

// ip6Proto is "ip6 proto P": the next header, or the one after a fragment
// header, as libpcap checks it.
func ip6Proto(p uint32) expr {
	nh := cmpExpr{off: ethHeaderLen + 6, size: 1, val: p}
	frag := andExpr{cmpExpr{off: ethHeaderLen + 6, size: 1, val: 44}, cmpExpr{off: ethHeaderLen + 40, size: 1, val: p}}
	return andExpr{etherType(0x86dd), orExpr{nh, frag}}
}

func anyOf(xs ...expr) expr {
	e := xs[0]
	for _, x := range xs[1:] {
		e = orExpr{e, x}
	}
	return e
}

func allOf(xs ...expr) expr {
	e := xs[0]
	for _, x := range xs[1:] {
		e = andExpr{e, x}
	}
	return e
}

// byDir combines the source and destination forms of a test.
func byDir(dir direction, src, dst expr) expr {
	switch dir {
	case dirSrc:
		return src
	case dirDst:
		return dst
	}
	return orExpr{src, dst}
}

// hostExpr is libpcap's "host": for IPv4 the IP, ARP and RARP addresses,
// for IPv6 the IPv6 addresses.
func hostExpr(ip net.IP, dir direction) expr {
	if v4 := ip.To4(); v4 != nil {
		a := binary.BigEndian.Uint32(v4)
		word := func(off uint32) expr { return cmpExpr{off: off, size: 4, val: a} }
		inIP := byDir(dir, word(ethHeaderLen+12), word(ethHeaderLen+16))
		inARP := byDir(dir, word(ethHeaderLen+14), word(ethHeaderLen+24))
		return anyOf(
			andExpr{etherType(0x0800), inIP},
			andExpr{etherType(0x0806), inARP},
			andExpr{etherType(0x8035), inARP},
		)
	}
	ip16 := ip.To16()
	addr := func(off uint32) expr {
		var ws []expr
		for i := uint32(0); i < 4; i++ {
			ws = append(ws, cmpExpr{off: off + 4*i, size: 4, val: binary.BigEndian.Uint32(ip16[4*i:])})
		}
		return allOf(ws...)
	}
	return andExpr{etherType(0x86dd), byDir(dir, addr(ethHeaderLen+8), addr(ethHeaderLen+24))}
}

// portExpr is libpcap's "port" over the given transport protocols: IPv4
// first fragments (the variable header skipped) and IPv6 without
// extension headers.
func portExpr(port uint32, dir direction, protos []uint32) expr {
	var p4, p6 []expr
	for _, p := range protos {
		p4 = append(p4, cmpExpr{off: ethHeaderLen + 9, size: 1, val: p})
		p6 = append(p6, cmpExpr{off: ethHeaderLen + 6, size: 1, val: p})
	}
	firstFrag := cmpExpr{off: ethHeaderLen + 6, size: 2, mask: 0x1fff, val: 0}
	v4 := allOf(etherType(0x0800), anyOf(p4...), firstFrag, byDir(dir,
		cmpExpr{off: 0, size: 2, val: port, ipv4Transport: true},
		cmpExpr{off: 2, size: 2, val: port, ipv4Transport: true}))
	v6 := allOf(etherType(0x86dd), anyOf(p6...), byDir(dir,
		cmpExpr{off: ethHeaderLen + 40, size: 2, val: port},
		cmpExpr{off: ethHeaderLen + 42, size: 2, val: port}))
	return orExpr{v4, v6}
}
