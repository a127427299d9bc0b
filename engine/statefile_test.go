package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestStateFileSwap: each write leaves session.json holding exactly the
// new state and the previous one as the copy the next write reuses, and
// nothing else in the directory.
func TestStateFileSwap(t *testing.T) {
	dir := t.TempDir()
	states := [][]byte{[]byte(`{"a":1}`), []byte(`{"b":"a longer second state"}`), []byte(`{"c":3}`)}
	for i, b := range states {
		if err := writeStateFile(dir, b); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		got, err := readStateFile(dir)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("after write %d session.json = %q, %v; want %q", i, got, err, b)
		}
		if i > 0 {
			prev, err := os.ReadFile(nextStatePath(dir))
			if err != nil || !bytes.Equal(prev, states[i-1]) {
				t.Errorf("after write %d the spare copy = %q, %v; want the previous state %q", i, prev, err, states[i-1])
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want session.json and %s only", names, nextStateName)
	}
}

// TestStateFileSparesALinkInItsPlace: a symbolic link where the spare copy
// belongs is neither followed, written through nor removed; the state is
// written all the same.
func TestStateFileSparesALinkInItsPlace(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("untouched"), 0o644)
	if err := os.Symlink(victim, nextStatePath(dir)); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{`{"a":1}`, `{"b":2}`} {
		if err := writeStateFile(dir, []byte(b)); err != nil {
			t.Fatal(err)
		}
		if got, _ := readStateFile(dir); string(got) != b {
			t.Errorf("session.json = %q, want %q", got, b)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "untouched" {
		t.Errorf("the link's target was written: %q", b)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "session.json")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("session.json is not a plain file: %v %v", fi, err)
	}
	if fi, err := os.Lstat(nextStatePath(dir)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was not left where it was: %v %v", fi, err)
	}
}

// TestStateFileReaderWaitsForAWrite: a reader never reads the state while
// a write holds the run directory (the spare copy being rewritten in
// place may be the file the reader opened); it reads once the write ends.
func TestStateFileReaderWaitsForAWrite(t *testing.T) {
	dir := t.TempDir()
	if err := writeStateFile(dir, []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	unlock := lockDir(dir, unix.LOCK_EX) // a write in progress
	got := make(chan []byte, 1)
	go func() {
		b, _ := readStateFile(dir)
		got <- b
	}()
	select {
	case b := <-got:
		t.Fatalf("the reader read %q while a write held the directory", b)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	select {
	case b := <-got:
		if string(b) != `{"a":1}` {
			t.Errorf("read %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reader still waits after the write ended")
	}
}
