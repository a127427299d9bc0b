package labs

import "golang.org/x/text/width"

// maxQuotedCells is how wide a text an error message quotes: a lab line
// may hold a whole paragraph (or a 1 MiB one), and an error names it, not
// repeats it.
const maxQuotedCells = 40

// clipText shortens s for an error message to at most maxQuotedCells
// terminal cells followed by "…". It counts cells, not bytes: a Chinese
// character takes two cells, and s is only ever cut between characters.
func clipText(s string) string {
	if len(s) <= maxQuotedCells {
		return s // ASCII of that length, or fewer characters still
	}
	cells := 0
	for i, r := range s {
		w := cellWidth(r)
		if cells+w > maxQuotedCells {
			return s[:i] + "…"
		}
		cells += w
	}
	return s
}

// cellWidth is how many terminal cells r takes: two for East Asian wide
// and fullwidth characters (Chinese, Japanese, Korean, fullwidth
// punctuation), one otherwise.
func cellWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
