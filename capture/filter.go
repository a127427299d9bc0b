package capture

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
)

// A Filter selects packets with the words of a tcpdump expression: arp,
// icmp, icmp6, ip, ip6, udp, tcp, vxlan, [src|dst] host ADDR,
// [src|dst] port N, not/!, and/&&, or/||, and parentheses.
//
// A Filter is parsed once into an expression tree of primitive byte tests
// (the same tests libpcap generates), which both compiles to classic BPF
// for the kernel and evaluates in user space, so the two always agree.
type Filter struct {
	text string
	expr expr
}

// FilterError is a filter that does not parse; Col is the 1-based column
// of the word at fault.
type FilterError struct {
	Col int
	Msg string
}

func (e *FilterError) Error() string { return fmt.Sprintf("filter: col %d: %s", e.Col, e.Msg) }

// ParseFilter parses a filter expression. An empty or blank expression
// matches every packet.
func ParseFilter(s string) (*Filter, error) {
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	f := &Filter{text: s}
	if len(toks) == 0 {
		return f, nil
	}
	p := &filterParser{toks: toks, end: len(s) + 1}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		t := p.toks[p.pos]
		w := strings.ToLower(t.text)
		if _, isProto := protoWords[w]; isProto || isQualifier(w) || w == "not" || w == "!" || w == "(" {
			return nil, &FilterError{t.col, fmt.Sprintf("expected \"and\" or \"or\" before %q", t.text)}
		}
		if t.text == ")" {
			return nil, &FilterError{t.col, `unbalanced ")"`}
		}
		return nil, &FilterError{t.col, fmt.Sprintf("unknown keyword %q", t.text)}
	}
	f.expr = e
	return f, nil
}

// String returns the expression as typed.
func (f *Filter) String() string { return f.text }

// Match reports whether the Ethernet frame data passes the filter.
func (f *Filter) Match(data []byte) bool {
	if f == nil || f.expr == nil {
		return true
	}
	ok, inBounds := f.expr.eval(data)
	// Like BPF, a test that reads past the end rejects the packet.
	return ok && inBounds
}

type token struct {
	text string
	col  int
}

func lexFilter(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{string(c), i + 1})
			i++
		case c == '!':
			toks = append(toks, token{"!", i + 1})
			i++
		case c == '&' || c == '|':
			if i+1 < len(s) && s[i+1] == c {
				toks = append(toks, token{s[i : i+2], i + 1})
				i += 2
				continue
			}
			return nil, &FilterError{i + 1, fmt.Sprintf("unexpected %q (did you mean %q?)", string(c), string([]byte{c, c}))}
		default:
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			if j == i {
				r := []rune(s[i:])[0]
				return nil, &FilterError{i + 1, fmt.Sprintf("unexpected character %q", r)}
			}
			toks = append(toks, token{s[i:j], i + 1})
			i = j
		}
	}
	return toks, nil
}

func isWordByte(c byte) bool {
	return c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || c == '.' || c == ':' || c == '-' || c == '_')
}

type filterParser struct {
	toks []token
	pos  int
	end  int // column just past the text, for "expected ... at end"
}

func (p *filterParser) peek() (token, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return token{col: p.end}, false
}

func (p *filterParser) errExpected(what string) error {
	t, ok := p.peek()
	if !ok {
		return &FilterError{t.col, fmt.Sprintf("expected %s at end of filter", what)}
	}
	return &FilterError{t.col, fmt.Sprintf("expected %s, found %q", what, t.text)}
}

func (p *filterParser) accept(words ...string) bool {
	t, ok := p.peek()
	if !ok {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			p.pos++
			return true
		}
	}
	return false
}

func (p *filterParser) or() (expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.accept("or", "||") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
	return l, nil
}

func (p *filterParser) and() (expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.accept("and", "&&") {
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
	return l, nil
}

func (p *filterParser) unary() (expr, error) {
	if p.accept("not", "!") {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	}
	if p.accept("(") {
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.accept(")") {
			return nil, p.errExpected(`")"`)
		}
		return x, nil
	}
	return p.primitive()
}

// protoWords are the protocol keywords; each may also qualify a following
// host or port ("tcp port 80", "ip host 192.0.2.1").
var protoWords = map[string]func() expr{
	"arp":   func() expr { return etherType(0x0806) },
	"ip":    func() expr { return etherType(0x0800) },
	"ip6":   func() expr { return etherType(0x86dd) },
	"icmp":  func() expr { return ipProto(1) },
	"icmp6": func() expr { return ip6Proto(58) },
	"udp":   func() expr { return orExpr{ipProto(17), ip6Proto(17)} },
	"tcp":   func() expr { return orExpr{ipProto(6), ip6Proto(6)} },
	"vxlan": func() expr { return portExpr(vxlanPort, dirDst, []uint32{17}) },
}

const vxlanPort = 4789

func (p *filterParser) primitive() (expr, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.errExpected("a filter word")
	}
	word := strings.ToLower(t.text)
	if mk, isProto := protoWords[word]; isProto {
		p.pos++
		proto := mk()
		if n, ok := p.peek(); ok && isQualifier(n.text) && word != "vxlan" {
			q, err := p.qualified()
			if err != nil {
				return nil, err
			}
			return andExpr{proto, q}, nil
		}
		return proto, nil
	}
	if isQualifier(word) {
		return p.qualified()
	}
	if t.text == ")" {
		return nil, p.errExpected("a filter word")
	}
	return nil, &FilterError{t.col, fmt.Sprintf("unknown keyword %q", t.text)}
}

func isQualifier(w string) bool {
	switch strings.ToLower(w) {
	case "src", "dst", "host", "port":
		return true
	}
	return false
}

// qualified parses [src|dst] host ADDR and [src|dst] port N.
func (p *filterParser) qualified() (expr, error) {
	dir := dirAny
	if p.accept("src") {
		dir = dirSrc
	} else if p.accept("dst") {
		dir = dirDst
	}
	switch {
	case p.accept("host"):
		t, ok := p.peek()
		if !ok {
			return nil, p.errExpected("an address after \"host\"")
		}
		ip := net.ParseIP(t.text)
		if ip == nil {
			return nil, &FilterError{t.col, fmt.Sprintf("bad address %q (want an IPv4 or IPv6 address)", t.text)}
		}
		p.pos++
		return hostExpr(ip, dir), nil
	case p.accept("port"):
		t, ok := p.peek()
		if !ok {
			return nil, p.errExpected("a port number after \"port\"")
		}
		n, err := strconv.ParseUint(t.text, 10, 16)
		if err != nil {
			return nil, &FilterError{t.col, fmt.Sprintf("bad port %q (want 0-65535)", t.text)}
		}
		p.pos++
		return portExpr(uint32(n), dir, []uint32{6, 17, 132}), nil
	}
	return nil, p.errExpected(`"host" or "port"`)
}
