package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestStateFileSwap: each write leaves session.json holding exactly the
// new state and nothing else in the directory, the first write (nothing
// to exchange with) included.
func TestStateFileSwap(t *testing.T) {
	dir := t.TempDir()
	for i, b := range [][]byte{[]byte(`{"a":1}`), []byte(`{"b":"a longer second state"}`), []byte(`{"c":3}`)} {
		if err := writeStateFile(dir, b); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		got, err := os.ReadFile(statePath(dir))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("after write %d session.json = %q, %v; want %q", i, got, err, b)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("after write %d the directory holds %v, want session.json only", i, names)
		}
	}
}

// TestStateFileReplacesALink: a symbolic link planted as session.json is
// replaced by the state, never written through.
func TestStateFileReplacesALink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("untouched"), 0o644)
	if err := os.Symlink(victim, statePath(dir)); err != nil {
		t.Fatal(err)
	}
	if err := writeStateFile(dir, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "untouched" {
		t.Errorf("the link's target was written: %q", b)
	}
	if fi, err := os.Lstat(statePath(dir)); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("session.json is not a plain file: %v %v", fi, err)
	}
}
