package labs

import "strings"

// ctrlChar is one control character found in a lab text: the rune and its
// 0-based index, in runes, in the text as written.
type ctrlChar struct {
	r   rune
	idx int
}

// cleanText removes from s every control character (C0, DEL, C1; tab and
// newline are kept) and the rest of the terminal escape sequence each one
// starts: CSI (ESC [ ... final byte, as in a screen clear) and the string
// sequences OSC, DCS, APC, PM and SOS (ESC ] ... BEL or ESC \, as in an OSC
// 52 clipboard write). Lab text is printed to terminals and drawn by the
// TUI, so what reaches them must be plain text. It returns the clean text
// and each control character removed, for errors.
func cleanText(s string) (string, []ctrlChar) {
	if !hasControl(s) {
		return s, nil
	}
	rs := []rune(s)
	var b strings.Builder
	var found []ctrlChar
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if !isControl(r) {
			b.WriteRune(r)
			continue
		}
		found = append(found, ctrlChar{r, i})
		seq := r
		if r == 0x1b && i+1 < len(rs) {
			switch next := rs[i+1]; {
			case next == '[':
				seq = 0x9b
				i++
			case next == ']' || next == 'P' || next == '_' || next == '^' || next == 'X':
				seq = 0x9d
				i++
			case next >= 0x20 && next < 0x7f:
				i++ // a two-character sequence like ESC c (reset)
				continue
			}
		}
		switch {
		case seq == 0x9b: // CSI: parameters and intermediates, then a final byte
			for i+1 < len(rs) && rs[i+1] >= 0x20 && rs[i+1] <= 0x3f {
				i++
			}
			if i+1 < len(rs) && rs[i+1] >= 0x40 && rs[i+1] <= 0x7e {
				i++
			}
		case seq == 0x9d || seq == 0x90 || seq == 0x98 || seq == 0x9e || seq == 0x9f:
			// a string sequence runs to BEL, ST (0x9c) or ESC \
			for i+1 < len(rs) {
				i++
				c := rs[i]
				if c == 0x07 || c == 0x9c {
					found = append(found, ctrlChar{c, i})
					break
				}
				if c == 0x1b {
					found = append(found, ctrlChar{c, i})
					if i+1 < len(rs) && rs[i+1] == '\\' {
						i++
					}
					break
				}
				if isControl(c) && c != '\n' && c != '\t' {
					found = append(found, ctrlChar{c, i})
				}
			}
		}
	}
	return b.String(), found
}

// isControl tells the runes cleanText removes: C0 but tab and newline,
// DEL, and C1.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f)
}

func hasControl(s string) bool {
	for _, r := range s {
		if isControl(r) {
			return true
		}
	}
	return false
}
