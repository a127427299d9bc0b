package cmdline

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseError reports a command the parser rejects, pointing at the
// offending word by its 1-based column (in characters) within the line.
type ParseError struct {
	Col  int    // 1-based column of Word in the command line
	Word string // the offending word ("" when the line is empty)
	Msg  string // what is wrong, for a person
}

// Error is the message with the column it points at.
func (e *ParseError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

// token is one word of a command line with the column it starts at.
type token struct {
	s   string
	col int
}

// errAt reports an error at a word. A long word (a lab line may hold a
// 10 MB one) is quoted by its first maxQuoted characters only, both in
// Word and wherever the message quotes it or a part of it (an argument
// that is not from the word, such as a reason, is left whole).
func errAt(t token, format string, a ...any) *ParseError {
	for i, v := range a {
		if s, ok := v.(string); ok && len(s) > maxQuoted && strings.Contains(t.s, s) {
			a[i] = clip(s)
		}
	}
	return &ParseError{Col: t.col, Word: clip(t.s), Msg: fmt.Sprintf(format, a...)}
}

// maxQuoted is how many characters of a word an error message quotes.
const maxQuoted = 40

// clip shortens s to its first maxQuoted characters followed by "…".
func clip(s string) string {
	if len(s) <= maxQuoted || utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuoted {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// shellOps are the shell operators netlab refuses: no shell ever runs, so a
// line that needs one is not a command netlab can execute.
var shellOps = []struct{ op, what string }{
	{"&&", "command chaining (&&)"},
	{"||", "command chaining (||)"},
	{"$(", "command substitution $(...)"},
	{"`", "command substitution `...`"},
	{"|", "a pipe (|)"},
	{";", "command chaining (;)"},
	{"&", "background jobs (&)"},
	{">", "a redirection (>)"},
	{"<", "a redirection (<)"},
	{"$", "shell variables ($)"},
	{"*", "globbing (*)"},
	{"?", "globbing (?)"},
	{"[", "globbing ([)"},
	{"~", "home expansion (~)"},
}

// shellOpStarts are the first characters of shellOps.
const shellOpStarts = "&|$`;><*?[~"

// tokenize splits a line into words. Single and double quotes group words
// (for iptables comments); every shell operator outside quotes is an error
// naming the operator and its column. A trailing "# comment" is dropped.
func tokenize(line string) ([]token, error) { return tokenizeAt(line, 0) }

// tokenizeAt is tokenize for a part of a line that starts after colOffset
// characters, so columns still count from the start of the whole line.
func tokenizeAt(line string, colOffset int) ([]token, error) {
	var toks []token
	var cur strings.Builder
	start, col := 0, colOffset
	inWord := false
	var quote rune
	flush := func() {
		if inWord {
			toks = append(toks, token{s: cur.String(), col: start})
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		col++
		if quote != 0 {
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
			i += size
			continue
		}
		switch {
		case r == ' ' || r == '\t':
			flush()
		case r == '\'' || r == '"':
			if !inWord {
				inWord, start = true, col
			}
			quote = r
		case r == '#' && !inWord:
			flush()
			return toks, nil
		case r == '\\':
			return nil, &ParseError{Col: col, Word: `\`, Msg: `a backslash (\) is shell syntax; write the command on one line without escapes`}
		default:
			// Most runes start no operator: skip the list for them, so a
			// huge word is read in linear time with a small constant.
			if strings.ContainsRune(shellOpStarts, r) {
				for _, op := range shellOps {
					if strings.HasPrefix(line[i:], op.op) {
						return nil, &ParseError{Col: col, Word: op.op, Msg: fmt.Sprintf("%s is shell syntax: netlab runs each command itself, without a shell; write one command per line", op.what)}
					}
				}
			}
			if !inWord {
				inWord, start = true, col
			}
			cur.WriteRune(r)
		}
		i += size
	}
	if quote != 0 {
		return nil, &ParseError{Col: start, Word: clip(cur.String()), Msg: fmt.Sprintf("unterminated quote %c", quote)}
	}
	flush()
	return toks, nil
}
