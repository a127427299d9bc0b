package labs

import (
	"errors"
	"strings"

	"github.com/netlab/netlab/engine"
)

// parseCommand runs the engine's parser on one line. Any error that is not
// an *engine.ParseError is reported at the line's first column.
func parseCommand(text string) (*engine.Command, *engine.ParseError) {
	cmd, err := engine.Parse(text)
	if err == nil {
		return cmd, nil
	}
	var pe *engine.ParseError
	if errors.As(err, &pe) {
		if pe.Col < 1 {
			pe.Col = 1
		}
		return nil, pe
	}
	return nil, &engine.ParseError{Col: 1, Msg: err.Error()}
}

// word is one word of a command line and its 1-based column.
type word struct {
	s   string
	col int
}

// splitWords splits a line the parser accepted into words with columns,
// dropping quotes and a trailing "# comment" the way the parser does. It
// is used to read the names a command creates or moves, which the engine
// keeps to itself.
func splitWords(line string) []word {
	var out []word
	var cur strings.Builder
	start, col, in := 0, 0, false
	var quote rune
	for _, r := range line {
		col++
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			if !in {
				in, start = true, col
			}
			quote = r
		case r == ' ' || r == '\t':
			if in {
				out = append(out, word{cur.String(), start})
				cur.Reset()
				in = false
			}
		case r == '#' && !in:
			return out
		default:
			if !in {
				in, start = true, col
			}
			cur.WriteRune(r)
		}
	}
	if in {
		out = append(out, word{cur.String(), start})
	}
	return out
}

// programWords returns the words of a command after "sudo" and an
// "ip netns exec NS" prefix, starting at the program's name.
func programWords(line string) []word {
	w := splitWords(line)
	if len(w) > 0 && w[0].s == "sudo" {
		w = w[1:]
	}
	if len(w) >= 4 && w[0].s == "ip" && w[1].s == "netns" && w[2].s == "exec" {
		w = w[4:]
	}
	return w
}

// netnsWord returns the word naming the namespace of an "ip netns exec NS"
// prefix, for errors about it.
func netnsWord(line string) word {
	w := splitWords(line)
	if len(w) > 0 && w[0].s == "sudo" {
		w = w[1:]
	}
	if len(w) >= 4 {
		return w[3]
	}
	return word{col: 1}
}
