package labs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netlab/netlab/labs/i18n"
)

// addSeeds adds the lab files matching pattern to the fuzz corpus.
func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
}

// FuzzLoadYAML feeds arbitrary YAML to the loader: it may reject it, but
// it must not panic, and errors must carry positions.
func FuzzLoadYAML(f *testing.F) {
	addSeeds(f, "../assets/labs/*.yaml", "testdata/broken/*.yaml", "testdata/good/*.yaml")
	f.Add([]byte("steps: [{commands: ['ip netns exec ns01 ping 1.2.3.4 -c 1'], expect: [{ping: ok, command: 9}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.yaml", data)
	})
}

// FuzzLoadScript feeds arbitrary text to the script loader.
func FuzzLoadScript(f *testing.F) {
	addSeeds(f, "testdata/*.sh", "testdata/broken/*.sh")
	f.Add([]byte("# t\n\n#s\nip netns add a\nip netns exec a tcpdump -i lo\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.sh", data)
	})
}

func checkLoad(t *testing.T, name string, data []byte) {
	lab, err := Load(name, data)
	if err == nil {
		if lab == nil || len(lab.Steps) == 0 {
			t.Fatalf("Load succeeded without a lab or steps: %+v", lab)
		}
		for _, lang := range i18n.Langs { // a loaded translation has the lab's shape
			if tr := lab.In(lang); len(tr.Steps) != len(lab.Steps) {
				t.Fatalf("In(%s) has %d steps, the lab %d", lang, len(tr.Steps), len(lab.Steps))
			}
			for _, e := range lab.Untranslated(lang) {
				if e.Line < 1 || e.Col < 1 || !e.Warning {
					t.Fatalf("untranslated warning without a position: %+v", e)
				}
			}
		}
		return
	}
	errs, ok := err.(Errors)
	if !ok || len(errs) == 0 {
		t.Fatalf("Load error %T %v is not a non-empty Errors", err, err)
	}
	for _, e := range errs {
		if e.Line < 1 || e.Col < 1 || e.Msg == "" {
			t.Fatalf("error without a position or message: %+v", e)
		}
	}
}
