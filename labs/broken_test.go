package labs

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .err files of testdata/broken")

// TestBroken loads every lab in testdata/broken (a directory is linted as
// a whole) and compares its errors with the golden NAME.err file. A file
// that loads with warnings only (NAME.yaml of a lab that can outlast its
// time limit) is compared by its warnings.
func TestBroken(t *testing.T) {
	entries, err := os.ReadDir("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".err") {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata/broken", name)
			var got string
			if e.IsDir() {
				errs, _ := Lint([]string{path})
				if len(errs) == 0 {
					t.Fatalf("Lint(%s) found no errors", path)
				}
				got = errs.Error()
			} else {
				lab, err := LoadFile(path)
				switch {
				case err == nil && len(lab.Warnings) > 0: // a warnings-only file
					got = lab.Warnings.Error()
				case err == nil:
					t.Fatalf("LoadFile(%s) succeeded, want errors", path)
				default:
					if _, ok := err.(Errors); !ok {
						t.Fatalf("LoadFile(%s) error is %T, want Errors", path, err)
					}
					got = err.Error()
				}
			}
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./labs -run TestBroken -update)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("errors of %s differ from %s\n--- got\n%s\n--- want\n%s", path, golden, got, want)
			}
		})
	}
}
