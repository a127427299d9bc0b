package labs

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// TestBuiltInLabsTranslated: every built-in lab is translated into every
// language netlab speaks, every text of it, without a warning.
func TestBuiltInLabsTranslated(t *testing.T) {
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, lab := range all {
		for _, lang := range i18n.Langs {
			if u := lab.Untranslated(lang); len(u) > 0 {
				t.Errorf("%s in %s:\n%v", lab.ID, lang, u)
			}
		}
		if len(lab.Warnings) > 0 {
			t.Errorf("%s warns: %v", lab.ID, lab.Warnings)
		}
	}
}

// TestBuiltInTranslationsKeepCode: a translation says the same commands,
// names and addresses as the original: each translated text holds the
// inline code spans (`...`) and IPv4 addresses of the text it translates.
func TestBuiltInTranslationsKeepCode(t *testing.T) {
	all, err := BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	for _, lab := range all {
		for _, lang := range i18n.Langs {
			tr := lab.In(lang)
			for _, p := range textPairs(lab, tr) {
				if a, b := codeAndAddrs(p[1]), codeAndAddrs(p[2]); a != b {
					t.Errorf("%s %s in %s:\n  original:   %s\n  translated: %s", lab.ID, p[0], lang, a, b)
				}
				if l := wideBreak(p[2]); l != "" {
					t.Errorf("%s %s in %s breaks a line between two Chinese characters, which renders as a space: %q", lab.ID, p[0], lang, l)
				}
			}
		}
	}
}

// textPairs lists each translatable text of a as [name, original,
// translated].
func textPairs(a, b *Lab) [][3]string {
	out := [][3]string{{"title", a.Title, b.Title}, {"summary", a.Summary, b.Summary}, {"description", a.Description, b.Description}}
	for i := range a.Steps {
		s, t := &a.Steps[i], &b.Steps[i]
		n := fmt.Sprintf("step %d ", i+1)
		out = append(out, [3]string{n + "title", s.Title, t.Title}, [3]string{n + "text", s.Text, t.Text},
			[3]string{n + "explain", s.Explain, t.Explain}, [3]string{n + "hint", s.Hint, t.Hint})
		if q, tq := s.Question, t.Question; q != nil {
			out = append(out, [3]string{n + "ask", q.Ask, tq.Ask}, [3]string{n + "question explain", q.Explain, tq.Explain})
			for j := range q.Choices {
				out = append(out, [3]string{fmt.Sprintf("%schoice %d", n, j+1), q.Choices[j], tq.Choices[j]})
			}
		}
	}
	return out
}

// wideBreak returns the first line of s, outside fenced blocks, that ends
// in a wide character and is followed by a line that starts with one.
func wideBreak(s string) string {
	lines := strings.Split(fenced.ReplaceAllString(s, ""), "\n")
	for i := 0; i+1 < len(lines); i++ {
		a, b := []rune(strings.TrimSpace(lines[i])), []rune(strings.TrimSpace(lines[i+1]))
		if len(a) > 0 && len(b) > 0 && cellWidth(a[len(a)-1]) == 2 && cellWidth(b[0]) == 2 {
			return lines[i]
		}
	}
	return ""
}

var (
	fenced     = regexp.MustCompile("(?s)```.*?```")
	inlineCode = regexp.MustCompile("`[^`]+`")
	ipv4       = regexp.MustCompile(`\b\d+\.\d+\.\d+\.\d+(/\d+)?\b`)
)

// codeAndAddrs is the sorted set of a markdown text's inline code spans
// (outside fenced blocks, whose drawings may be translated) and IPv4
// addresses.
func codeAndAddrs(s string) string {
	s = strings.ReplaceAll(fenced.ReplaceAllString(s, ""), "\n", " ")
	set := map[string]bool{}
	for _, m := range inlineCode.FindAllString(s, -1) {
		set[strings.Join(strings.Fields(m), " ")] = true
	}
	for _, m := range ipv4.FindAllString(s, -1) {
		set[m] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " | ")
}

// TestListIn: netlab list in Chinese shows the built-in lab's Chinese
// title and summary, and an untranslated lab in its own words.
func TestListIn(t *testing.T) {
	dir := writeLabs(t, map[string]string{"mine.sh": "# My lab\n# Mine.\n\nip netns add ns01\n"})
	list, err := ListIn(dir, i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Summary{}
	for _, s := range list {
		got[s.ID] = s
	}
	if b := got["bridge"]; b.Title != "亲手搭建 Docker 的 bridge 网络" || !strings.Contains(b.Summary, "网络命名空间") || b.Steps != 16 {
		t.Errorf("bridge in zh: %+v", b)
	}
	if m := got["mine"]; m.Title != "My lab" {
		t.Errorf("mine in zh: %+v", m)
	}
}
