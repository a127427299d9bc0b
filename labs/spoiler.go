package labs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A step's question asks the student to predict what the step will show;
// its text is read before the step runs. When the text already says what
// the right answer says, the question tests reading, not thinking. The
// check here warns (it does not fail the lab) when the step's text holds
//
//   - the right choice itself, word for word (a quoted packet line, say), or
//   - two or more, and at least two thirds, of the distinctive words of the
//     right choice: the words of it that neither the question nor a wrong
//     choice uses.
//
// Words are compared lower-cased and with a plural or verb ending (s, es,
// ed, ing) taken off, so "broadcasts" in the text matches "broadcast" in
// the answer. Chinese has no spaces between words, so its words are
// taken as overlapping two-character pieces, and half of the distinctive
// pieces are enough (see spoilerWords). What explains the answer belongs
// in the step's explain:, shown once the step has run.

// spoilerStop are words too common to tell an answer apart.
var spoilerStop = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "is": true, "are": true, "and": true,
	"or": true, "it": true, "in": true, "on": true, "at": true, "for": true, "by": true, "with": true,
	"be": true, "will": true, "its": true, "this": true, "that": true, "from": true, "as": true,
	"only": true, "no": true, "not": true, "but": true, "so": true, "then": true, "there": true,
	"all": true, "any": true, "one": true, "does": true, "do": true, "has": true, "have": true,
	"was": true, "were": true, "because": true, "still": true, "into": true, "out": true,
	// two-character pieces of Chinese too common to tell an answer apart
	"一个": true, "这个": true, "那个": true, "没有": true, "因为": true, "所以": true, "就是": true,
	"可以": true, "什么": true, "不是": true, "还是": true, "只有": true, "它的": true, "的是": true,
}

// spoilerWords splits s into lower-case words: letters, digits, and the
// dots, colons and slashes inside addresses, with trailing punctuation off.
// Chinese (and Japanese and Korean) text has no spaces between words, so
// a run of those characters gives its overlapping two-character pieces
// ("地址伪装" gives 地址, 址伪, 伪装): a word of two characters, the
// commonest length of a Chinese word, is then matched wherever it occurs.
func spoilerWords(s string) []string {
	var out []string
	var word, cjk []rune
	flushWord := func() {
		if w := strings.Trim(string(word), ".:/-_"); w != "" {
			out = append(out, w)
		}
		word = word[:0]
	}
	flushCJK := func() {
		if len(cjk) == 1 {
			out = append(out, string(cjk))
		}
		for i := 0; i+1 < len(cjk); i++ {
			out = append(out, string(cjk[i:i+2]))
		}
		cjk = cjk[:0]
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == ':' || r == '/' || r == '-' || r == '_':
			flushCJK()
			word = append(word, r)
		case isCJK(r):
			flushWord()
			cjk = append(cjk, r)
		default:
			flushWord()
			flushCJK()
		}
	}
	flushWord()
	flushCJK()
	return out
}

// isCJK tells the characters of scripts written without spaces between
// words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// stem takes a plural or verb ending off a word of letters.
func stem(w string) string {
	for _, suf := range []string{"ing", "es", "ed", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

func stemSet(texts ...string) map[string]bool {
	m := map[string]bool{}
	for _, t := range texts {
		for _, w := range spoilerWords(t) {
			m[stem(w)] = true
		}
	}
	return m
}

// answerSpoiled reports whether text gives away the right choice of q, and
// the words that do.
func answerSpoiled(text string, q *Question) (bool, []string) {
	if q == nil || q.Answer < 0 || q.Answer >= len(q.Choices) || strings.TrimSpace(text) == "" {
		return false, nil
	}
	answer := q.Choices[q.Answer]
	aw := spoilerWords(answer)
	tw := spoilerWords(text)
	if len(aw) >= 2 && strings.Contains(" "+strings.Join(tw, " ")+" ", " "+strings.Join(aw, " ")+" ") {
		return true, []string{answer}
	}
	others := []string{q.Ask}
	for i, c := range q.Choices {
		if i != q.Answer {
			others = append(others, c)
		}
	}
	common := stemSet(others...)
	inText := stemSet(text)
	var distinct []string
	seen := map[string]bool{}
	for _, w := range aw {
		s := stem(w)
		if spoilerStop[w] || utf8.RuneCountInString(w) < 2 || common[s] || seen[s] {
			continue
		}
		seen[s] = true
		distinct = append(distinct, w)
	}
	var found []string
	for _, w := range distinct {
		if inText[stem(w)] {
			found = append(found, w)
		}
	}
	// Chinese pieces overlap and some straddle two words ("人的" of
	// "所有人的"), which no text repeats: half of them found says as much
	// as two thirds of the words of an English choice.
	num, den := 2, 3
	if strings.IndexFunc(answer, isCJK) >= 0 {
		num, den = 1, 2
	}
	if len(found) < 2 || den*len(found) < num*len(distinct) {
		return false, nil
	}
	return true, found
}

// spoilers warns when a step's text gives away its question's answer,
// at the text's first line.
func (y *yamlLoader) spoilers(s *Step, textNode *yaml.Node) {
	spoiled, words := answerSpoiled(s.Text, s.Question)
	if !spoiled || textNode == nil {
		return
	}
	line, col := y.scalarPos(textNode, 1)
	y.el.warn(line, col, "the step's text gives away the answer to its question (it already says %s): ask first, and move that explanation to the step's explain:, shown once the step has run",
		quoteWords(words))
}

func quoteWords(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "\"" + clipText(w) + "\""
	}
	return strings.Join(q, ", ")
}
