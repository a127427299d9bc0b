package labs

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// laughs builds a "billion laughs" lab: depth levels of lists, each
// holding width aliases to the level before, used as the step's commands
// and expectations.
func laughs(depth, width int) string {
	var b strings.Builder
	b.WriteString("id: laughs\ntitle: t\nsummary: s\nl0: &l0 [\"ip link\"]\n")
	for d := 1; d <= depth; d++ {
		items := make([]string, width)
		for i := range items {
			items[i] = fmt.Sprintf("*l%d", d-1)
		}
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", d, d, strings.Join(items, ", "))
	}
	fmt.Fprintf(&b, "steps:\n  - title: t\n    text: x\n    commands: *l%d\n    expect: [*l%d, *l%d]\n", depth, depth, depth)
	return b.String()
}

// repeatedStep builds a 36 KB lab whose one step of n commands is reused
// m times through an alias: the shape that made lint take 11 s and 690 MB.
func repeatedStep(n, m int) string {
	var b strings.Builder
	b.WriteString("id: q\ntitle: t\nsummary: s\nsteps:\n  - &s\n    title: t\n    text: x\n    commands:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - ip link set br%d up\n", i)
	}
	for i := 0; i < m; i++ {
		b.WriteString("  - *s\n")
	}
	return b.String()
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAliasBudget: files whose aliases expand to billions of nodes are
// refused at the alias with a bounded amount of work (counted in nodes
// visited and bytes allocated, not in seconds), with one error.
func TestAliasBudget(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		wantErr      string
		maxAllocated uint64
	}{
		{name: "ten levels of ten", src: laughs(10, 10), wantErr: "too many alias expansions", maxAllocated: 8 << 20},
		{name: "thirty levels of two", src: laughs(30, 2), wantErr: "too many alias expansions", maxAllocated: 8 << 20},
		{name: "wide and flat near 1 MiB", src: laughs(3, 60000), wantErr: "too many alias expansions", maxAllocated: 256 << 20},
		{name: "one step of 1000 commands repeated 1000 times", src: repeatedStep(1000, 1000), wantErr: "too many alias expansions", maxAllocated: 16 << 20},
		{name: "a few aliases are fine", src: laughs(2, 3), wantErr: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.src) > MaxFileSize {
				t.Fatalf("test file is %d bytes, over the size limit", len(tt.src))
			}
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			a := aliasWalk{}
			a.walk(&doc, nil)
			if a.expanded > MaxAliasNodes+1 {
				t.Errorf("the alias check visited %d nodes through aliases, want at most %d", a.expanded, MaxAliasNodes+1)
			}
			var err error
			n := allocated(func() { _, err = Load("laughs.yaml", []byte(tt.src)) })
			if tt.wantErr == "" {
				if err != nil && strings.Contains(err.Error(), "alias expansion") {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			es, ok := err.(Errors)
			if !ok || len(es) != 1 || !strings.Contains(es[0].Msg, tt.wantErr) {
				t.Fatalf("Load error = %v, want one %q", err, tt.wantErr)
			}
			if es[0].Line < 5 {
				t.Errorf("error at line %d, want it at an alias (line 5 or later)", es[0].Line)
			}
			t.Logf("%d nodes through aliases checked, %d bytes allocated", a.expanded, n)
			if n > tt.maxAllocated {
				t.Errorf("Load allocated %d bytes, want at most %d", n, tt.maxAllocated)
			}
		})
	}
}

// TestSizeLimit: a file over MaxFileSize is refused before it is parsed,
// by Load and by LoadFile, which reads no more than the limit.
func TestSizeLimit(t *testing.T) {
	big := "id: big\n# " + strings.Repeat("x", MaxFileSize) + "\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(path, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	want := path + ":1:1: the file is too big (1.0 MiB): a lab file may be at most 1 MiB"
	_, err := LoadFile(path)
	if err == nil || err.Error() != want {
		t.Errorf("LoadFile error = %v, want %q", err, want)
	}
	if _, err := Load("big.sh", []byte(big)); err == nil || !strings.Contains(err.Error(), "too big") {
		t.Errorf("Load error = %v, want too big", err)
	}
}

// TestErrorCap: a file with thousands of errors reports the first
// MaxErrorsPerFile and how many more.
func TestErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("id: x\ntitle: t\nsummary: s\nsteps:\n  - title: t\n    text: x\n    commands:\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("      - nosuchprogram\n")
	}
	_, err := Load("many.yaml", []byte(b.String()))
	es, ok := err.(Errors)
	if !ok {
		t.Fatalf("Load error = %v, want Errors", err)
	}
	if len(es) != MaxErrorsPerFile+1 {
		t.Fatalf("got %d errors, want %d and a summary", len(es), MaxErrorsPerFile)
	}
	if last := es[len(es)-1].Msg; !strings.HasPrefix(last, "... and 4950 more errors") {
		t.Errorf("last error = %q, want \"... and 4950 more errors\"", last)
	}
}

// TestListWithHostileFile: one hostile file in the lab directory is
// reported, costs bounded work, and the good labs are still listed.
func TestListWithHostileFile(t *testing.T) {
	dir := writeLabs(t, map[string]string{
		"laughs.yaml": laughs(10, 10),
		"good.sh":     "# Good\n# A good lab.\n\nip netns add ns01\n",
	})
	var list []Summary
	var err error
	n := allocated(func() { list, err = List(dir) })
	if err == nil || !strings.Contains(err.Error(), "laughs.yaml:") || !strings.Contains(err.Error(), "too many alias expansions") {
		t.Errorf("List error = %v, want the hostile file reported", err)
	}
	found := false
	for _, s := range list {
		found = found || s.ID == "good"
	}
	if !found {
		t.Errorf("List = %v, want the good lab listed", list)
	}
	if n > 32<<20 {
		t.Errorf("List allocated %d bytes, want at most 32 MiB", n)
	}
}

// TestManyControlCharacters: a title of half a million escapes costs
// linear work: the first errors are placed, the rest only counted.
func TestManyControlCharacters(t *testing.T) {
	src := "id: x\ntitle: \"" + strings.Repeat(`\e`, 500000) + "\"\nsummary: s\nsteps:\n  - {title: t, text: x, commands: [ip link]}\n"
	var err error
	n := allocated(func() { _, err = Load("x.yaml", []byte(src)) })
	es, ok := err.(Errors)
	if !ok || len(es) != MaxErrorsPerFile+1 {
		t.Fatalf("Load error has %d entries, want %d and a summary", len(es), MaxErrorsPerFile)
	}
	if want := "... and 499950 more errors"; !strings.HasPrefix(es[len(es)-1].Msg, want) {
		t.Errorf("last error = %q, want %q", es[len(es)-1].Msg, want)
	}
	if n > 64<<20 {
		t.Errorf("Load allocated %d bytes, want at most 64 MiB", n)
	}
}

// TestTranslationLimits: a translation counts toward the same bounds as
// the original: its control characters are capped like any error, and
// aliases inside it spend the same alias budget.
func TestTranslationLimits(t *testing.T) {
	head := "id: x\ntitle: t\nsummary: s\nsteps:\n  - {title: t, text: x, commands: [ip link]}\ntranslations:\n  zh:\n"
	src := head + "    title: \"" + strings.Repeat(`网\e`, 200000) + "\"\n"
	var err error
	n := allocated(func() { _, err = Load("x.yaml", []byte(src)) })
	es, ok := err.(Errors)
	if !ok || len(es) != MaxErrorsPerFile+1 || !strings.HasPrefix(es[len(es)-1].Msg, "... and 199950 more errors") {
		t.Fatalf("Load error has %d entries, want %d and a summary", len(es), MaxErrorsPerFile)
	}
	if es[1].Col != es[0].Col+3 { // 网 and \e: two characters of the line apart, whatever their bytes
		t.Errorf("columns %d and %d, want 3 apart", es[0].Col, es[1].Col)
	}
	if n > 64<<20 {
		t.Errorf("Load allocated %d bytes, want at most 64 MiB", n)
	}
	var b strings.Builder
	b.WriteString("id: x\ntitle: t\nsummary: s\nl0: &l0 [\"网桥\"]\n")
	for d := 1; d <= 10; d++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", d, d, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", d-1), 10), ", "))
	}
	b.WriteString("steps:\n  - {title: t, text: x, commands: [ip link], question: {ask: a, choices: [b, c], answer: 0}}\n")
	b.WriteString("translations:\n  zh:\n    steps:\n      - question: {choices: *l10}\n")
	_, err = Load("laughs.yaml", []byte(b.String()))
	if es, ok := err.(Errors); !ok || len(es) != 1 || !strings.Contains(es[0].Msg, "too many alias expansions") {
		t.Errorf("Load error = %v, want one alias error", err)
	}
}
