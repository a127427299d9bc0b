package tui

import (
	"strings"
	"unicode"
)

// topoStyle names what a cell of the map shows; topoRender maps it to a
// style of styles.go.
type topoStyle uint8

const (
	tsPlain   topoStyle = iota
	tsBorder            // box lines
	tsNode              // a box's name
	tsInfo              // forwarding, NAT, routes, labels
	tsIface             // an interface that is up
	tsDown              // an interface that is down, and its ○
	tsUp                // the ● of an interface that is up
	tsAddr              // addresses
	tsCable             // veth cables
	tsTunnel            // tunnels between hosts
	tsChanged           // what the last step changed
	tsHop               // a followed packet's hop
	tsHopNow            // the hop the student is at
)

// Line directions a cell connects to; dash marks a tunnel.
const (
	dUp uint8 = 1 << iota
	dDown
	dLeft
	dRight
	dDash
)

type tcell struct {
	// r is the text; 0 means the cell shows its lines (or a space), and
	// wideTail the right half of the wide rune in the cell before.
	r    rune
	dirs uint8
	s    topoStyle
}

// wideTail marks the second cell of a two-cell rune (CJK text).
const wideTail rune = -1

// canvas is a grid of cells w wide that grows downwards. Everything drawn
// outside it is dropped, so no line of the map is ever wider than w.
type canvas struct {
	w    int
	rows [][]tcell
}

func newCanvas(w int) *canvas { return &canvas{w: max(w, 1)} }

func (c *canvas) grow(y int) {
	for len(c.rows) <= y {
		c.rows = append(c.rows, make([]tcell, c.w))
	}
}

func (c *canvas) put(x, y int, r rune, s topoStyle) {
	if x < 0 || x >= c.w || y < 0 {
		return
	}
	c.grow(y)
	c.rows[y][x] = tcell{r: r, s: s}
}

// text writes s from x, cut to at most n cells with "…"; it returns the
// cells written. A wide rune (Chinese text) takes two cells, and the cut
// never splits one.
func (c *canvas) text(x, y int, s string, st topoStyle, n int) int {
	rs := cleanRunes(s)
	if n <= 0 {
		return 0
	}
	if runesWidth(rs) > n {
		w := 0
		cut := 0
		for cut < len(rs) && w+runeCells(rs[cut]) <= n-1 {
			w += runeCells(rs[cut])
			cut++
		}
		rs = append(rs[:cut:cut], '…')
	}
	at := x
	for _, r := range rs {
		c.put(at, y, r, st)
		if runeCells(r) == 2 {
			c.put(at+1, y, wideTail, st)
			at++
		}
		at++
	}
	return at - x
}

// cleanRunes keeps printable runes of one cell, and the wide ones of
// Chinese text (two cells); anything else (control characters, combining
// or other odd runes from a kernel name) becomes '?'.
func cleanRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		if r < 0x20 || r == 0x7f || (r > 0x7e && !singleCell(r) && !wideRune(r)) {
			rs[i] = '?'
		}
	}
	return rs
}

// wideRune allows the two-cell runes of Chinese text: CJK ideographs and
// the full-width punctuation written beside them.
func wideRune(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff60)
}

// runeCells is how many cells r takes on the map.
func runeCells(r rune) int {
	if wideRune(r) {
		return 2
	}
	return 1
}

// runesWidth is the cells rs takes.
func runesWidth(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += runeCells(r)
	}
	return n
}

// cells is the width of s on the map, as text writes it.
func cells(s string) int { return runesWidth(cleanRunes(s)) }

// singleCell allows the non-ASCII runes the map writes itself.
func singleCell(r rune) bool {
	return strings.ContainsRune("●○·…─│⇄→←▶", r) || (r >= 0x2460 && r <= 0x2473) || // ① to ⑳
		(unicode.IsLetter(r) && r < 0x300)
}

// line draws a horizontal or vertical segment; cells holding text keep it.
func (c *canvas) line(x0, y0, x1, y1 int, s topoStyle, dash bool) {
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if x < 0 || x >= c.w || y < 0 {
				continue
			}
			var d uint8
			if y0 == y1 {
				if x > x0 {
					d |= dLeft
				}
				if x < x1 {
					d |= dRight
				}
			} else {
				if y > y0 {
					d |= dUp
				}
				if y < y1 {
					d |= dDown
				}
			}
			if d == 0 {
				continue
			}
			if dash {
				d |= dDash
			}
			c.grow(y)
			cl := &c.rows[y][x]
			cl.dirs |= d
			if cl.r == 0 {
				cl.s = s
			}
		}
	}
}

// box draws a frame of w x h cells at x, y.
func (c *canvas) box(x, y, w, h int, s topoStyle) {
	c.line(x, y, x+w-1, y, s, false)
	c.line(x, y+h-1, x+w-1, y+h-1, s, false)
	c.line(x, y, x, y+h-1, s, false)
	c.line(x+w-1, y, x+w-1, y+h-1, s, false)
}

// blit copies the drawn cells of o onto c at x, y.
func (c *canvas) blit(o *canvas, x, y int) {
	for oy, row := range o.rows {
		for ox, cl := range row {
			if cl.r == 0 && cl.dirs == 0 {
				continue
			}
			if x+ox < 0 || x+ox >= c.w {
				continue
			}
			c.grow(y + oy)
			c.rows[y+oy][x+ox] = cl
		}
	}
}

func boxRune(d uint8) rune {
	dash := d&dDash != 0
	switch d &^ dDash {
	case dUp | dDown, dUp, dDown:
		if dash {
			return '┆'
		}
		return '│'
	case dLeft | dRight, dLeft, dRight:
		if dash {
			return '┄'
		}
		return '─'
	case dDown | dRight:
		return '┌'
	case dDown | dLeft:
		return '┐'
	case dUp | dRight:
		return '└'
	case dUp | dLeft:
		return '┘'
	case dUp | dDown | dRight:
		return '├'
	case dUp | dDown | dLeft:
		return '┤'
	case dLeft | dRight | dDown:
		return '┬'
	case dLeft | dRight | dUp:
		return '┴'
	case dUp | dDown | dLeft | dRight:
		return '┼'
	}
	return ' '
}

// lines renders the canvas, each run of one style through render, with
// trailing blanks cut.
func (c *canvas) lines(render func(topoStyle, string) string) []string {
	out := make([]string, 0, len(c.rows))
	for _, row := range c.rows {
		end := len(row)
		for end > 0 && row[end-1].r == 0 && row[end-1].dirs == 0 {
			end--
		}
		var b strings.Builder
		var run []rune
		cur := tsPlain
		flush := func() {
			if len(run) > 0 {
				b.WriteString(render(cur, string(run)))
				run = run[:0]
			}
		}
		for x, cl := range row[:end] {
			r := cl.r
			switch {
			case r == wideTail:
				if x > 0 && row[x-1].r != wideTail && runeCells(row[x-1].r) == 2 {
					continue // drawn with the rune before it
				}
				r = ' ' // its rune was drawn over: keep the cell
			case r != 0 && runeCells(r) == 2 && (x+1 >= len(row) || row[x+1].r != wideTail):
				r = ' ' // its right half was drawn over: a space, not an overflow
			case r == 0:
				r = boxRune(cl.dirs)
			}
			s := cl.s
			if cl.r == 0 && cl.dirs == 0 {
				s = tsPlain
			}
			if s != cur {
				flush()
				cur = s
			}
			run = append(run, r)
		}
		flush()
		out = append(out, b.String())
	}
	return out
}
