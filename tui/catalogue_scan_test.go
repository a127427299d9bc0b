package tui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// notShown are the string literals of tui/ with two or more English
// words that are not words shown to the student, each with the reason.
// Every other such literal must be the English text of an i18n.T or
// i18n.N call (TestNoUncataloguedStrings).
var notShown = map[string]string{
	"echo request":                 "matched in a tcpdump line to colour it (packets.go), never shown",
	"echo reply":                   "matched in a tcpdump line to colour it (packets.go), never shown",
	"net.ipv4.ip_forward":          "a sysctl name, read from the kernel snapshot",
	"net.ipv4.conf.all.forwarding": "a sysctl name, read from the kernel snapshot",
	"--to-source":                  "an iptables option, parsed from a rule",
	"--to-destination":             "an iptables option, parsed from a rule",
	" via ":                        "ip route's own word in a route drawn on the map, as ip prints it",
	"/route ":                      "the key of a highlighted route on the map, never shown",
	"shift+tab":                    "a key name: keys are named as on the keyboard",
	"netlab-":                      "the start of a saved pcap's file name",
	"built-in":                     "labs.Summary.Source's value, compared to show it in the catalogue's words",
	"NO_COLOR":                     "an environment variable's name",
	"NETLAB_RUN=":                  "an environment variable's name, for the shell",
	"NETLAB_LANG=":                 "an environment variable's name, for the shell",
}

// englishWords finds words of two letters or more.
var englishWords = regexp.MustCompile(`[A-Za-z]{2,}`)

// TestNoUncataloguedStrings scans tui/*.go (not tests) for string
// literals of two or more English words outside the catalogue: such a
// literal is text shown in English whatever the language, unless it is
// in notShown. Every message the code asks for must have its Chinese.
func TestNoUncataloguedStrings(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	zh := i18n.Translated(i18n.Chinese)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		catalogued := map[*ast.BasicLit]bool{} // ids and English texts of i18n calls
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec, *ast.Field: // import paths, struct tags
				return false
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "i18n" {
					return true
				}
				var texts []int
				switch sel.Sel.Name {
				case "T":
					texts = []int{0, 1}
				case "N":
					texts = []int{0, 2, 3}
				}
				for _, i := range texts {
					if i < len(n.Args) {
						if bl, ok := n.Args[i].(*ast.BasicLit); ok {
							catalogued[bl] = true
							if id, _ := strconv.Unquote(bl.Value); i == 0 && !zh[id] {
								t.Errorf("%s: %s has no Chinese in assets/locales/tui.zh.yaml", fset.Position(n.Pos()), id)
							}
						} else {
							t.Errorf("%s: i18n.%s takes its id and English as literals", fset.Position(n.Pos()), sel.Sel.Name)
						}
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || catalogued[n] {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				if len(englishWords.FindAllString(s, -1)) < 2 {
					return true
				}
				if _, ok := notShown[s]; !ok {
					t.Errorf("%s: %q is shown in English whatever the language: give it to i18n.T (or list it in notShown with the reason)", fset.Position(n.Pos()), s)
				}
			}
			return true
		})
	}
}
