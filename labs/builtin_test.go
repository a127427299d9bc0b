package labs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeLabs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestListAndFind(t *testing.T) {
	dir := writeLabs(t, map[string]string{
		"mine.sh":    "# My lab\n# Mine.\n\nip netns add ns01\n",
		"notes.md":   "not a lab",
		".hidden.sh": "rm -rf /",
	})
	tests := []struct {
		name     string
		lookup   string
		dir      string
		wantID   string
		wantErr  string
		wantFrom string
	}{
		{name: "built-in id", lookup: "bridge", wantID: "bridge", wantFrom: "built-in"},
		{name: "instructor id", lookup: "mine", dir: dir, wantID: "mine", wantFrom: filepath.Join(dir, "mine.sh")},
		{name: "file path", lookup: "testdata/seed001.sh", wantID: "seed001", wantFrom: "testdata/seed001.sh"},
		{name: "unknown", lookup: "nope", dir: dir, wantErr: `no lab "nope"`},
		{name: "instructor id without dir", lookup: "mine", wantErr: `no lab "mine"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab, err := Find(tt.lookup, tt.dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if lab.ID != tt.wantID || lab.Source() != tt.wantFrom {
				t.Errorf("found %s from %s, want %s from %s", lab.ID, lab.Source(), tt.wantID, tt.wantFrom)
			}
		})
	}

	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(list)
	for _, want := range []string{`"id":"bridge"`, `"source":"built-in"`, `"id":"mine"`, `"title":"My lab"`, `"steps":1`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("list %s lacks %s", out, want)
		}
	}
	if strings.Contains(string(out), "hidden") {
		t.Errorf("list %s includes a hidden file", out)
	}
}

func TestListReportsBadAndDuplicateLabs(t *testing.T) {
	dir := writeLabs(t, map[string]string{
		"bridge.sh": "ip link\n",
		"bad.sh":    "rm x\n",
		"good.sh":   "ip link\n",
	})
	list, err := List(dir)
	if err == nil {
		t.Fatal("List succeeded despite a bad file and a duplicate id")
	}
	msg := err.Error()
	for _, want := range []string{"bad.sh:1:1: unsupported command", `bridge.sh:1:1: duplicate lab id "bridge"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	found := false
	for _, s := range list {
		found = found || s.ID == "good"
	}
	if !found {
		t.Errorf("good lab missing from %+v", list)
	}
}

func TestLint(t *testing.T) {
	tests := []struct {
		name    string
		paths   []string
		wantOK  []string
		wantErr []string
	}{
		{name: "good files", paths: []string{"testdata/seed001.sh", "../assets/labs/bridge.yaml"},
			wantOK: []string{"testdata/seed001.sh", "../assets/labs/bridge.yaml"}},
		{name: "a good and a bad file", paths: []string{"testdata/seed001.sh", "testdata/broken/empty.yaml"},
			wantOK: []string{"testdata/seed001.sh"}, wantErr: []string{"testdata/broken/empty.yaml:7:15: "}},
		{name: "missing file", paths: []string{"testdata/nope.yaml"},
			wantErr: []string{"testdata/nope.yaml:1:1: read lab file: "}},
		{name: "directory with a duplicate id", paths: []string{"testdata/broken/dup_id"},
			wantOK:  []string{"testdata/broken/dup_id/first.yaml"},
			wantErr: []string{"testdata/broken/dup_id/second.sh:1:1: duplicate lab id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, ok := Lint(tt.paths)
			if strings.Join(ok, ",") != strings.Join(tt.wantOK, ",") {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors:\n%v\nwant %d", errs, len(tt.wantErr))
			}
			for i, e := range errs {
				if !strings.HasPrefix(e.Error(), tt.wantErr[i]) {
					t.Errorf("error %q, want prefix %q", e.Error(), tt.wantErr[i])
				}
			}
		})
	}
}
