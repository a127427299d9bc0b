package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryGoldenLineBinds binds every line of the command language's
// golden file, so an operation cmdline makes without a line in bind's
// table fails here (bind panics) rather than when a lab first runs it.
func TestEveryGoldenLineBinds(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("cmdline", "testdata", "parse.golden"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "program=") {
			continue
		}
		c, err := Parse(line)
		if err != nil {
			t.Errorf("Parse(%q): %v", line, err)
			continue
		}
		if len(c.Actions) != len(c.Source.Ops) {
			t.Errorf("Parse(%q): %d actions for %d operations", line, len(c.Actions), len(c.Source.Ops))
		}
		n++
	}
	if n == 0 {
		t.Fatal("no command lines in the golden file")
	}
}
