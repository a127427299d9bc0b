package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"

	"gopkg.in/yaml.v3"

	"github.com/netlab/netlab/assets"
)

// The module's root, from this package's directory.
const moduleRoot = "../.."

// shownFiles are the files whose every word a student reads must come
// from the catalogue: the command line and the runner's reports (the TUI
// has its own test in tui/).
func shownFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"main*.go", "labs/runner/*.go"} {
		m, err := filepath.Glob(filepath.Join(moduleRoot, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, "_test.go") {
				out = append(out, f)
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("found only %v: is the module root %s?", out, moduleRoot)
	}
	return out
}

// wordsAllowed are string literals with letters in those files that are
// not sentences a student reads, each with why.
var wordsAllowed = map[string]string{
	// Commands and programs netlab runs, and their arguments.
	"iptables": "program looked up on PATH", "bash": "program", "sh": "program",
	"--norc": "bash flag", "--noprofile": "bash flag", "-i": "bash flag", "ping": "program name matched in a lab's commands",
	// The shell prompt and environment of netlab shell: names, not words.
	"PS1=[netlab ": "shell prompt, names the node", "] \\w # ": "shell prompt", "NETLAB_NODE=": "environment variable",
	// The program's own name, as a command and as the prefix of its messages.
	"netlab": "the command's name", "netlab:": "prefix of every message, the command's name",
	// Names of flags looked up or checked: command words.
	"lang": "flag name", "count": "flag name", "--lang": "flag", "--lang=": "flag",
	// Keys of the engine session's metadata and of build info, never shown.
	"lab": "metadata key", "file": "metadata key", "title": "metadata key",
	"vcs.revision": "build info key", "vcs.modified": "build info key", "true": "build info value",
	"lock":           "a file of the run directory",
	"{{.Version}}\n": "cobra's template for netlab --version",
	// netlab --version: the version line names the build, like git does.
	"(devel)": "version word", "netlab ": "version line", " commit ": "version line", " (modified)": "version line",
	// A fails expectation's text is matched against this, in every
	// language (failureShown is the student's version).
	"exit status %d: %s": "matched by lab files; the words Go and the shell use",
}

// helpFields are the cobra.Command fields that stay English: netlab's
// help is cobra's, whose own words (Usage:, Flags:, Available Commands:)
// have no translation, so translating our half would give a help page
// in two languages; it is reference for commands that are English anyway.
var helpFields = map[string]bool{"Use": true, "Short": true, "Long": true, "Example": true}

// flagDefs are the pflag methods that define a flag: the name, shorthand
// and usage (help, see helpFields) they take are not messages.
var flagDefs = regexp.MustCompile(`^(Bool|String|Int|Count|Duration|StringSlice)(Var)?P?$`)

// commandWords are main's functions whose string arguments are command
// lines: needRoot("netlab step") names the verb in "sudo netlab step",
// args(1, "open LAB|FILE") is the synopsis after "usage: netlab".
var commandWords = map[string]bool{"needRoot": true, "args": true}

// formatVerb is a fmt verb, which says nothing in any language.
var formatVerb = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z%]`)

// hasWords reports whether a literal says something: letters outside fmt
// verbs and escapes.
func hasWords(s string) bool {
	s = formatVerb.ReplaceAllString(s, "")
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x2E80 {
			return true
		}
	}
	return false
}

// isI18nCall reports whether call is i18n.T or i18n.N, or, in the
// engine package (file), problem(id, english, fields...), which makes a
// check problem the runner shows through i18n.Relay: shaped like T.
func isI18nCall(file string, call *ast.CallExpr) (name string, ok bool) {
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		if x, isIdent := f.X.(*ast.Ident); isIdent && x.Name == "i18n" && (f.Sel.Name == "T" || f.Sel.Name == "N") {
			return f.Sel.Name, true
		}
	case *ast.Ident:
		if f.Name == "problem" && filepath.Base(filepath.Dir(file)) == "engine" && len(call.Args) >= 2 {
			if lit, isLit := call.Args[0].(*ast.BasicLit); isLit && lit.Kind == token.STRING {
				return "T", true
			}
		}
	}
	return "", false
}

// TestNoUncataloguedWords fails when main*.go or labs/runner/*.go holds
// a string literal with words that does not go through the catalogue:
// every message netlab prints is the English argument of i18n.T or N.
func TestNoUncataloguedWords(t *testing.T) {
	fset := token.NewFileSet()
	for _, file := range shownFiles(t) {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		exempt := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				exempt[n.Path] = true
			case *ast.Field:
				if n.Tag != nil {
					exempt[n.Tag] = true
				}
			case *ast.CallExpr:
				// The ID, English texts and field names of i18n.T and N
				// (only literals passed as they are: a value built from
				// other literals is checked).
				if _, ok := isI18nCall(file, n); ok {
					for _, a := range n.Args {
						if lit, ok := a.(*ast.BasicLit); ok {
							exempt[lit] = true
						}
					}
				}
				exemptArgs := false
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && flagDefs.MatchString(sel.Sel.Name) {
					exemptArgs = true
				}
				if id, ok := n.Fun.(*ast.Ident); ok && commandWords[id.Name] {
					exemptArgs = true
				}
				if exemptArgs {
					for _, a := range n.Args {
						ast.Inspect(a, func(m ast.Node) bool {
							if lit, ok := m.(*ast.BasicLit); ok {
								exempt[lit] = true
							}
							return true
						})
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && helpFields[k.Name] {
					ast.Inspect(n.Value, func(m ast.Node) bool {
						if lit, ok := m.(*ast.BasicLit); ok {
							exempt[lit] = true
						}
						return true
					})
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || exempt[lit] {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			if _, ok := wordsAllowed[s]; ok || !hasWords(s) {
				return true
			}
			t.Errorf("%s: %s is shown to students but is not in the catalogue: use i18n.T(id, english, ...)", fset.Position(lit.Pos()), lit.Value)
			return true
		})
	}
}

// use is one i18n.T or N call: its ID, the English texts and the
// template fields the call passes (nil when they are not all literals).
type use struct {
	pos     string
	id      string
	english []string
	fields  map[string]bool
}

// uses lists every i18n.T and N call in the module's non-test Go files
// (the TUI's too) and every string literal there. In main*.go and
// labs/runner every argument that names a message or a field must be a
// literal, to be checked; elsewhere a call that builds them (a table of
// key helps, say) is checked as far as its literals go, and its IDs
// count as used when they appear as literals anywhere.
func uses(t *testing.T) (out []use, literals map[string]bool) {
	t.Helper()
	literals = map[string]bool{}
	strict := map[string]bool{}
	for _, f := range shownFiles(t) {
		strict[filepath.Clean(f)] = true
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != moduleRoot {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil {
					literals[v] = true
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name, ok := isI18nCall(p, call)
			if !ok {
				return true
			}
			pos := fset.Position(call.Pos()).String()
			literal := true
			str := func(i int) string {
				if i >= len(call.Args) {
					t.Errorf("%s: i18n.%s with too few arguments", pos, name)
					return ""
				}
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					if strict[filepath.Clean(p)] {
						t.Errorf("%s: argument %d of i18n.%s is not a string literal: IDs, English texts and field names must be, to be checked", pos, i+1, name)
					}
					literal = false
					return ""
				}
				s, _ := strconv.Unquote(lit.Value)
				return s
			}
			u := use{pos: pos, id: str(0), fields: map[string]bool{}}
			rest := 2
			if name == "T" {
				u.english = []string{str(1)}
			} else {
				u.english = []string{str(2), str(3)}
				u.fields["Count"] = true
				rest = 4
			}
			for i := rest; i < len(call.Args); i += 2 {
				u.fields[str(i)] = true
			}
			if !literal {
				u.english, u.fields = nil, nil // built at run time: only the ID, if literal, is checked
			}
			out = append(out, u)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d i18n calls: is the module root %s?", len(out), moduleRoot)
	}
	return out, literals
}

// fieldsOf lists the {{.X}} fields a template uses.
func fieldsOf(t *testing.T, where, text string) map[string]bool {
	t.Helper()
	tmpl, err := template.New("").Parse(text)
	if err != nil {
		t.Errorf("%s: %q: %v", where, text, err)
		return nil
	}
	out := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			for _, c := range n.Pipe.Cmds {
				for _, a := range c.Args {
					if f, ok := a.(*parse.FieldNode); ok {
						out[f.Ident[0]] = true
					}
				}
			}
		}
	}
	if tmpl.Tree != nil {
		walk(tmpl.Tree.Root)
	}
	return out
}

// zhMessages reads the Chinese catalogues: ID to its text (the other
// form of a plural message).
func zhMessages(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := fs.Glob(assets.FS, assets.LocalesDir+"/*."+string(Chinese)+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		buf, err := fs.ReadFile(assets.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(buf, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range m {
			if _, dup := out[id]; dup {
				t.Errorf("%s: %s is in two catalogues", f, id)
			}
			switch v := v.(type) {
			case string:
				out[id] = v
			case map[string]any:
				s, _ := v["other"].(string)
				out[id] = s
			default:
				t.Errorf("%s: %s is neither a text nor plural forms", f, id)
			}
		}
	}
	return out
}

// fixtures are catalogue entries that only this package's own tests read.
var fixtures = map[string]bool{"lang.name": true}

// TestEveryMessageTranslated fails when a message netlab shows has no
// Chinese translation, when one ID stands for two English texts, when a
// translation uses a field the code does not pass (it would print "<no
// value>"), and when the catalogue holds a translation no code asks for.
func TestEveryMessageTranslated(t *testing.T) {
	zh := zhMessages(t)
	translated := Translated(Chinese)
	if len(translated) != len(zh) {
		t.Errorf("Translated(zh) has %d IDs, the catalogues %d", len(translated), len(zh))
	}
	calls, literals := uses(t)
	english := map[string]string{}
	for _, u := range calls {
		if u.id == "" {
			continue
		}
		text, ok := zh[u.id]
		if !ok || !translated[u.id] {
			t.Errorf("%s: %s (%q) has no Chinese translation in %s/*.zh.yaml", u.pos, u.id, u.english, assets.LocalesDir)
			continue
		}
		if u.fields == nil {
			continue
		}
		key := strings.Join(u.english, "\x00")
		if prev, ok := english[u.id]; ok && prev != key {
			t.Errorf("%s: %s has two English texts: %q and %q", u.pos, u.id, prev, key)
		}
		english[u.id] = key
		for _, e := range u.english {
			for f := range fieldsOf(t, u.pos, e) {
				if !u.fields[f] {
					t.Errorf("%s: %s: the English text uses {{.%s}}, which the call does not pass", u.pos, u.id, f)
				}
			}
		}
		for f := range fieldsOf(t, u.id, text) {
			if !u.fields[f] {
				t.Errorf("%s: the Chinese text uses {{.%s}}, which %s does not pass", u.id, f, u.pos)
			}
		}
	}
	var stale []string
	for id := range zh {
		if !literals[id] && !fixtures[id] {
			stale = append(stale, id)
		}
	}
	sort.Strings(stale)
	for _, id := range stale {
		t.Errorf("%s is translated but no code uses it: remove it from the catalogue", id)
	}
}

// TestCatalogueFilesPerArea keeps one catalogue per area, each naming an
// area of the code; the TUI's (tui.zh.yaml) is optional until it lands.
func TestCatalogueFilesPerArea(t *testing.T) {
	for _, area := range []string{"cli", "runner", "engine"} {
		if _, err := fs.Stat(assets.FS, assets.LocalesDir+"/"+area+".zh.yaml"); err != nil {
			t.Errorf("no %s catalogue: %v", area, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(moduleRoot, "assets", assets.LocalesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		area := strings.SplitN(e.Name(), ".", 2)[0]
		switch area {
		case "cli", "runner", "tui", "labs", "engine":
		default:
			t.Errorf("%s: not a catalogue of an area (cli, runner, tui, labs, engine)", e.Name())
		}
	}
}
