package labs

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string
		found []rune
	}{
		{name: "plain", in: "a bridge\n\tis a switch", want: "a bridge\n\tis a switch"},
		{name: "OSC 52 clipboard write", in: "x\x1b]52;c;cm0gLXJmIH4K\x07y", want: "xy", found: []rune{0x1b, 0x07}},
		{name: "OSC ended by ST", in: "x\x1b]0;title\x1b\\y", want: "xy", found: []rune{0x1b, 0x1b}},
		{name: "CSI screen clear", in: "a\x1b[2J\x1b[Hb", want: "ab", found: []rune{0x1b, 0x1b}},
		{name: "C1 CSI", in: "a\u009b31mb", want: "ab", found: []rune{0x9b}},
		{name: "two-character escape", in: "a\x1bcb", want: "ab", found: []rune{0x1b}},
		{name: "bell, backspace, CR, DEL, NEL", in: "a\x07\x08\r\x7f\u0085b", want: "ab", found: []rune{7, 8, 13, 0x7f, 0x85}},
		{name: "ESC at the end", in: "a\x1b", want: "a", found: []rune{0x1b}},
		{name: "unterminated OSC", in: "a\x1b]52;c;xxx", want: "a", found: []rune{0x1b}},
		{name: "non-ASCII text is kept", in: "Grüße → ☃", want: "Grüße → ☃"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := cleanText(tt.in)
			if got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			var rs []rune
			for _, c := range found {
				rs = append(rs, c.r)
			}
			if string(rs) != string(tt.found) {
				t.Errorf("cleanText(%q) found %U, want %U", tt.in, rs, tt.found)
			}
			if hasControl(got) {
				t.Errorf("cleanText(%q) left a control character in %q", tt.in, got)
			}
		})
	}
}

// TestLoadedTextIsClean: even where a lab with control characters is
// refused, what the loader built holds none, so no consumer can print
// one: checked on the texts of control_chars.yaml through the loader.
func TestLoadedTextIsClean(t *testing.T) {
	src := "id: x\ntitle: \"T\\e[2J\"\nsummary: \"S\\e]52;c;aGk=\\a\"\nsteps:\n  - title: \"a\\x07\"\n    text: \"b\\x9b1m\"\n    hint: \"c\\x7f\"\n    commands: [\"ip link add br0\\e[K type bridge\"]\n    question: {ask: \"q\\x1b\", choices: [\"x\\x07\", y], answer: 1, explain: \"e\\r\"}\n"
	el := &errList{file: "x.yaml"}
	y := &yamlLoader{el: el}
	for _, l := range strings.Split(src, "\n") {
		y.lines = append(y.lines, []rune(l))
	}
	var doc yamlDoc
	if err := doc.parse(src); err != nil {
		t.Fatal(err)
	}
	lab := y.lab(doc.root())
	texts := []string{lab.Title, lab.Summary}
	for _, s := range lab.Steps {
		texts = append(texts, s.Title, s.Text, s.Hint, s.Question.Ask, s.Question.Explain)
		texts = append(texts, s.Question.Choices...)
		for _, c := range s.Commands {
			texts = append(texts, c.Text)
		}
	}
	for _, s := range texts {
		if hasControl(s) {
			t.Errorf("loaded text %q holds a control character", s)
		}
	}
	if len(lab.Steps) != 1 || len(lab.Steps[0].Commands) != 1 || lab.Steps[0].Commands[0].Text != "ip link add br0 type bridge" {
		t.Errorf("command not cleaned and parsed: %+v", lab.Steps)
	}
	if len(el.errs) != 10 {
		t.Errorf("got %d errors, want 10 (one per control character):\n%v", len(el.errs), el.errs)
	}
}

// yamlDoc parses a YAML source to its root node, for tests.
type yamlDoc struct{ n yaml.Node }

func (d *yamlDoc) parse(src string) error { return yaml.Unmarshal([]byte(src), &d.n) }
func (d *yamlDoc) root() *yaml.Node       { return d.n.Content[0] }
