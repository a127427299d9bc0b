package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// wrap wraps s (which may hold ANSI styles) to w cells. Text without
// Chinese wraps at spaces, as ansi.Wrap does. Chinese has no spaces
// between words and may break between any two characters, so a line
// holding Chinese fills each line and breaks at a character boundary,
// at a space only when one sits in the line's second half (not to split
// a command or an English word that stands in the sentence), and never
// before closing punctuation such as "，" or "。".
func wrap(s string, w int) string {
	if w < 2 || !hasWide(s) {
		return ansi.Wrap(s, w, " ")
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for ansi.StringWidth(line) > w {
			if ansi.StringWidth(strings.TrimRight(ansi.Strip(line), " ")) <= w {
				line = ansi.Truncate(line, w, "") // only padding overflows
				break
			}
			n := breakAt(ansi.Strip(line), w)
			out = append(out, ansi.Truncate(line, n, ""))
			line = ansi.TruncateLeft(line, n, "")
			if p := ansi.Strip(line); strings.HasPrefix(p, " ") && !hasWide(p[:min(len(p), 2)]) {
				line = ansi.TruncateLeft(line, 1, "") // the space broken at
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// breakAt is how many cells of plain (wider than w) go on the line.
func breakAt(plain string, w int) int {
	// the characters of the first w cells, and the cell each starts at
	type ch struct {
		r    rune
		cell int
	}
	var chs []ch
	cell := 0
	for _, r := range plain {
		rw := ansi.StringWidth(string(r))
		if cell+rw > w {
			chs = append(chs, ch{r, cell}) // the first that does not fit
			break
		}
		chs = append(chs, ch{r, cell})
		cell += rw
	}
	next := len(chs) - 1 // the character that starts the next line
	// a space in the second half: break there
	for i := next; i > 0 && chs[i].cell >= w/2; i-- {
		if chs[i].r == ' ' && !wideRune(chs[i-1].r) {
			return chs[i].cell
		}
		if wideRune(chs[i].r) || wideRune(chs[i-1].r) {
			break // Chinese: break between characters instead
		}
	}
	// no closing punctuation at a line's start: one character earlier
	if next > 1 && strings.ContainsRune(closingPunct, chs[next].r) {
		next--
	}
	if next < 1 {
		return max(1, cell)
	}
	return chs[next].cell
}

// closingPunct may not start a line in Chinese.
const closingPunct = "，。、；：？！）」』》〉】”’…,.;:?!)"

// hasWide says whether s holds a wide rune (Chinese).
func hasWide(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if wideRune(r) {
			return true
		}
		s = s[n:]
	}
	return false
}
